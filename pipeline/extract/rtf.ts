// Rich Text Format (RTF). No well-kept RTF library for Node reads text and tables, so this is
// a small reader of the spec's core: groups, control words, \'hh bytes in the document's code
// page, \uN characters (skipping their \ucN fallbacks), paragraphs, table cells and rows, and
// headings by outline level or by a "heading N" style. Destinations that are not body text
// (font and colour tables, pictures, headers, footers, comments, field codes…) are skipped,
// and the ones a reader should know about are reported as notes. Linear in the input.
import type { Part } from '../schemas.js';
import { tableParts } from './parts.js';
import { decodeWindows1252 } from './text.js';
import { ExtractionProblem, type Extracted } from './types.js';

/** Destinations whose content is not body text. */
const SKIP = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'objdata', 'header', 'headerl', 'headerr', 'headerf',
  'footer', 'footerl', 'footerr', 'footerf', 'annotation', 'atnid', 'atnauthor', 'atndate', 'atnref', 'footnote',
  'fldinst', 'listtable', 'listoverridetable', 'rsidtbl', 'xmlnstbl', 'generator', 'themedata', 'colorschememapping',
  'datastore', 'latentstyles', 'pgdsctbl', 'revtbl', 'filetbl', 'bkmkstart', 'bkmkend', 'pnseclvl', 'pntext', 'pntxta',
  'pntxtb', 'listtext', 'nonshppict', 'shpinst', 'sp', 'template', 'docvar', 'userprops', 'mmathPr', 'wgrffmtfilter',
]);

/** Group state: restored when the group closes. `star` marks a \\* just read. */
interface State { skip: boolean; uc: number; deleted: boolean; star: boolean }

export async function readRtf(bytes: Uint8Array): Promise<Extracted> {
  const src = Buffer.from(bytes).toString('latin1');
  if (!src.startsWith('{\\rtf')) throw new ExtractionProblem('unreadable', 'not a readable RTF document: it does not start with {\\rtf');
  const { parts, seen, balanced } = rtfParts(src);
  const notes: string[] = [];
  if (!balanced) notes.push('the RTF document ends early (its groups are not closed): it may have been cut short');
  if (seen.has('header') || seen.has('footer')) notes.push('headers and footers were not read (running text such as protective markings)');
  if (seen.has('annotation')) notes.push('the document has reviewers\' comments, which were not read');
  if (seen.has('footnote')) notes.push('footnotes were not read');
  if (seen.has('deleted')) notes.push('the document has tracked changes: the text was read with insertions accepted and deletions removed');
  if (seen.has('pict')) notes.push('the document has images; any text inside them was not read');
  if (!parts.length) notes.push('the document body has no text');
  return { format: 'rtf', status: 'ok', notes, parts, meta: {} };
}

function codePage(cp: number | undefined): (b: Uint8Array) => string {
  if (cp === undefined || cp === 1252) return decodeWindows1252;
  try {
    const d = new TextDecoder(`windows-${cp}`);
    return (b) => d.decode(b);
  } catch {
    return decodeWindows1252;
  }
}

export function rtfParts(src: string): { parts: Part[]; seen: Set<string>; balanced: boolean } {
  const parts: Part[] = [];
  const seen = new Set<string>();
  const styles = new Map<number, string>();
  // \'hh bytes are in the document's ANSI code page (\ansicpgN), Windows-1252 by default
  let decode = decodeWindows1252;
  let state: State = { skip: false, uc: 1, deleted: false, star: false };
  const stack: State[] = [];
  let para = '';
  let bytes: number[] = []; // \'hh bytes waiting to be decoded together (multi-byte code pages)
  let skipChars = 0; // fallback characters still to skip after a \uN
  let outline = -1;
  let style = -1;
  let inTable = false;
  let cell = '';
  let row: string[] = [];
  let rows: string[][] = [];
  // the stylesheet: its group's depth while inside it, and the style entry being read
  let sheetDepth = -1;
  let styleText = '';
  let styleNum = -1;

  const flushBytes = () => {
    if (bytes.length) { emit(decode(new Uint8Array(bytes))); bytes = []; }
  };
  const emit = (s: string) => {
    if (sheetDepth >= 0) { styleText += s; return; }
    if (state.skip || state.deleted) return;
    if (inTable) cell += s; else para += s;
  };
  const flushTable = () => {
    parts.push(...tableParts(rows));
    rows = [];
  };
  const endParagraph = () => {
    flushBytes();
    if (inTable) { cell += ' '; return; }
    if (rows.length) flushTable();
    const text = para.replace(/\s+/g, ' ').trim();
    para = '';
    if (!text) return;
    const named = /heading\s*(\d)/i.exec(styles.get(style) ?? '')?.[1];
    const level = outline >= 0 && outline < 9 ? outline + 1 : named ? Number(named) : /^title$/i.test(styles.get(style) ?? '') ? 1 : 0;
    parts.push(level ? { kind: 'heading', level, text, location: {} } : { kind: 'paragraph', text, location: {} });
  };

  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src[i];
    if (c === '{') {
      flushBytes();
      if (sheetDepth >= 0 && stack.length === sheetDepth) { styleText = ''; styleNum = 0; }
      stack.push(state);
      state = { ...state, star: false };
      i++;
      continue;
    }
    if (c === '}') {
      flushBytes();
      if (sheetDepth >= 0 && stack.length === sheetDepth + 1 && styleNum >= 0) styles.set(styleNum, styleText.replace(/;\s*$/, '').trim());
      if (stack.length === sheetDepth) sheetDepth = -1;
      state = stack.pop() ?? state;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') { i++; continue; }
    if (c !== '\\') {
      flushBytes();
      if (skipChars > 0) { skipChars--; i++; continue; }
      emit(c === '\t' ? ' ' : c);
      i++;
      continue;
    }
    // a control word or symbol
    const next = src[i + 1];
    if (next === undefined) break;
    if (next === "'") {
      const hex = parseInt(src.slice(i + 2, i + 4), 16);
      i += 4;
      if (skipChars > 0) { skipChars--; continue; }
      if (!Number.isNaN(hex)) bytes.push(hex);
      continue;
    }
    if (!/[a-z]/i.test(next)) {
      flushBytes();
      i += 2;
      if (skipChars > 0) { skipChars--; continue; }
      if (next === '*') { state.star = true; continue; }
      if (next === '\\' || next === '{' || next === '}') emit(next);
      else if (next === '~') emit(' ');
      else if (next === '_') emit('-');
      else if (next === '\n' || next === '\r') endParagraph();
      continue;
    }
    const m = /^([a-z]{1,32})(-?\d{1,10})? ?/i.exec(src.slice(i + 1, i + 45))!;
    const word = m[1];
    const param = m[2] === undefined ? undefined : Number(m[2]);
    i += 1 + m[0].length;
    if (word === 'bin' && param && param > 0) { i += param; continue; }
    if (word !== 'u') flushBytes();
    if (skipChars > 0 && word !== 'u') { skipChars--; continue; }
    const starred = state.star;
    state.star = false;
    if (sheetDepth >= 0) {
      // inside the stylesheet only style numbers and names matter; character and table
      // styles (\cs, \ts) are not paragraph styles
      if (word === 's') styleNum = param ?? 0;
      else if (word === 'cs' || word === 'ts' || word === 'ds') styleNum = -1;
      continue;
    }
    if (word === 'stylesheet') { sheetDepth = stack.length; continue; }
    // an unknown destination marked \* is skipped, as the spec asks
    if (SKIP.has(word) || starred) {
      if (word.startsWith('header')) seen.add('header');
      else if (word.startsWith('footer')) seen.add('footer');
      else if (word === 'annotation' || word === 'atnid') seen.add('annotation');
      else if (word === 'shppict') seen.add('pict');
      else seen.add(word);
      state.skip = true;
      continue;
    }
    switch (word) {
      case 'u': {
        flushBytes();
        const code = (param ?? 0) < 0 ? (param ?? 0) + 65536 : (param ?? 0);
        emit(String.fromCharCode(code));
        skipChars = state.uc;
        break;
      }
      case 'uc': state.uc = param ?? 1; break;
      case 'ansicpg': decode = codePage(param); break;
      case 'par': case 'sect': case 'page': endParagraph(); break;
      case 'line': case 'tab': case 'emspace': case 'enspace': emit(' '); break;
      case 'emdash': emit('—'); break;
      case 'endash': emit('–'); break;
      case 'lquote': emit('‘'); break;
      case 'rquote': emit('’'); break;
      case 'ldblquote': emit('“'); break;
      case 'rdblquote': emit('”'); break;
      case 'bullet': emit('•'); break;
      case 'pard': outline = -1; style = 0; inTable = false; break;
      case 'outlinelevel': outline = param ?? -1; break;
      case 's': style = param ?? 0; break;
      case 'intbl': inTable = true; break;
      case 'cell': case 'nestcell': row.push(cell.replace(/\s+/g, ' ').trim()); cell = ''; break;
      case 'row': case 'nestrow': if (row.length) rows.push(row); row = []; cell = ''; inTable = false; break;
      case 'deleted': state.deleted = param !== 0; if (state.deleted) seen.add('deleted'); break;
      case 'plain': state.deleted = false; break;
      case 'revised': seen.add('revised'); break;
      default: break;
    }
  }
  flushBytes();
  if (row.length) rows.push(row);
  inTable = false;
  endParagraph();
  if (rows.length) flushTable();
  return { parts, seen, balanced: stack.length === 0 };
}
