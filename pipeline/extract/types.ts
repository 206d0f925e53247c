import type { DocStatus, Part } from '../schemas.js';

/** What a format reader returns; `extract` adds the file name, hash and extractor version. */
export interface Extracted {
  format: string;
  status: DocStatus;
  pages?: number;
  notes: string[];
  parts: Part[];
  meta?: { title?: string; date?: string };
  /** Files inside this one (archive entries, e-mail attachments), each to be extracted as a
   * document of its own. `file` is the path inside the container. */
  entries?: { file: string; bytes: Uint8Array }[];
}

export interface ExtractLimits {
  /** Pages read from one PDF. */
  maxPages: number;
  /** Bytes of one document; a larger one is listed, not read. */
  maxBytes: number;
  /** Milliseconds one document may take. */
  timeoutMs: number;
  /** Uncompressed bytes one file may expand to: an Office package, or an archive with
   * everything nested inside it (zip bombs). */
  maxUnzippedBytes: number;
  /** Containers (archives, e-mails) nested inside each other; a file deeper than this is
   * listed, not read. */
  maxDepth: number;
  /** Files read from one archive or e-mail. */
  maxEntries: number;
  /** Recognise the text of scanned pages when tesseract is installed. */
  ocr: boolean;
}

export const DEFAULT_LIMITS: ExtractLimits = {
  maxPages: 2000,
  maxBytes: 200 * 1024 * 1024,
  timeoutMs: 120_000,
  maxUnzippedBytes: 500 * 1024 * 1024,
  maxDepth: 3,
  maxEntries: 500,
  ocr: true,
};

/** Everything a reader may use besides the bytes. `signal` aborts when the document's time is
 * up: readers pass it to child processes and check it between steps. `budget` is shared by a
 * file and everything nested in it, so a nest of archives cannot multiply the expansion limit. */
export interface ReadContext {
  file: string;
  limits: ExtractLimits;
  signal: AbortSignal;
  budget: { unzippedBytes: number };
}

/** A deterministic reason a document cannot be read. Readers throw it; `extract` turns it
 * into the document's status and note, so it never escapes as an error. */
export class ExtractionProblem extends Error {
  constructor(public readonly status: Exclude<DocStatus, 'ok' | 'duplicate'>, message: string) {
    super(message);
    this.name = 'ExtractionProblem';
  }
}

/** The decompressed-size budget of a file ran out somewhere inside it. Not a problem of the
 * entry where it ran out but of the outermost file, which is listed with the note instead. */
export class BudgetExceeded extends ExtractionProblem {
  constructor(message: string) {
    super('unreadable', message);
    this.name = 'BudgetExceeded';
  }
}

/** The first line of an error's message, for a note. */
export function reason(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].replace(/\.$/, '');
}
