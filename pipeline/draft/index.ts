// draft(force, documents, judgements) → ForceAssessment; categorise by the outcome mapping
// in rules/outcome.yaml; letter text from rules/letter.yaml.
import type { Category, Criterion, DocumentSummary, ForceAssessment, Item, ProgressStatus } from '../schemas.js';
import { ITEMS, PROGRESS_ITEMS } from '../schemas.js';
import type { LetterFile, OutcomeFile } from '../rules/schema.js';

export function categorise(statuses: Record<(typeof PROGRESS_ITEMS)[number], ProgressStatus>, outcome: OutcomeFile): Category {
  for (const c of outcome.categories) {
    if (!c.when) return c.category;
    const n = c.when.items.filter((i) => c.when!.status_in.includes(statuses[i])).length;
    const need = c.when.at_least === 'all' ? c.when.items.length : c.when.at_least;
    if (n >= need) return c.category;
  }
  return outcome.categories[outcome.categories.length - 1].category;
}

export function draft(
  force: { slug: string; name: string },
  documents: DocumentSummary[],
  criteria: Record<Item, Criterion>,
  outcome: OutcomeFile,
  warnings: string[] = [],
): ForceAssessment {
  const crit = Object.fromEntries(ITEMS.map((i) => [i, {
    status: criteria[i].status,
    confidence: criteria[i].confidence,
    explanation: criteria[i].explanation,
    evidence: criteria[i].evidence,
  }])) as ForceAssessment['criteria'];
  const statuses = Object.fromEntries(PROGRESS_ITEMS.map((i) => [i, crit[i].status])) as Record<(typeof PROGRESS_ITEMS)[number], ProgressStatus>;
  return { force: force.slug, name: force.name, category: categorise(statuses, outcome), criteria: crit, documents, warnings };
}

export interface LetterInput {
  forceName: string;
  reviewDate: string;
  letterDate?: string;
  nationalStrategy: 'reflected' | 'not_reflected';
  statuses: Record<(typeof PROGRESS_ITEMS)[number], ProgressStatus>;
  /** true when every item has been reviewed by an inspector */
  reviewed?: boolean;
}

export interface Letter { subject: string; paragraphs: { text: string; style?: 'quote' | 'heading' | 'plain' }[] }

const fill = (t: string, vars: Record<string, string>) => t.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => vars[k] ?? `{{${k}}}`);

/** The letter's words, in the order of the seed letter: preamble, recommendation, what was
 * reviewed, the strategy, then the items grouped by status so that items sharing a finding
 * share a sentence ("…reviewing X or developing Y"). */
export function draftLetter(input: LetterInput, wording: LetterFile): Letter {
  const year = input.reviewDate.slice(0, 4);
  const vars = { force_name: input.forceName, review_date: input.reviewDate, year, review_month: monthYear(input.reviewDate) };
  const paragraphs: Letter['paragraphs'] = [];
  if (!input.reviewed) paragraphs.push({ text: fill(wording.draft_notice, vars), style: 'heading' });
  paragraphs.push({ text: fill(wording.salutation, vars) });
  paragraphs.push({ text: fill(wording.subject, vars), style: 'heading' });
  for (const p of wording.preamble) paragraphs.push({ text: fill(p, vars) });
  paragraphs.push({ text: fill(wording.recommendation, vars), style: 'quote' });
  paragraphs.push({ text: fill(wording.review, vars) });

  const findings: string[] = [fill(wording.national_strategy[input.nationalStrategy], vars)];
  const order: ProgressStatus[] = ['no_information', 'planned', 'commenced', 'in_place'];
  for (const status of order) {
    const items = PROGRESS_ITEMS.filter((i) => input.statuses[i] === status);
    if (!items.length) continue;
    const phrases = items.map((i) => fill(wording.items[i].phrase, vars));
    const joined = phrases.length === 1 ? phrases[0] : `${phrases.slice(0, -1).join(', ')} ${status === 'no_information' ? 'or' : 'and'} ${phrases[phrases.length - 1]}`;
    findings.push(capitalise(fill(wording.statuses[status], { ...vars, items: joined })));
  }
  paragraphs.push({ text: findings.join(' ') });
  for (const p of wording.closing) paragraphs.push({ text: fill(p, vars) });
  for (const s of wording.signature) paragraphs.push({ text: fill(s, vars), style: 'plain' });
  return { subject: fill(wording.subject, vars), paragraphs };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function monthYear(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return d.toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
