// PDF text with page numbers, through pdf-parse 2 (pdfjs). One `page` part per page; the
// segmenter removes running headers and footers and unwraps the hard line breaks.
import { PDFParse } from 'pdf-parse';
import type { Part } from '../schemas.js';
import { ExtractionProblem, type Extracted, type ExtractLimits } from './types.js';

export async function readPdf(bytes: Uint8Array, limits: ExtractLimits): Promise<Extracted> {
  // pdfjs takes ownership of (and detaches) the buffer it is given, so hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 } as ConstructorParameters<typeof PDFParse>[0]);
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
    } catch (err) {
      throw classify(err);
    }
    if (total === 0) throw new ExtractionProblem('unreadable', 'the PDF has no pages');
    const last = Math.min(total, limits.maxPages);
    if (total > limits.maxPages) {
      notes.push(`only the first ${limits.maxPages} of ${total} pages were read (page limit ${limits.maxPages}; raise it with --max-pages)`);
    }
    let result;
    try {
      result = await parser.getText({ pageJoiner: '', first: last } as Parameters<PDFParse['getText']>[0]);
    } catch (err) {
      throw classify(err);
    }
    const parts: Part[] = [];
    const empty: number[] = [];
    for (const page of result.pages) {
      if (page.num > last) break;
      const text = page.text.replace(/\t/g, ' ');
      if (text.replace(/\s/g, '').length < 3) empty.push(page.num);
      parts.push({ kind: 'page', text, location: { page: page.num } });
    }
    if (empty.length === parts.length) {
      return { format: 'pdf', status: 'needs_ocr', pages: total, notes: [...notes, 'no page has a text layer: the document looks scanned'], parts, meta, emptyPages: empty };
    }
    if (empty.length) notes.push(`${empty.length === 1 ? 'page' : 'pages'} ${compactRanges(empty)} had no text layer`);
    return { format: 'pdf', status: 'ok', pages: total, notes, parts, meta, emptyPages: empty };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

function classify(err: unknown): ExtractionProblem {
  const name = (err as { name?: string })?.name ?? '';
  const message = (err as { message?: string })?.message ?? String(err);
  if (name === 'PasswordException' || /password/i.test(message)) {
    return new ExtractionProblem('unreadable', 'the PDF is password-protected: ask the force for an unprotected copy');
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
