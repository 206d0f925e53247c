// PDF text with page numbers, through pdf-parse 2 (pdfjs). One `page` part per page; the
// segmenter removes running headers and footers and unwraps the hard line breaks. Pages with
// no usable text layer (scans) are recognised by OCR when tesseract is installed (ocr.ts);
// without it a wholly scanned PDF is `needs_ocr`, with a note saying how to enable OCR.
// pdf-parse is opened through pdfjs.ts, which makes it cheaper to run without changing its text.
import type { PDFParse } from 'pdf-parse';
import type { Part } from '../schemas.js';
import { ocrUnavailable, recognisePdfPages } from './ocr.js';
import { openPdf } from './pdfjs.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

export async function readPdf(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const { limits } = ctx;
  // pdfjs takes ownership of (and may detach) the buffer it is given, so hand it a copy.
  const { parser, close } = await openPdf(new Uint8Array(bytes));
  const notes: string[] = [];
  try {
    let total: number;
    let meta: Extracted['meta'] = {};
    try {
      const info = await parser.getInfo();
      total = info.total;
      const i = (info.info ?? {}) as Record<string, unknown>;
      meta = {
        title: typeof i.Title === 'string' && i.Title.trim() ? i.Title.trim() : undefined,
        date: pdfDate(i.ModDate) ?? pdfDate(i.CreationDate),
      };
      if (i.EncryptFilterName) notes.push('the PDF is encrypted with restrictions set by its author (no password was needed to open it); its text was read');
    } catch (err) {
      throw classify(err, bytes);
    }
    if (total === 0) throw new ExtractionProblem('unreadable', 'the PDF has no pages');
    if (!hasEndMarker(bytes)) notes.push('the PDF has no end-of-file marker: it may have been cut short; the pages that could be read were read');
    const last = Math.min(total, limits.maxPages);
    if (total > limits.maxPages) {
      notes.push(`only the first ${limits.maxPages} of ${total} pages were read (page limit ${limits.maxPages}; raise it with --max-pages)`);
    }
    let result;
    try {
      result = await parser.getText({ pageJoiner: '', first: last } as Parameters<PDFParse['getText']>[0]);
    } catch (err) {
      throw classify(err, bytes);
    }
    const parts: Part[] = [];
    const empty: number[] = [];
    for (const page of result.pages) {
      if (page.num > last) break;
      const text = page.text.replace(/\t/g, ' ');
      if (!usableText(text)) empty.push(page.num);
      parts.push({ kind: 'page', text, location: { page: page.num } });
    }
    const base = { format: 'pdf', pages: total, meta };
    if (!empty.length) return { ...base, status: 'ok', notes, parts };

    const all = empty.length === parts.length;
    const why = ocrUnavailable(ctx);
    if (why) {
      if (all) return { ...base, status: 'needs_ocr', notes: [...notes, `no page has a text layer: the document looks scanned; ${why}`], parts: [] };
      notes.push(`${plural(empty, 'page')} ${compactRanges(empty)} had no text layer and ${empty.length === 1 ? 'was' : 'were'} not read; ${why}`);
      return { ...base, status: 'ok', notes, parts: parts.filter((p) => usableText(p.text)) };
    }
    const screenshot = async (page: number) =>
      (await parser.getScreenshot({ partial: [page], scale: 200 / 72, imageBuffer: true, imageDataUrl: false } as Parameters<PDFParse['getScreenshot']>[0])).pages[0].data;
    let ocr;
    try {
      ocr = await recognisePdfPages(bytes, empty, ctx, screenshot);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new ExtractionProblem(all ? 'needs_ocr' : 'unreadable', `OCR of the scanned pages failed (${reason(err)})`);
    }
    const recognised: number[] = [];
    const blank: number[] = [];
    for (const part of parts) {
      const text = ocr.texts.get(part.location.page!);
      if (text === undefined) continue;
      if (usableText(text)) { part.text = text; recognised.push(part.location.page!); } else blank.push(part.location.page!);
    }
    if (recognised.length) notes.push(`text recognised by OCR on ${plural(recognised, 'page')} ${compactRanges(recognised)} (scanned; check quotes against the original)`);
    if (blank.length) notes.push(`${plural(blank, 'page')} ${compactRanges(blank)} had no text layer and OCR found no text on ${blank.length === 1 ? 'it' : 'them'}`);
    if (ocr.skipped.length) notes.push(`${plural(ocr.skipped, 'page')} ${compactRanges(ocr.skipped)} had no text layer and ${ocr.skipped.length === 1 ? 'was' : 'were'} not recognised within the time limit of ${limits.timeoutMs / 1000} s (raise it with --timeout)`);
    const status = all && !recognised.length && ocr.skipped.length ? 'needs_ocr' : 'ok';
    return { ...base, status, notes, parts: parts.filter((p) => usableText(p.text)) };
  } finally {
    await close();
  }
}

/** A text layer is usable when it has a few letters or digits and is not mostly symbols (the
 * mark of a font without a character map, whose "text" is garbage). Letters and digits are
 * counted in code points, the rest in UTF-16 units. */
export function usableText(text: string): boolean {
  const visible = text.replace(/\s/g, '').length;
  const alnum = codePoints(text.replace(/[^\p{L}\p{N}]+/gu, ''));
  return alnum >= 3 && alnum >= visible * 0.5;
}

/** Code points in a string without lone surrogates (as the letters and digits kept above): one
 * per UTF-16 unit, less one per surrogate pair. Counted without splitting the string into an
 * array of characters: this runs on every page. */
function codePoints(s: string): number {
  return s.length - (s.match(/[\uDC00-\uDFFF]/g)?.length ?? 0);
}

function plural(list: unknown[], word: string): string {
  return list.length === 1 ? word : `${word}s`;
}

/** A complete PDF ends with %%EOF (a little trailing junk is common, so look near the end). */
function hasEndMarker(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(Math.max(0, bytes.length - 2048))).toString('latin1').includes('%%EOF');
}

function classify(err: unknown, bytes: Uint8Array): ExtractionProblem {
  const name = (err as { name?: string })?.name ?? '';
  const message = (err as { message?: string })?.message ?? String(err);
  if (name === 'PasswordException' || /password/i.test(message)) {
    return new ExtractionProblem('unreadable', 'the PDF is password-protected: ask the force for an unprotected copy');
  }
  if ((name === 'InvalidPDFException' || /invalid pdf/i.test(message)) && !hasEndMarker(bytes)) {
    return new ExtractionProblem('unreadable', 'not a readable PDF: it ends before its cross-reference table and end-of-file marker, so it was probably cut short in transfer; ask the force to send it again');
  }
  if (name === 'InvalidPDFException' || /invalid pdf/i.test(message)) {
    return new ExtractionProblem('unreadable', `not a readable PDF (${message.replace(/\.$/, '')}): the file may be truncated or corrupt`);
  }
  return new ExtractionProblem('unreadable', `the PDF could not be parsed: ${message}`);
}

function pdfDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /D:(\d{4})(\d{2})(\d{2})/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export function compactRanges(nums: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length; i++) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j > i ? `${nums[i]}–${nums[j]}` : `${nums[i]}`);
    i = j;
  }
  return out.join(', ');
}
