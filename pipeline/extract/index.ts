// extract(file) → ExtractedDocument. Pure with respect to the bytes and the limits: the same
// bytes, limits and extractor give the same result, which is why results can be cached by
// content hash (`extractorId` names the extractor and limits). Any trouble becomes the
// document's status and notes; nothing is thrown.
//
// Containers (ZIP archives, e-mails) are documents too: their entries and attachments are
// extracted here, each as a document of its own, and carried in `embedded` with their path
// inside the container (`withEmbedded` lists them as `message.eml › attachment.pdf`). One
// file on disk thus stays one extraction and one cache entry.
import { createHash } from 'node:crypto';
import type { ExtractedDocument } from '../schemas.js';
import { detectFormat, extensionMismatch, FORMAT_NAMES, type Format } from './detect.js';
import { entryLimitNote } from './zip.js';
import { ocrAvailable } from './ocr.js';
export { withEmbedded } from './embedded.js';
import { BudgetExceeded, DEFAULT_LIMITS, ExtractionProblem, reason, type Extracted, type ExtractLimits, type ReadContext } from './types.js';

/** Bump when any reader's output changes, so cached extractions are not reused. */
export const EXTRACTOR_VERSION = 'extract-3';

export interface FileInput {
  /** Path relative to the force's folder, '/'-separated. */
  file: string;
  bytes: Uint8Array;
}

type Reader = (bytes: Uint8Array, ctx: ReadContext) => Promise<Extracted>;

/** A reader loaded on first use: a worker thread that never meets an e-mail or a spreadsheet
 * does not pay for loading those libraries. */
const lazy = <M>(load: () => Promise<M>, pick: (m: M) => Reader): Reader => async (bytes, ctx) => pick(await load())(bytes, ctx);

const READERS: Partial<Record<Format, Reader>> = {
  pdf: lazy(() => import('./pdf.js'), (m) => m.readPdf),
  docx: lazy(() => import('./docx.js'), (m) => m.readDocx),
  doc: lazy(() => import('./doc.js'), (m) => m.readDoc),
  odt: lazy(() => import('./odt.js'), (m) => m.readOdt),
  rtf: lazy(() => import('./rtf.js'), (m) => m.readRtf),
  txt: lazy(() => import('./text.js'), (m) => async (b) => m.readText(b, 'txt')),
  md: lazy(() => import('./text.js'), (m) => async (b) => m.readText(b, 'md')),
  html: lazy(() => import('./html.js'), (m) => async (b) => m.readHtml(b)),
  xlsx: lazy(() => import('./xlsx.js'), (m) => m.readXlsx),
  xls: lazy(() => import('./sheets.js'), (m) => (b) => m.readSheets(b, 'xls')),
  ods: lazy(() => import('./sheets.js'), (m) => (b, ctx) => m.readSheets(b, 'ods', ctx)),
  csv: lazy(() => import('./sheets.js'), (m) => async (b, ctx) => m.readCsv(b, ctx.file)),
  pptx: lazy(() => import('./pptx.js'), (m) => m.readPptx),
  eml: lazy(() => import('./mail.js'), (m) => m.readEml),
  msg: lazy(() => import('./mail.js'), (m) => m.readMsg),
  zip: lazy(() => import('./zip.js'), (m) => m.readZip),
  image: lazy(() => import('./image.js'), (m) => m.readImage),
  'office-encrypted': async () => { throw new ExtractionProblem('unreadable', 'the Office document is password-protected: ask the force for an unprotected copy'); },
};

/** Registers a reader for a format (replacing the built-in one, if any). */
export function registerReader(format: Format, reader: Reader): void {
  READERS[format] = reader;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Names the extractor and everything its output depends on besides the bytes: the version,
 * the limits and whether OCR can run here. A cached extraction with another id is stale. */
export function extractorId(limits: ExtractLimits = DEFAULT_LIMITS): string {
  const key = JSON.stringify([limits.maxPages, limits.maxBytes, limits.timeoutMs, limits.maxUnzippedBytes, limits.maxDepth, limits.maxEntries, limits.ocr && ocrAvailable()]);
  return `${EXTRACTOR_VERSION}+${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

export async function extract(input: FileInput, limits: ExtractLimits = DEFAULT_LIMITS): Promise<ExtractedDocument> {
  const id = extractorId(limits);
  try {
    const [doc, ...inner] = await extractNested(input, limits, 0, { unzippedBytes: limits.maxUnzippedBytes }, id);
    return inner.length ? { ...doc, embedded: inner } : doc;
  } catch (err) {
    // the budget ran out inside: the file as a whole is the bomb (only BudgetExceeded escapes)
    const format = await detectFormat(input.bytes, input.file);
    return failed(input, id, format, 'unreadable', (err as Error).message);
  }
}

/** A file and, depth first, everything inside it; inner files are named by their path inside
 * `input` (`inner.zip › plan.pdf`). Files nested deeper than the limit are listed, not read. */
async function extractNested(input: FileInput, limits: ExtractLimits, depth: number, budget: ReadContext['budget'], id: string): Promise<ExtractedDocument[]> {
  const { doc, entries } = await extractOne(input, limits, depth, budget, id);
  const out = [doc];
  for (const entry of entries) {
    const child = { file: entry.file, bytes: entry.bytes };
    if (depth + 1 > limits.maxDepth) {
      out.push(failed(child, id, await detectFormat(child.bytes, child.file), 'unreadable', `it is nested more than ${limits.maxDepth} archives or e-mails deep (depth limit ${limits.maxDepth}; raise it with --max-depth)`));
      continue;
    }
    const nested = await extractNested(child, limits, depth + 1, budget, id);
    out.push(nested[0], ...nested.slice(1).map((d) => ({ ...d, file: `${entry.file} › ${d.file}` })));
  }
  return out;
}

function failed(input: FileInput, extractor: string, format: string, status: ExtractedDocument['status'], note: string, notes: string[] = []): ExtractedDocument {
  return { file: input.file, sha256: sha256(input.bytes), bytes: input.bytes.length, extractor, meta: {}, format, status, notes: [...notes, note], parts: [] };
}

async function extractOne(input: FileInput, limits: ExtractLimits, depth: number, budget: ReadContext['budget'], id: string): Promise<{ doc: ExtractedDocument; entries: NonNullable<Extracted['entries']> }> {
  const none = { entries: [] };
  if (input.bytes.length > limits.maxBytes) {
    return { ...none, doc: failed(input, id, 'unknown', 'unreadable', `the file is ${input.bytes.length} bytes, over the size limit of ${limits.maxBytes} (raise it with --max-bytes)`) };
  }
  const format = await detectFormat(input.bytes, input.file);
  const early = [extensionMismatch(input.file, format)].filter((n): n is string => !!n);
  if (format === 'empty') return { ...none, doc: failed(input, id, format, 'unreadable', 'the file is empty (0 bytes)') };
  const reader = READERS[format];
  if (!reader) {
    const what = format === 'binary' ? 'in a format this tool does not recognise' : `${FORMAT_NAMES[format]}, which this version does not read`;
    return { ...none, doc: failed(input, id, format, 'unsupported', `the file is ${what}; ask the force for a PDF or Word copy`, early) };
  }
  const control = new AbortController();
  const ctx: ReadContext = { file: input.file, limits, signal: control.signal, budget };
  try {
    const out = await withTimeout(reader(input.bytes, ctx), limits.timeoutMs, control);
    let entries = out.entries ?? [];
    const notes = [...early, ...out.notes];
    if (entries.length > limits.maxEntries) {
      notes.push(entryLimitNote(ctx, entries.length));
      entries = entries.slice(0, limits.maxEntries);
    }
    const doc: ExtractedDocument = {
      file: input.file, sha256: sha256(input.bytes), bytes: input.bytes.length, extractor: id,
      format: out.format, status: out.status, pages: out.pages, notes, parts: out.parts, meta: out.meta ?? {},
    };
    return { doc, entries };
  } catch (err) {
    if (err instanceof BudgetExceeded && depth > 0) throw err;
    if (err instanceof ExtractionProblem) return { ...none, doc: failed(input, id, format, err.status, err.message, early) };
    if (control.signal.aborted) return { ...none, doc: failed(input, id, format, 'unreadable', `reading took longer than the limit of ${limits.timeoutMs / 1000} s (raise it with --timeout)`, early) };
    return { ...none, doc: failed(input, id, format, 'unreadable', `the ${format.toUpperCase()} reader failed: ${reason(err)}`, early) };
  }
}

/** Races the reader against the clock; on time-out the signal kills child processes (OCR) and
 * stops readers at their next check. A reader busy in synchronous code is only stopped when
 * it next yields (pdfjs yields between pages). */
function withTimeout<T>(p: Promise<T>, ms: number, control: AbortController): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { control.abort(); reject(new Error('timed out')); }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export { DEFAULT_LIMITS, type ExtractLimits } from './types.js';
