// Reads a run folder for the review server: findings.json (re-read when a rescore rewrites
// it), run.json, and each document's extracted parts from the content-hash cache, segmented
// again so a quote can be shown inside the paragraph it came from. Document text stays on
// this machine: it is read from the run folder and only ever sent to the inspector's browser.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExtractedDocument, Findings, type SegmentedDocument } from '../../pipeline/schemas.js';
import { EXTRACTOR_VERSION } from '../../pipeline/extract/index.js';
import { segment } from '../../pipeline/segment/index.js';

export class RunFolder {
  private loaded?: { stamp: string; findings: Findings };
  private segmentedBySha = new Map<string, SegmentedDocument | null>();

  constructor(readonly dir: string) {
    if (!existsSync(join(dir, 'findings.json'))) {
      throw new Error(`${dir} has no findings.json. Give the folder a run wrote (plan-assessor run <submissions> --out <dir>).`);
    }
    this.findings();
  }

  /** The current findings. A rescore that rewrites findings.json is picked up on the next
   * call; a file caught half-written keeps the last good findings until it parses. */
  findings(): Findings {
    const p = join(this.dir, 'findings.json');
    const st = statSync(p);
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (this.loaded?.stamp === stamp) return this.loaded.findings;
    try {
      this.loaded = { stamp, findings: Findings.parse(JSON.parse(readFileSync(p, 'utf8'))) };
    } catch (err) {
      if (!this.loaded) throw new Error(`${p} is not a findings file this version can read: ${(err as Error).message.split('\n')[0]}`);
      console.error(`review: ${p} could not be read (${(err as Error).name}); still showing the findings loaded before`);
    }
    return this.loaded.findings;
  }

  /** The paragraphs and segments of a document, by its content hash; undefined when the
   * run's cache has no extraction for it (a run made elsewhere, or a cleaned cache). */
  segmented(sha256: string): SegmentedDocument | undefined {
    if (!this.segmentedBySha.has(sha256)) this.segmentedBySha.set(sha256, this.readSegmented(sha256));
    return this.segmentedBySha.get(sha256) ?? undefined;
  }

  private readSegmented(sha: string): SegmentedDocument | null {
    const dir = join(this.dir, 'cache', 'extract');
    if (!/^[0-9a-f]{64}$/.test(sha) || !existsSync(dir)) return null;
    const preferred = `${sha}.${EXTRACTOR_VERSION}.json`;
    const name = existsSync(join(dir, preferred)) ? preferred : readdirSync(dir).find((f) => f.startsWith(`${sha}.`) && f.endsWith('.json'));
    if (!name) return null;
    try {
      return segment(ExtractedDocument.parse(JSON.parse(readFileSync(join(dir, name), 'utf8'))));
    } catch {
      return null;
    }
  }
}

export interface QuoteInContext {
  /** the paragraph text around the quote; empty when the paragraph was not found */
  before: string;
  quote: string;
  after: string;
  found: boolean;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const AROUND = 360;

/** The paragraph a quote came from, split around the quote so it can be highlighted. Long
 * paragraphs are cut to about AROUND characters either side, at a word. */
export function quoteInContext(doc: SegmentedDocument | undefined, quote: string): QuoteInContext {
  const q = norm(quote);
  const none = { before: '', quote: q, after: '', found: false };
  if (!doc) return none;
  const seg = doc.segments.find((s) => norm(s.text) === q);
  const para = (seg ? doc.paragraphs[seg.paragraph] : undefined) ?? doc.paragraphs.find((p) => norm(p.text).includes(q));
  if (!para) return none;
  const text = norm(para.text);
  const at = text.indexOf(q);
  if (at < 0) return none;
  return { before: trimBefore(text.slice(0, at)), quote: q, after: trimAfter(text.slice(at + q.length)), found: true };
}

function trimBefore(s: string): string {
  if (s.length <= AROUND) return s;
  const i = s.indexOf(' ', s.length - AROUND);
  return `…${s.slice(i < 0 ? s.length - AROUND : i + 1)}`;
}

function trimAfter(s: string): string {
  if (s.length <= AROUND) return s;
  const i = s.lastIndexOf(' ', AROUND);
  return `${s.slice(0, i <= 0 ? AROUND : i)}…`;
}
