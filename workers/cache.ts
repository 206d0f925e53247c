// Run caches on the local disk of the run (document text never leaves it):
// - extraction: one JSON file per (content hash, extractor version); a second run of the same
//   drop skips extraction;
// - analysis: one file per (content hash, review date, segmenter+matcher version) with the
//   document's passages and what each rule gave on them; a rescore re-evaluates only the rules
//   that changed. Written with v8.serialize (Maps and Sets, and about ten times faster to read
//   back than JSON of the same size).
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ExtractedDocument } from '../pipeline/schemas.js';
import { EXTRACTOR_VERSION } from '../pipeline/extract/index.js';
import { ANALYSIS_VERSION, type AnalysisMemo } from '../pipeline/analyse.js';

function atomicWrite(p: string, data: string | Buffer): void {
  const tmp = `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, p);
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

export class AnalysisCache {
  constructor(private dir: string) { mkdirSync(dir, { recursive: true }); }
  private path(sha: string, reviewDate: string) { return join(this.dir, `${sha}.${reviewDate}.${ANALYSIS_VERSION}.v8`); }
  /** the kept analysis, or undefined (none yet, another version, or a damaged file) */
  get(sha: string, reviewDate: string): AnalysisMemo | undefined {
    try {
      const m = deserialize(readFileSync(this.path(sha, reviewDate))) as AnalysisMemo;
      return m?.version === ANALYSIS_VERSION && Array.isArray(m.parts) ? m : undefined;
    } catch {
      return undefined;
    }
  }
  put(sha: string, reviewDate: string, memo: AnalysisMemo): void {
    atomicWrite(this.path(sha, reviewDate), serialize(memo));
  }
}
