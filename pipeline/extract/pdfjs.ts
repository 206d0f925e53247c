// pdf-parse, opened for one document at a time, with two costs of its pdfjs removed. Neither
// changes a byte of the text: pdf-parse still reads every page (getInfo, getText, getScreenshot)
// with the same pdfjs code; only the built-ins that code runs on and the way pdfjs's two halves
// pass messages differ.
//
// 1. Built-ins put back. pdf-parse imports pdfjs's "legacy" build, whose core-js polyfills, on
//    Node 20 (V8 11.3), *replace* Array.prototype.push, JSON.parse and Function.prototype.toString
//    with JS versions for the whole thread. They differ from the engine's only where pdfjs does not
//    go (push on an array whose length is read-only throws another error; JSON.parse hands a
//    reviver the source text; pdfjs passes no reviver, nor does this project), but pdfjs pushes for
//    every glyph, and so does the rest of the thread (segmenting, matching). Once pdfjs (both
//    halves) is loaded, the replaced built-ins are put back; what core-js *added*
//    (Promise.withResolvers, Uint8Array.prototype.toHex, …) stays, as pdfjs needs it. On a Node
//    whose built-ins core-js accepts, nothing is replaced and nothing is put back.
// 2. A cheaper channel. In Node, pdfjs runs its "worker" half in the same thread behind a loopback
//    port that copies every message with structuredClone (costly per call on Node 20, and a page
//    takes a dozen stream messages or more). Each document here gets its own PDFWorker on a
//    CopyingPort, which copies plain data itself and leaves everything else to structuredClone.
//    The channel lives and dies with the document, as pdfjs's own does.
//
// Measured on 30 PDFs of the bench drop (701 pages; CPU seconds, paired runs in one process):
// the built-ins about 20 % of the time, the channel about 5 % more. pdf.ts says what is read.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { PDFParse } from 'pdf-parse';

/** The parts of pdfjs this module uses (pdfjs-dist is pdf-parse's dependency, not ours). */
interface PdfjsWorkerClass {
  new (params: { port: CopyingPort; verbosity: number }): { destroy(): void };
}
interface Engine {
  PDFParse: typeof PDFParse;
  /** undefined when pdf-parse does not share our copy of pdfjs (see load): its default is used */
  PDFWorker?: PdfjsWorkerClass;
  WorkerMessageHandler?: { initializeFromPort(port: CopyingPort): void };
}

export interface OpenedPdf {
  parser: PDFParse;
  /** Frees the document and its channel; never throws. */
  close(): Promise<void>;
}

let engine: Promise<Engine> | undefined;

/** A pdf-parse parser for `data`, which it takes ownership of (pdfjs may detach its buffer). */
export async function openPdf(data: Uint8Array): Promise<OpenedPdf> {
  const { PDFParse, PDFWorker, WorkerMessageHandler } = await (engine ??= load());
  const options: { data: Uint8Array; verbosity: number; worker?: unknown } = { data, verbosity: 0 };
  let closeChannel = () => {};
  if (PDFWorker && WorkerMessageHandler) {
    const port = new CopyingPort();
    WorkerMessageHandler.initializeFromPort(port);
    const worker = new PDFWorker({ port, verbosity: 0 });
    options.worker = worker;
    closeChannel = () => { worker.destroy(); port.terminate(); };
  }
  const parser = new PDFParse(options as ConstructorParameters<typeof PDFParse>[0]);
  return {
    parser,
    close: async () => {
      await parser.destroy().catch(() => undefined);
      closeChannel();
    },
  };
}

/** Loads pdf-parse and both halves of its pdfjs once per thread, then puts back the built-ins
 * they replaced. Only this module imports pdf-parse (its type import above is erased); were it
 * loaded earlier by something else, the polyfills would already be in `before` and stay: slower,
 * not wrong. pdfjs's worker half, imported here, is the one its fake worker would import. */
async function load(): Promise<Engine> {
  const before = builtIns();
  const pdfParse = await import('pdf-parse');
  // pdfjs-dist as pdf-parse resolves it, so both hold the same module instance
  const fromPdfParse = createRequire(createRequire(import.meta.url).resolve('pdf-parse'));
  const pdfjsUrl = (file: string) => pathToFileURL(fromPdfParse.resolve(`pdfjs-dist/legacy/build/${file}`)).href;
  const pdfjs = await import(pdfjsUrl('pdf.mjs'));
  const worker = await import(pdfjsUrl('pdf.worker.mjs'));
  putBack(before);
  // a bundler or test runner that gave us a second instance of pdfjs: pdf-parse's own would not
  // accept our PDFWorker, so leave it its default channel
  const shared = pdfjs.VerbosityLevel === pdfParse.VerbosityLevel;
  return { PDFParse: pdfParse.PDFParse, ...(shared ? { PDFWorker: pdfjs.PDFWorker, WorkerMessageHandler: worker.WorkerMessageHandler } : {}) };
}

type Slot = { owner: object; key: PropertyKey; descriptor: PropertyDescriptor };

/** The standard library's function slots (constructors, their prototypes and namespaces). */
export function builtIns(): Slot[] {
  const owners: object[] = [JSON, Math, Reflect];
  for (const c of [Array, Object, Function, String, Number, Boolean, Symbol, BigInt, Promise, Map, Set, WeakMap, WeakSet,
    RegExp, Date, Error, ArrayBuffer, DataView, Object.getPrototypeOf(Uint8Array) as object, Uint8Array]) {
    owners.push(c, (c as { prototype: object }).prototype);
  }
  return owners.flatMap((owner) => Reflect.ownKeys(owner).map((key) => ({ owner, key, descriptor: Object.getOwnPropertyDescriptor(owner, key)! })));
}

/** Restores every slot of `before` whose function was replaced since; added slots stay. */
export function putBack(before: Slot[]): PropertyKey[] {
  const restored: PropertyKey[] = [];
  for (const { owner, key, descriptor } of before) {
    const now = Object.getOwnPropertyDescriptor(owner, key);
    if (typeof descriptor.value !== 'function' || !now || now.value === descriptor.value) continue;
    Object.defineProperty(owner, key, descriptor);
    restored.push(key);
  }
  return restored;
}

type Listener = (event: { data: unknown }) => void;

/** Both ends of the channel between pdfjs's halves in one thread, as pdfjs's own LoopbackPort:
 * every listener gets a copy of every message, a microtask later, in order; a listener added
 * with an AbortSignal goes when it aborts (pdfjs's MessageHandler relies on it to detach). */
export class CopyingPort {
  private listeners = new Set<Listener>();
  private deferred = Promise.resolve();

  postMessage(message: unknown, transfer?: Transferable[] | null): void {
    const event = { data: copyMessage(message, transfer ?? undefined) };
    void this.deferred.then(() => {
      for (const listener of this.listeners) listener.call(this, event);
    });
  }

  addEventListener(_type: string, listener: Listener, options?: { signal?: AbortSignal } | null): void {
    const signal = options?.signal;
    if (signal?.aborted) return;
    this.listeners.add(listener);
    signal?.addEventListener('abort', () => this.listeners.delete(listener), { once: true });
  }

  removeEventListener(_type: string, listener: Listener): void {
    this.listeners.delete(listener);
  }

  terminate(): void {
    this.listeners.clear();
  }
}

const NOT_PLAIN = Symbol('not plain data');

/** A copy of `message` equal to structuredClone's. Plain data (primitives, dense arrays, objects
 * whose prototype is Object.prototype or null: text content, stream control, most replies) is
 * copied here, keeping shared and circular references shared and circular, and a null-prototype
 * object becomes a plain one, as structuredClone makes it. A message with a transfer list or
 * with anything else in it (typed arrays, Maps, errors, class instances) goes to structuredClone
 * whole, so it keeps that function's exact semantics. */
export function copyMessage<T>(message: T, transfer?: Transferable[]): T {
  if (!transfer?.length) {
    try {
      return copyPlain(message, new Map());
    } catch (err) {
      if (err !== NOT_PLAIN) throw err;
    }
  }
  return structuredClone(message, transfer?.length ? { transfer } : undefined);
}

function copyPlain<T>(value: T, seen: Map<object, unknown>): T {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN;
    return value;
  }
  const known = seen.get(value);
  if (known !== undefined) return known as T;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
    const n = value.length;
    const copy = new Array(n);
    seen.set(value, copy);
    for (let i = 0; i < n; i++) {
      const item = value[i];
      if (item === undefined && !(i in value)) throw NOT_PLAIN; // a hole
      copy[i] = copyPlain(item, seen);
    }
    return copy as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) {
    const item = copyPlain((value as Record<string, unknown>)[key], seen);
    // an own "__proto__" key stays a key (assigning it would set the copy's prototype instead)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, writable: true, enumerable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
