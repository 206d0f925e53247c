// Run caches on the local disk of the run (document text never leaves it):
// - extraction: one JSON file per (content hash, extractor version); a second run of the same
//   drop skips extraction;
// - analysis: per (content hash, review date, segmenter+matcher version), two files: the
//   document's passages with their index, and what each rule gave on them (the memo). A rescore
//   re-evaluates only the rules that changed and rewrites only the memo, a few per cent of the
//   size. Written with v8.serialize (Maps and Sets, and about ten times faster to read back
//   than JSON of the same size); the passages packed in columns (below).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ExtractedDocument, type Location, type Segment } from '../pipeline/schemas.js';
import { EXTRACTOR_VERSION } from '../pipeline/extract/index.js';
import { ANALYSIS_VERSION, type AnalysisMemo, type Freshness } from '../pipeline/analyse.js';
import type { MatchMemo, PassageIndex, Postings } from '../pipeline/match/index.js';

const tmpName = (p: string) => `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
function atomicWrite(p: string, data: string | Buffer): void {
  const tmp = tmpName(p);
  writeFileSync(tmp, data);
  renameSync(tmp, p);
}
async function atomicWriteBehind(p: string, data: string | Buffer): Promise<void> {
  const tmp = tmpName(p);
  await writeFile(tmp, data);
  await rename(tmp, p);
}

export class ExtractCache {
  constructor(private dir: string) { mkdirSync(dir, { recursive: true }); }
  private path(sha: string) { return join(this.dir, `${sha}.${EXTRACTOR_VERSION}.json`); }
  get(sha: string, file: string): ExtractedDocument | undefined {
    try {
      const d = ExtractedDocument.parse(JSON.parse(readFileSync(this.path(sha), 'utf8')));
      return { ...d, file };
    } catch {
      return undefined;
    }
  }
  put(doc: ExtractedDocument): void {
    atomicWrite(this.path(doc.sha256), JSON.stringify(doc));
  }
}

/** The rule results of a kept analysis, per part; they belong to the passages made from the
 * extraction `extractor` (passage numbers index them), which is checked on reading, so the two
 * files, each replaced atomically, can never be combined wrongly: a memo that does not fit its
 * passages is dropped and the rules are evaluated again. */
interface KeptRules { version: string; extractor: string; passages: number[]; memos: (MatchMemo | undefined)[] }

export class AnalysisCache {
  /** `writes`: write in the background, adding each write to it, for the caller to await
   * (creating a file costs milliseconds of waiting on a busy disk; a rescore writes 450) */
  constructor(private dir: string, private writes?: Promise<void>[]) { mkdirSync(dir, { recursive: true }); }
  /** writes `data` to `p` atomically, after `after` (a write in the background) */
  private write(p: string, data: Buffer, after?: Promise<void>): Promise<void> | undefined {
    if (!this.writes) { atomicWrite(p, data); return undefined; }
    const w = after ? after.then(() => atomicWriteBehind(p, data)) : atomicWriteBehind(p, data);
    this.writes.push(w);
    return w;
  }
  private path(sha: string, reviewDate: string, half: 'passages' | 'rules' | 'objects') {
    return join(this.dir, `${sha}.${reviewDate}.${ANALYSIS_VERSION}${half === 'rules' ? '.rules' : half === 'passages' ? `.${PASSAGES_FORMAT}` : ''}.v8`);
  }
  /** the kept analysis, or undefined (none yet, another version, or a damaged file); its rule
   * results are empty when they are missing or do not fit the passages */
  get(sha: string, reviewDate: string): AnalysisMemo | undefined {
    let m: AnalysisMemo;
    try {
      m = readPassages(this.path(sha, reviewDate, 'passages')) ?? (deserialize(readFileSync(this.path(sha, reviewDate, 'objects'))) as AnalysisMemo);
      if (m?.version !== ANALYSIS_VERSION || !Array.isArray(m.parts)) return undefined;
    } catch {
      return undefined;
    }
    let rules: KeptRules | undefined;
    try { rules = deserialize(readFileSync(this.path(sha, reviewDate, 'rules'))) as KeptRules; } catch { /* none yet, or damaged */ }
    const fits = rules?.version === ANALYSIS_VERSION && rules.extractor === extractorOf(m)
      && rules.memos.length === m.parts.length && m.parts.every((p, i) => (p.segmented?.segments.length ?? 0) === rules!.passages[i]);
    // (an analysis kept by an earlier version has no rules file: its results are inline)
    if (rules) m.parts.forEach((p, i) => { if (p.segmented) p.memo = fits ? rules!.memos[i] : undefined; });
    return m;
  }
  /** keeps the halves `fresh` says changed: the passages before the rule results they index */
  put(sha: string, reviewDate: string, memo: AnalysisMemo, fresh: Freshness): void {
    const passages = fresh.passages ? this.write(this.path(sha, reviewDate, 'passages'), serialize(packed(memo))) : undefined;
    if (fresh.passages || fresh.rules) {
      const rules: KeptRules = {
        version: ANALYSIS_VERSION, extractor: extractorOf(memo),
        passages: memo.parts.map((p) => p.segmented?.segments.length ?? 0), memos: memo.parts.map((p) => p.memo),
      };
      this.write(this.path(sha, reviewDate, 'rules'), serialize(rules), passages);
    }
  }
}

// The passages half, packed in columns: a document's passages are hundreds of thousands of small
// objects and strings, which v8.deserialize and then the garbage collector spend most of a
// rescore on. Packed, a part is a few strings and typed arrays: the passages' texts end to end,
// their kinds, paragraphs, documents and locations by number (documents and locations listed once,
// as the segmenter shares them), and the index's keys as one string. Passages of another shape
// (table rows with cells, an id not numbered in order) are kept as they are. Unpacking makes the
// same objects (keys in the same order), so the format is invisible beyond this file.
const PASSAGES_FORMAT = 'cols1';
const KINDS = ['sentence', 'heading', 'table-row'] as const;
const PLAIN_KEYS = 'id,kind,text,document,paragraph,location';

interface PackedPostings { keys: string; count: number; at: Int32Array; passages: Int32Array }
interface PackedPart {
  doc: ExtractedDocument;
  segmented?: {
    document: string;
    count: number;
    texts: string; ends: Int32Array; kinds: Uint8Array; paragraphs: Int32Array;
    documents: string[]; documentOf: Int32Array;
    locations: Location[]; locationOf: Int32Array;
    /** passages kept as they are, by number */
    other: Map<number, Segment>;
  };
  index?: { stems: PackedPostings; words: PackedPostings };
}
interface PackedMemo { format: typeof PASSAGES_FORMAT; version: string; file: string; parts: PackedPart[] }

const packPostings = (p: Postings): PackedPostings => ({ keys: p.keys.join('\n'), count: p.keys.length, at: p.at, passages: p.passages });
const unpackPostings = (p: PackedPostings): Postings => ({ keys: p.count ? p.keys.split('\n') : [], at: p.at, passages: p.passages });

function packed(memo: AnalysisMemo): PackedMemo {
  return {
    format: PASSAGES_FORMAT, version: memo.version, file: memo.file,
    parts: memo.parts.map(({ doc, segmented, index }): PackedPart => {
      const part: PackedPart = { doc };
      if (index) part.index = { stems: packPostings(index.stems), words: packPostings(index.words) };
      if (!segmented) return part;
      if (segmented.paragraphs.length) throw new Error('kept passages carry no paragraphs');
      const segs = segmented.segments;
      const n = segs.length;
      const cols = {
        document: segmented.document, count: n, texts: '', ends: new Int32Array(n), kinds: new Uint8Array(n), paragraphs: new Int32Array(n),
        documents: [] as string[], documentOf: new Int32Array(n), locations: [] as Location[], locationOf: new Int32Array(n), other: new Map<number, Segment>(),
      };
      const docNo = new Map<string, number>();
      const locNo = new Map<Location, number>();
      const locByText = new Map<string, number>();
      const texts: string[] = [];
      let at = 0;
      segs.forEach((g, i) => {
        const kind = KINDS.indexOf(g.kind as (typeof KINDS)[number]);
        if (kind < 0 || Object.keys(g).join() !== PLAIN_KEYS || g.id !== `${g.document}#${i}` || !Number.isInteger(g.paragraph) || typeof g.text !== 'string') {
          cols.other.set(i, g);
          cols.ends[i] = at;
          return;
        }
        texts.push(g.text);
        at += g.text.length;
        cols.ends[i] = at;
        cols.kinds[i] = kind;
        cols.paragraphs[i] = g.paragraph;
        let d = docNo.get(g.document);
        if (d === undefined) { d = cols.documents.push(g.document) - 1; docNo.set(g.document, d); }
        cols.documentOf[i] = d;
        // a location object shared by several passages stays shared; equal ones are made one
        let l = locNo.get(g.location);
        if (l === undefined) {
          const text = JSON.stringify(g.location);
          l = locByText.get(text);
          if (l === undefined) { l = cols.locations.push(g.location) - 1; locByText.set(text, l); }
          locNo.set(g.location, l);
        }
        cols.locationOf[i] = l;
      });
      cols.texts = texts.join('');
      part.segmented = cols;
      return part;
    }),
  };
}

/** The kept passages of a packed file, or undefined when there is no such file. */
function readPassages(path: string): AnalysisMemo | undefined {
  let buf: Buffer;
  try { buf = readFileSync(path); } catch { return undefined; }
  const p = deserialize(buf) as PackedMemo;
  if (p?.format !== PASSAGES_FORMAT) throw new Error('not a packed analysis');
  return {
    version: p.version, file: p.file,
    parts: p.parts.map(({ doc, segmented: c, index }) => {
      const part: AnalysisMemo['parts'][number] = { doc };
      if (c) {
        const segments: Segment[] = new Array(c.count);
        const { texts, ends, kinds, paragraphs, documents, documentOf, locations, locationOf, other } = c;
        for (let i = 0, start = 0; i < c.count; i++) {
          const end = ends[i];
          const kept = other.size ? other.get(i) : undefined;
          if (kept) { segments[i] = kept; start = end; continue; }
          const d = documents[documentOf[i]];
          segments[i] = { id: `${d}#${i}`, kind: KINDS[kinds[i]], text: texts.slice(start, end), document: d, paragraph: paragraphs[i], location: locations[locationOf[i]] };
          start = end;
        }
        part.segmented = { document: c.document, paragraphs: [], segments };
      }
      if (index) part.index = { stems: unpackPostings(index.stems), words: unpackPostings(index.words) } satisfies PassageIndex;
      return part;
    }),
  };
}

const extractorOf = (m: AnalysisMemo) => m.parts[0]?.doc.extractor ?? '';
