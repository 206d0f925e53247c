// Extraction cache: one JSON file per (content hash, extractor version). Document text stays
// on the local disk of the run; a second run of the same drop skips extraction.
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ExtractedDocument } from '../pipeline/schemas.js';
import { EXTRACTOR_VERSION } from '../pipeline/extract/index.js';

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
    const p = this.path(doc.sha256);
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, p);
  }
}
