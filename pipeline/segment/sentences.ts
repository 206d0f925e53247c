// Sentence boundaries by rule, in linear time. natural's SentenceTokenizer is quadratic on long
// text (see stack notes) and knows nothing of police abbreviations, so this splitter is ours:
// a boundary is . ! or ? (with any closing quote or bracket) followed by space and a
// sentence-opening character, unless the word before the stop is an abbreviation.

/** Abbreviations common in police documents, lower-case, without their final stop. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'rev', 'hon', 'rt', 'cllr', 'sr', 'jr', 'st',
  'det', 'supt', 'ch', 'insp', 'sgt', 'con', 'cst', 'pc', 'ps', 'dc', 'ds', 'di', 'dci', 'dsupt', 'd/supt', 'd/ch', 'd/insp', 'd/sgt', 'a/supt', 't/supt', 't/insp', 'a/insp', 'a/sgt', 'ch.supt', 'ch.insp', 'asst', 'dep', 'comm', 'cmdr',
  'no', 'nos', 'vol', 'para', 'paras', 'p', 'pp', 's', 'ss', 'sch', 'art', 'reg', 'ref', 'fig', 'sec', 'approx', 'est', 'tel', 'ext', 'dept', 'div', 'govt', 'inc', 'ltd', 'co', 'corp', 'plc', 'assoc',
  'e.g', 'i.e', 'etc', 'cf', 'viz', 'vs', 'v', 'al', 'ca', 'c',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
]);
/** Abbreviations that end a sentence only when something other than a number follows ("No. 3"). */
const BEFORE_NUMBER = new Set(['no', 'nos', 'para', 'paras', 'p', 'pp', 's', 'ss', 'sch', 'art', 'reg', 'ref', 'fig', 'vol', 'sec', 'tel', 'ext']);

const CLOSERS = '"\'”’)]»';
const OPENERS = /["'“‘(\[«A-Z0-9À-Ý•●▪\-–]/;

export interface Span { start: number; end: number }

/** Whether UTF-16 code unit `c` is one that /\s/ matches (WhiteSpace or LineTerminator). */
export function isSpace(c: number): boolean {
  // below U+00A0 only the space and tab to carriage return are (most characters are letters)
  if (c < 0xa0) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `s.replace(/\s+/g, ' ')`, returning `s` itself when every run of white space in it is
 * already one plain space (most lines of a text layer), so nothing is copied. */
export function collapseSpaces(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c) && (c !== 32 || (i + 1 < s.length && isSpace(s.charCodeAt(i + 1))))) return s.replace(/\s+/g, ' ');
  }
  return s;
}

const FULL_STOP = 46, EXCLAMATION = 33, QUESTION = 63, CLOSING_QUOTE = 0x201d;

/** Splits `text` into sentence spans (trimmed, non-empty), covering all non-space text. */
export function splitSentences(text: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    // read as a code unit: most characters are none of the marks below, and are passed over
    // without making a one-character string
    const c = text.charCodeAt(i);
    // a quotation that opens a sentence and closes without a stop ends it when a capital
    // follows: “…support vulnerable people” We will… (fixture: dev-b/north-wales)
    if (c === CLOSING_QUOTE && /^\s*“/.test(text.slice(start, start + 3)) && /^\s+[A-Z]/.test(text.slice(i + 1, i + 3))) {
      pushSpan(spans, text, start, i + 1);
      start = i + 1;
      continue;
    }
    if (c !== FULL_STOP && c !== EXCLAMATION && c !== QUESTION) continue;
    let j = i + 1;
    while (j < n && (text[j] === '.' || text[j] === '!' || text[j] === '?')) j++; // "..." "?!"
    while (j < n && CLOSERS.includes(text[j])) j++;
    if (j >= n) break;
    if (!/\s/.test(text[j])) continue;
    let k = j;
    while (k < n && /\s/.test(text[k])) k++;
    if (k >= n) break;
    if (!OPENERS.test(text[k])) continue;
    if (c === FULL_STOP && isAbbreviation(text, i, text.slice(k, k + 4))) continue;
    pushSpan(spans, text, start, j);
    start = k;
    i = k - 1;
  }
  pushSpan(spans, text, start, n);
  return spans;
}

function isAbbreviation(text: string, dot: number, next: string): boolean {
  let b = dot - 1;
  while (b >= 0 && /[^\s(\["“‘]/.test(text[b])) b--;
  const word = text.slice(b + 1, dot);
  if (!word) return false;
  const lower = word.toLowerCase();
  // an initial after a title or another initial ("DCI J. Smith", "J. R. Smith"), but not
  // "Annex A. The review…", where the capital ends the sentence
  if (/^[A-Z]$/.test(word)) {
    const prev = /(\S+)\s+$/.exec(text.slice(Math.max(0, b - 20), b + 1))?.[1]?.replace(/\.$/, '') ?? '';
    return /^[A-Z]$/.test(prev) || ABBREVIATIONS.has(prev.toLowerCase()) || /^(DCI|DCC|ACC|DI|DS|DC|PC|PS|CC)$/.test(prev);
  }
  if (/^([a-z]\.)+[a-z]$/i.test(word)) return true; // e.g / i.e / a.m / p.m
  // "No. 3" and "para. 4" continue; "…there were no. The" would end
  if (BEFORE_NUMBER.has(lower)) return /^[\d(]/.test(next) || (lower !== 'no' && lower !== 'nos');
  if (ABBREVIATIONS.has(lower)) return true;
  // rank forms with a slash, e.g. "D/Supt.", "T/DCI."
  if (/^[A-Z]{1,2}\/[A-Za-z]+$/.test(word)) return true;
  return false;
}

function pushSpan(spans: Span[], text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end > start) spans.push({ start, end });
}
