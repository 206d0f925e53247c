// Dates in a sentence as intervals, resolved against the review date. chrono-node (en.GB,
// day-first) reads most forms; UK public-sector periods it misses are read here: financial
// years ("2017/18", "financial year 2017/18"), their quarters ("Q3 2017/18"), and seasons.
import * as chrono from 'chrono-node';

export interface DateSpan { text: string; start: Date; end: Date }
export type DateRelation = 'after_review' | 'on_or_before_review' | 'spanning_review';

const DAY = 86_400_000;
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

const MAYBE_DATE = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,2}\s*[/.-]\s*\d{1,2}|\b(?:19|20)\d\d\b|\d(?:st|nd|rd|th)\b|\b(?:today|yesterday|tomorrow|week|month|year|fortnight)/i;

export function findDates(text: string, reference: Date): DateSpan[] {
  const out: DateSpan[] = [];
  const taken: [number, number][] = [];
  const take = (i: number, len: number) => taken.push([i, i + len]);
  const free = (i: number) => !taken.some(([a, b]) => i >= a && i < b);

  // Q3 2017/18, quarter 2 of 2017/18, financial year 2017/18, 2017-18
  for (const m of text.matchAll(/\b(?:(?:Q|quarter\s*)([1-4])\s*(?:of\s*)?)?(?:(?:financial|fiscal)\s+year\s+|FY\s*)?(20\d\d)\s*[/–-]\s*(?:20)?(\d\d)\b/gi)) {
    const y = Number(m[2]);
    if ((Number(m[3]) - y % 100 + 100) % 100 !== 1) continue;
    const q = m[1] ? Number(m[1]) : 0;
    const start = q ? utc(y, 3 + (q - 1) * 3, 1) : utc(y, 3, 1);
    const end = q ? new Date(utc(y, 3 + q * 3, 1).getTime() - DAY) : utc(y + 1, 2, 31);
    out.push({ text: m[0], start, end });
    take(m.index!, m[0].length);
  }
  // seasons: "summer 2017", "by the end of the summer", "in the autumn"
  const seasons: Record<string, [number, number]> = { spring: [2, 4], summer: [5, 7], autumn: [8, 10], winter: [11, 13] };
  for (const m of text.matchAll(/\b(?:(end|start|beginning)\s+of\s+)?(?:the\s+)?(spring|summer|autumn|winter)(?:\s+(?:of\s+)?(20\d\d))?/gi)) {
    const [a, b] = seasons[m[2].toLowerCase()];
    let y = m[3] ? Number(m[3]) : reference.getUTCFullYear();
    if (!m[3] && utc(y, b + 1, 1) < reference) y += 1; // "the autumn" said in June is this year's
    let start = utc(y, a, 1);
    const end = new Date(utc(y, b + 1, 1).getTime() - DAY);
    if (m[1]?.toLowerCase() === 'end') start = utc(y, b, 1);
    out.push({ text: m[0], start, end });
    take(m.index!, m[0].length);
  }
  for (const m of text.matchAll(/\b(later|earlier)\s+(this|in the|in)\s+(year|20\d\d)\b/gi)) {
    const y = /\d/.test(m[3]) ? Number(m[3]) : reference.getUTCFullYear();
    const later = m[1].toLowerCase() === 'later';
    out.push({ text: m[0], start: later ? new Date(reference.getTime() + DAY) : utc(y, 0, 1), end: later ? utc(y, 11, 31) : new Date(reference.getTime() - DAY) });
    take(m.index!, m[0].length);
  }
  // a bare year after a preposition: "in 2016", "since 2015", "by 2018"
  for (const m of text.matchAll(/\b(in|during|since|by|from|until|throughout|before|after|end of)\s+((?:19|20)\d\d)\b(?![/–-]\d)/gi)) {
    const i = m.index! + m[0].length - 4;
    if (!free(i)) continue;
    const y = Number(m[2]);
    out.push({ text: m[0], start: utc(y, 0, 1), end: utc(y, 11, 31) });
    take(i, 4);
  }
  let parsed: chrono.ParsedResult[] = [];
  try {
    // chrono is slow; only text with a digit, a month's name or a relative period can give a
    // date kept below, so the rest is not parsed
    if (MAYBE_DATE.test(text)) parsed = chrono.en.GB.parse(text, reference);
  } catch { /* a date parser failure loses the dates of one sentence, nothing more */ }
  for (const r of parsed) {
    if (!free(r.index)) continue;
    // bare numbers and times are not dates worth reading
    if (!r.start.isCertain('month') && !r.start.isCertain('year') && !/\b(today|yesterday|tomorrow|week|month|year)\b/i.test(r.text)) continue;
    const s = r.start;
    const y = s.get('year')!, mo = s.get('month')! - 1, d = s.get('day')!;
    let start: Date, end: Date;
    if (s.isCertain('day')) { start = utc(y, mo, d); end = start; }
    else if (s.isCertain('month')) { start = utc(y, mo, 1); end = new Date(utc(y, mo + 1, 1).getTime() - DAY); }
    else { start = utc(y, 0, 1); end = utc(y, 11, 31); }
    if (r.end) {
      const e = r.end;
      end = e.isCertain('day') ? utc(e.get('year')!, e.get('month')! - 1, e.get('day')!) : new Date(utc(e.get('year')!, e.get('month')!, 1).getTime() - DAY);
    }
    out.push({ text: r.text, start, end });
  }
  return out;
}

export function relation(span: DateSpan, review: Date): DateRelation {
  if (span.start.getTime() > review.getTime()) return 'after_review';
  if (span.end.getTime() <= review.getTime()) return 'on_or_before_review';
  return 'spanning_review';
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
