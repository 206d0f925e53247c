// The kept passages are packed in columns on disk and come back as the same objects: every
// kind of passage (table rows with cells and header, an id out of order, shared and equal
// locations), the index, and an analysis kept by the previous version (one v8 file of objects).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYSIS_VERSION, type AnalysisMemo } from '../pipeline/analyse.js';
import type { ExtractedDocument, Segment } from '../pipeline/schemas.js';
import { AnalysisCache } from './cache.js';

const tmp = mkdtempSync(join(tmpdir(), 'pa-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const doc: ExtractedDocument = { file: 'a.pdf', sha256: 'ab', bytes: 10, format: 'pdf', status: 'ok', pages: 2, notes: [], meta: {}, parts: [], extractor: 'x' };
const shared = { page: 1, section: 'Intro' };
const segments: Segment[] = [
  { id: 'a.pdf#0', kind: 'heading', text: 'Intro', document: 'a.pdf', paragraph: 0, location: { page: 1, section: 'Intro' } },
  { id: 'a.pdf#1', kind: 'sentence', text: 'The CCU has “two” analysts – both in post.', document: 'a.pdf', paragraph: 1, location: shared },
  { id: 'a.pdf#2', kind: 'sentence', text: '', document: 'a.pdf', paragraph: 1, location: shared },
  { id: 'a.pdf#3', kind: 'table-row', text: 'Niche | live', document: 'a.pdf', paragraph: 2, location: { page: 2 }, cells: ['Niche', 'live'], header: ['System', 'Status'] },
  { id: 'a.pdf › b.docx#0', kind: 'sentence', text: 'Inside.', document: 'a.pdf › b.docx', paragraph: 0, location: { section: 'S' } },
  { id: 'a.pdf#5', kind: 'sentence', text: 'Last one.', document: 'a.pdf', paragraph: 3, location: { page: 2, section: 'Intro' } },
];
const memo: AnalysisMemo = {
  version: ANALYSIS_VERSION,
  file: 'a.pdf',
  parts: [
    { doc, segmented: { document: 'a.pdf', paragraphs: [], segments }, index: { stems: { keys: ['ccu', 'analyst'], at: Int32Array.from([0, 1, 2]), passages: Int32Array.from([1, 1]) }, words: { keys: [], at: Int32Array.from([0]), passages: new Int32Array(0) } }, memo: new Map([['r', { tried: 'all' as const, hits: new Map([[1, [[4, 7]] as [number, number][]]]) }]]) },
    { doc: { ...doc, file: 'a.pdf › c.png', status: 'needs_ocr' } },
  ],
};

describe('the analysis cache', () => {
  it('gives back the passages, index and rule results it kept', () => {
    const dir = join(tmp, 'packed');
    const cache = new AnalysisCache(dir);
    cache.put('ab', '2017-06-01', memo, { passages: true, rules: true });
    expect(readdirSync(dir).sort()).toEqual([`ab.2017-06-01.${ANALYSIS_VERSION}.cols1.v8`, `ab.2017-06-01.${ANALYSIS_VERSION}.rules.v8`]);
    const back = cache.get('ab', '2017-06-01')!;
    expect(back).toEqual(memo);
    const s = back.parts[0].segmented!.segments;
    expect(s.map((g) => Object.keys(g).join())).toEqual(segments.map((g) => Object.keys(g).join()));
    expect(s[1].location).toBe(s[2].location);
  });

  it('reads an analysis kept by the previous version', () => {
    const dir = join(tmp, 'objects');
    const cache = new AnalysisCache(dir);
    const { memo: _m, ...part } = memo.parts[0];
    writeFileSync(join(dir, `ab.2017-06-01.${ANALYSIS_VERSION}.v8`), serialize({ ...memo, parts: [part, memo.parts[1]] }));
    const back = cache.get('ab', '2017-06-01')!;
    expect(back.parts[0].segmented).toEqual(memo.parts[0].segmented);
    expect(back.parts[0].index).toEqual(memo.parts[0].index);
  });
});
