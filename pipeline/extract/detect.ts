// Decide a file's format from its bytes, not its name. The extension only breaks ties
// between formats whose bytes look alike (plain text vs Markdown vs CSV).
import JSZip from 'jszip';

export type Format =
  | 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'doc' | 'xls' | 'msg' | 'ole'
  | 'rtf' | 'eml' | 'html' | 'csv' | 'md' | 'txt' | 'zip' | 'empty' | 'binary';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** True when the bytes look like text: no NULs and few control characters in the first 8 KB. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return control <= n * 0.02;
}

export async function detectFormat(bytes: Uint8Array, fileName: string): Promise<Format> {
  if (bytes.length === 0) return 'empty';
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  // a PDF header may follow a little junk (the spec allows 1 KB)
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipFlavour(bytes);
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // OLE compound file: Word 97, Excel 97 or Outlook message; the extension names which
    if (ext === 'doc' || ext === 'dot') return 'doc';
    if (ext === 'xls' || ext === 'xlt') return 'xls';
    if (ext === 'msg') return 'msg';
    return oleFlavour(bytes);
  }
  if (head.startsWith('{\\rtf')) return 'rtf';
  if (!looksLikeText(bytes)) return 'binary';
  const text = head.trimStart().toLowerCase();
  if (/^(received|from|to|subject|date|message-id|mime-version|return-path|delivered-to):/m.test(text.slice(0, 600)) &&
      (ext === 'eml' || /^mime-version:/m.test(text) || /^message-id:/m.test(text))) return 'eml';
  if (ext === 'eml') return 'eml';
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'csv') return 'csv';
  if (ext === 'md' || ext === 'markdown') return 'md';
  return 'txt';
}

async function zipFlavour(bytes: Uint8Array): Promise<Format> {
  try {
    const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
    const names = Object.keys(zip.files);
    if (names.includes('word/document.xml')) return 'docx';
    if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
    if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
    const mime = zip.file('mimetype');
    if (mime && (await mime.async('string')).includes('opendocument.text')) return 'odt';
    return 'zip';
  } catch {
    return 'zip';
  }
}

function oleFlavour(bytes: Uint8Array): Format {
  // Stream names are stored as UTF-16LE in the directory sectors.
  const s = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 1 << 20))).toString('utf16le');
  if (s.includes('WordDocument')) return 'doc';
  if (s.includes('Workbook') || s.includes('Book')) return 'xls';
  if (s.includes('__substg1.0_')) return 'msg';
  return 'ole';
}
