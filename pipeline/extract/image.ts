// Images (PNG, JPEG, TIFF, GIF, BMP): a scanned letter sent as a picture, or a picture attached
// to an e-mail. Their text is recognised by OCR when tesseract is installed; without it they
// are `needs_ocr`, with a note saying how to enable it.
import { ocrUnavailable, recogniseImage } from './ocr.js';
import { textToParts } from './text.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';
import { usableText } from './pdf.js';

export async function readImage(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const why = ocrUnavailable(ctx);
  if (why) return { format: 'image', status: 'needs_ocr', notes: [`the file is an image; ${why}`], parts: [], meta: {} };
  let text: string;
  try {
    text = await recogniseImage(bytes, ctx);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new ExtractionProblem('unreadable', `OCR could not read the image (${reason(err)})`);
  }
  if (!usableText(text)) return { format: 'image', status: 'ok', notes: ['the file is an image and OCR found no text in it'], parts: [], meta: {} };
  return { format: 'image', status: 'ok', notes: ['text recognised by OCR (an image; check quotes against the original)'], parts: textToParts(text, false), meta: {} };
}
