// extract(file) → ExtractedDocument. Pure with respect to the bytes: the same bytes and the
// same extractor version give the same result, which is why results can be cached by
// content hash. Any trouble becomes the document's status and notes; nothing is thrown.
import { createHash } from 'node:crypto';
import type { ExtractedDocument } from '../schemas.js';
import { detectFormat, type Format } from './detect.js';
import { readPdf } from './pdf.js';
import { readDocx } from './docx.js';
import { readText } from './text.js';
import { readXlsx } from './xlsx.js';
import { DEFAULT_LIMITS, ExtractionProblem, type Extracted, type ExtractLimits } from './types.js';

/** Bump when any reader's output changes, so cached extractions are not reused. */
export const EXTRACTOR_VERSION = 'extract-1';

export interface FileInput {
  /** Path relative to the force's folder, '/'-separated. */
  file: string;
  bytes: Uint8Array;
}

type Reader = (bytes: Uint8Array, limits: ExtractLimits, input: FileInput) => Promise<Extracted>;

const READERS: Partial<Record<Format, Reader>> = {
  pdf: (b, l) => readPdf(b, l),
  docx: (b, l) => readDocx(b, l),
  txt: async (b) => readText(b, 'txt'),
  md: async (b) => readText(b, 'md'),
  xlsx: async (b) => readXlsx(b),
};

/** Registers a reader for a format (used by the optional readers: OCR, e-mail, archives…). */
export function registerReader(format: Format, reader: Reader): void {
  READERS[format] = reader;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function extract(input: FileInput, limits: ExtractLimits = DEFAULT_LIMITS): Promise<ExtractedDocument> {
  const base = { file: input.file, sha256: sha256(input.bytes), bytes: input.bytes.length, extractor: EXTRACTOR_VERSION, meta: {} };
  const fail = (format: string, status: ExtractedDocument['status'], note: string): ExtractedDocument =>
    ({ ...base, format, status, notes: [note], parts: [] });

  if (input.bytes.length > limits.maxBytes) {
    return fail('unknown', 'unreadable', `the file is ${input.bytes.length} bytes, over the size limit of ${limits.maxBytes} (raise it with --max-bytes)`);
  }
  const format = await detectFormat(input.bytes, input.file);
  if (format === 'empty') return fail(format, 'unreadable', 'the file is empty (0 bytes)');
  const reader = READERS[format];
  if (!reader) {
    const what = format === 'binary' ? 'an unrecognised binary format' : `${format.toUpperCase()}, which this version does not read`;
    return fail(format, 'unsupported', `the file is ${what}; convert it to PDF or Word and resubmit`);
  }
  try {
    const out = await withTimeout(reader(input.bytes, limits, input), limits.timeoutMs);
    return { ...base, format: out.format, status: out.status, pages: out.pages, notes: out.notes, parts: out.parts, meta: out.meta ?? {} };
  } catch (err) {
    if (err instanceof ExtractionProblem) return fail(format, err.status, err.message);
    if (err instanceof TimeoutError) return fail(format, 'unreadable', `reading took longer than the limit of ${limits.timeoutMs / 1000} s (raise it with --timeout)`);
    return fail(format, 'unreadable', `the ${format.toUpperCase()} reader failed: ${(err as Error)?.message ?? String(err)}`);
  }
}

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeoutError()), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export { DEFAULT_LIMITS, type ExtractLimits } from './types.js';
