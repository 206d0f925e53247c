// How pdf-parse is opened (pdfjs.ts): the copy of each message between pdfjs's halves is the one
// structuredClone makes; the channel delivers like pdfjs's loopback port; the built-ins pdfjs's
// polyfills replace are put back, the ones they add are kept; and usableText (pdf.ts), rewritten
// to count without building arrays, still means what it did.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { copyMessage, CopyingPort, openPdf, putBack } from './pdfjs.js';
import { usableText } from './pdf.js';
import { textPdf } from './test-helpers/samples.js';

/** The same value, with the same prototypes and the same sharing of objects. */
function expectSameClone(copy: unknown, clone: unknown, original: unknown): void {
  expect(copy).toStrictEqual(clone);
  expect(copy).not.toBe(original === null || typeof original !== 'object' ? {} : original);
}

describe('copyMessage', () => {
  it('copies plain data as structuredClone does: null prototypes become plain, undefined kept', () => {
    const styles = Object.assign(Object.create(null) as object, { g_d0_f1: { fontFamily: 'sans-serif', ascent: 0.9, vertical: false } });
    const msg = { sourceName: 'worker', targetName: 'main', stream: 4, streamId: 3, chunk: { items: [{ str: 'Plan', dir: 'ltr', width: 20.5, transform: [12, 0, 0, 12, 72, -0], hasEOL: true }], styles, lang: null, x: undefined } };
    const copy = copyMessage(msg);
    expectSameClone(copy, structuredClone(msg), msg);
    expect(Object.getPrototypeOf(copy.chunk.styles)).toBe(Object.prototype);
    expect(copy.chunk.items[0]).not.toBe(msg.chunk.items[0]);
    expect(Object.is(copy.chunk.items[0].transform[5], -0)).toBe(true);
  });

  it('keeps shared and circular references shared and circular', () => {
    const transform = [1, 0, 0, 1, 5, 6];
    const a: Record<string, unknown> = { items: [{ transform }, { transform }] };
    a.self = a;
    const copy = copyMessage(a) as { items: { transform: number[] }[]; self: unknown };
    expect(copy.items[0].transform).toBe(copy.items[1].transform);
    expect(copy.items[0].transform).not.toBe(transform);
    expect(copy.self).toBe(copy);
  });

  it('leaves anything else, and messages with a transfer list, to structuredClone', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const withTyped = { data: bytes, map: new Map([[1, 'a']]), when: new Date(0) };
    const copy = copyMessage(withTyped);
    expect(copy.data).toBeInstanceOf(Uint8Array);
    expect(copy.data).not.toBe(bytes);
    expect(copy.map).toBeInstanceOf(Map);
    expect(copy.when).toBeInstanceOf(Date);
    const holey = [1, , 3]; // eslint-disable-line no-sparse-arrays
    expect(1 in copyMessage(holey)).toBe(false);
    const moved = new Uint8Array([9]);
    expect(copyMessage({ data: moved }, [moved.buffer]).data[0]).toBe(9);
    expect(moved.byteLength).toBe(0); // transferred, as structuredClone does
    expect(() => copyMessage({ f: () => 1 })).toThrow(); // as structuredClone throws
  });

  it('keeps an own "__proto__" key a key', () => {
    const v = JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as object;
    const copy = copyMessage(v);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toStrictEqual(structuredClone(v));
  });

  it('equals structuredClone on arbitrary JSON-like data', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => { expect(copyMessage(v)).toStrictEqual(structuredClone(v)); }), { numRuns: 2000 });
  });
});

describe('CopyingPort', () => {
  it('delivers a copy of each message a microtask later, in order, to listeners until they leave', async () => {
    const port = new CopyingPort();
    const seen: unknown[] = [];
    const ac = new AbortController();
    port.addEventListener('message', (e) => seen.push(e.data), { signal: ac.signal });
    const first = { n: 1 };
    port.postMessage(first);
    port.postMessage({ n: 2 });
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen[0]).not.toBe(first);
    ac.abort();
    port.postMessage({ n: 3 });
    await Promise.resolve();
    expect(seen).toHaveLength(2);
    port.addEventListener('message', (e) => seen.push(e.data), { signal: ac.signal }); // already aborted: not added
    const other = (e: { data: unknown }) => seen.push(e.data);
    port.addEventListener('message', other);
    port.terminate();
    port.postMessage({ n: 4 });
    await Promise.resolve();
    expect(seen).toHaveLength(2);
  });
});

describe('putBack', () => {
  it('restores functions that were replaced and keeps the ones that were added', () => {
    const native = () => 'native';
    const owner: Record<string, unknown> = { f: native, n: 1 };
    const before = Object.keys(owner).map((key) => ({ owner, key, descriptor: Object.getOwnPropertyDescriptor(owner, key)! }));
    owner.f = () => 'polyfill';
    owner.g = () => 'added';
    owner.n = 2; // not a function slot: left as it is
    expect(putBack(before)).toEqual(['f']);
    expect(owner.f).toBe(native);
    expect((owner.g as () => string)()).toBe('added');
    expect(owner.n).toBe(2);
  });

  it('after a PDF is read, through the copying channel, the thread has the engine’s own Array.prototype.push and JSON.parse', async () => {
    const posted = vi.spyOn(CopyingPort.prototype, 'postMessage');
    const { parser, close } = await openPdf(new Uint8Array(await textPdf([['Plan', 'The plan is in place.']])));
    try {
      expect((await parser.getText()).pages[0].text).toContain('The plan is in place.');
      expect(posted).toHaveBeenCalled();
    } finally {
      await close();
      posted.mockRestore();
    }
    const source = (f: unknown) => Function.prototype.toString.call(f);
    expect(source(Array.prototype.push)).toMatch(/\[native code\]/);
    expect(source(JSON.parse)).toMatch(/\[native code\]/);
    expect(typeof (Promise as { withResolvers?: unknown }).withResolvers).toBe('function'); // what pdfjs added stays
  });
});

describe('usableText', () => {
  /** The definition it had before it was made cheaper. */
  const reference = (text: string) => {
    const visible = text.replace(/\s/g, '').length;
    const alnum = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
    return alnum >= 3 && alnum >= visible * 0.5;
  };

  it('agrees with its reference definition, astral letters and lone surrogates included', () => {
    for (const t of ['', 'ab', 'abc', '𝐀𝐁𝐂', '𝐀𝐁 !!!!', '\uD835 x y', '■■■■ ab', 'Plan 2017 ——', '\uDC00\uDC00abc']) expect(usableText(t)).toBe(reference(t));
    const pieces = fc.constantFrom('a', 'Z', '7', ' ', '\n', '\t', '!', '■', '𝐀', '😀', '\uD835', '\uDC00', 'é', '٣', '·');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 30 }).map((a) => a.join('')), (t) => usableText(t) === reference(t)));
  });
});
