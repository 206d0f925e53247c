import type { DocStatus, Part } from '../schemas.js';

/** What a format reader returns; `extract` adds the file name, hash and extractor version. */
export interface Extracted {
  format: string;
  status: DocStatus;
  pages?: number;
  notes: string[];
  parts: Part[];
  meta?: { title?: string; date?: string };
  /** Pages with no text layer (for OCR to fill in). */
  emptyPages?: number[];
}

export interface ExtractLimits {
  /** Pages read from one PDF. */
  maxPages: number;
  /** Bytes of one document; a larger one is listed, not read. */
  maxBytes: number;
  /** Milliseconds one document may take. */
  timeoutMs: number;
  /** Uncompressed bytes an archive-based format may expand to. */
  maxUnzippedBytes: number;
}

export const DEFAULT_LIMITS: ExtractLimits = {
  maxPages: 2000,
  maxBytes: 200 * 1024 * 1024,
  timeoutMs: 120_000,
  maxUnzippedBytes: 500 * 1024 * 1024,
};

/** A deterministic reason a document cannot be read. Readers throw it; `extract` turns it
 * into the document's status and note, so it never escapes as an error. */
export class ExtractionProblem extends Error {
  constructor(public readonly status: Exclude<DocStatus, 'ok' | 'duplicate'>, message: string) {
    super(message);
    this.name = 'ExtractionProblem';
  }
}
