// Decide a file's format from its bytes, not its name. The extension only breaks ties
// between formats whose bytes look alike (plain text vs Markdown vs CSV; the OLE formats).
import JSZip from 'jszip';

export type Format =
  | 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'odt' | 'ods' | 'doc' | 'xls' | 'msg' | 'ole' | 'office-encrypted'
  | 'rtf' | 'eml' | 'html' | 'csv' | 'md' | 'txt' | 'zip' | 'image' | 'empty' | 'binary';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** True when the bytes look like text: few control characters (NUL included) in the first
 * 8 KB, so that a stray NUL or escape in a long export does not make it "binary". UTF-16 text,
 * half NULs, is recognised by its byte-order mark instead. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (utf16Bom(bytes)) return true;
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return control <= Math.max(1, n * 0.02);
}

export function utf16Bom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (startsWith(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  return undefined;
}

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[/\\›]/).pop() ?? '';
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i + 1).toLowerCase().trim() : '';
}

export async function detectFormat(bytes: Uint8Array, fileName: string): Promise<Format> {
  if (bytes.length === 0) return 'empty';
  const ext = extensionOf(fileName);
  // a PDF header may follow a little junk (the spec allows 1 KB)
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipFlavour(bytes);
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleFlavour(bytes, ext);
  if (isImage(bytes)) return 'image';
  const bom = utf16Bom(bytes);
  const text = bom
    ? new TextDecoder(bom).decode(bytes.subarray(0, 2048)).replace(/^\ufeff/, '')
    : head.replace(/^\xef\xbb\xbf/, '');
  if (text.startsWith('{\\rtf')) return 'rtf';
  if (!looksLikeText(bytes)) return 'binary';
  const lower = text.trimStart().toLowerCase();
  if (/^(received|from|to|subject|date|message-id|mime-version|return-path|delivered-to):/m.test(lower.slice(0, 600)) &&
      (ext === 'eml' || /^mime-version:/m.test(lower) || /^message-id:/m.test(lower))) return 'eml';
  if (ext === 'eml') return 'eml';
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(!doctype html|html)\b/.test(lower) || ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'csv') return 'csv';
  if (ext === 'md' || ext === 'markdown') return 'md';
  return 'txt';
}

function isImage(b: Uint8Array): boolean {
  return startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) // PNG
    || startsWith(b, [0xff, 0xd8, 0xff]) // JPEG
    || startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) // TIFF
    || startsWith(b, [0x47, 0x49, 0x46, 0x38]) // GIF
    || (startsWith(b, [0x42, 0x4d]) && b.length > 26 && b[14] >= 12 && b[15] === 0); // BMP
}

async function zipFlavour(bytes: Uint8Array): Promise<Format> {
  try {
    const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
    const names = Object.keys(zip.files);
    if (names.includes('word/document.xml')) return 'docx';
    if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
    if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
    const mime = zip.file('mimetype');
    if (mime) {
      const m = await mime.async('string');
      if (m.includes('opendocument.text')) return 'odt';
      if (m.includes('opendocument.spreadsheet')) return 'ods';
    }
    return 'zip';
  } catch {
    return 'zip';
  }
}

/** An OLE compound file is a Word 97 document, an Excel 97 workbook, an Outlook message, or a
 * password-protected Office 2007+ file; the stream names say which (stored as UTF-16LE in the
 * directory sectors), the extension breaks a tie. */
function oleFlavour(bytes: Uint8Array, ext: string): Format {
  const s = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4 << 20))).toString('utf16le');
  if (s.includes('EncryptedPackage')) return 'office-encrypted';
  const has = { doc: s.includes('WordDocument'), xls: s.includes('Workbook') || s.includes('Book'), msg: s.includes('__substg1.0_') };
  if (ext === 'doc' || ext === 'dot') { if (has.doc || !(has.xls || has.msg)) return 'doc'; }
  if (ext === 'xls' || ext === 'xlt') { if (has.xls || !(has.doc || has.msg)) return 'xls'; }
  if (ext === 'msg') { if (has.msg || !(has.doc || has.xls)) return 'msg'; }
  if (has.msg) return 'msg';
  if (has.doc) return 'doc';
  if (has.xls) return 'xls';
  return 'ole';
}

/** The formats a file with this extension is expected to hold; a file whose bytes say
 * otherwise gets a note, because forces' filenames are what an inspector sees. */
const EXPECTED: Record<string, Format[]> = {
  pdf: ['pdf'], docx: ['docx'], docm: ['docx'], doc: ['doc', 'rtf', 'html', 'docx'], dot: ['doc'], odt: ['odt'], rtf: ['rtf'],
  xlsx: ['xlsx'], xlsm: ['xlsx'], xls: ['xls', 'html', 'xlsx'], ods: ['ods'], csv: ['csv', 'txt'], pptx: ['pptx'],
  eml: ['eml'], msg: ['msg'], htm: ['html'], html: ['html'], txt: ['txt', 'md', 'csv'], md: ['md', 'txt'], zip: ['zip'],
  png: ['image'], jpg: ['image'], jpeg: ['image'], tif: ['image'], tiff: ['image'], gif: ['image'], bmp: ['image'],
};

export function extensionMismatch(fileName: string, format: Format): string | undefined {
  const ext = extensionOf(fileName);
  const expected = EXPECTED[ext];
  if (!expected || expected.includes(format) || format === 'empty' || format === 'office-encrypted') return undefined;
  if (format === 'binary') return `the file is named .${ext} but its content is not ${FORMAT_NAMES[expected[0]]}`;
  return `the file is named .${ext} but holds ${FORMAT_NAMES[format]}; it was read by its content`;
}

export const FORMAT_NAMES: Record<Format, string> = {
  pdf: 'a PDF', docx: 'a Word document (DOCX)', xlsx: 'an Excel workbook (XLSX)', pptx: 'a PowerPoint presentation (PPTX)',
  odt: 'an OpenDocument text (ODT)', ods: 'an OpenDocument spreadsheet (ODS)', doc: 'a Word 97–2003 document (DOC)',
  xls: 'an Excel 97–2003 workbook (XLS)', msg: 'an Outlook message (MSG)', ole: 'an OLE compound file of unknown kind',
  'office-encrypted': 'a password-protected Office document', rtf: 'rich text (RTF)', eml: 'an e-mail message (EML)',
  html: 'a web page (HTML)', csv: 'comma-separated values (CSV)', md: 'Markdown text', txt: 'plain text', zip: 'a ZIP archive',
  image: 'an image', empty: 'nothing', binary: 'unrecognised binary data',
};
