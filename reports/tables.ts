// findings.csv and overview.md: one line per force, and the counts per category.
import { stringify } from 'csv-stringify/sync';
import type { Category, Findings, ForceAssessment } from '../pipeline/schemas.js';
import { ITEMS } from '../pipeline/schemas.js';

export const CATEGORY_LABEL: Record<Category, string> = {
  insufficient_information: 'Insufficient information',
  plans_not_commenced: 'Plans in place, implementation not commenced',
  plans_commenced: 'Plans in place, implementation commenced',
  all_in_place: 'All elements already in place',
};
export const CATEGORY_ORDER: Category[] = ['insufficient_information', 'plans_not_commenced', 'plans_commenced', 'all_in_place'];
export const STATUS_LABEL: Record<string, string> = {
  reflected: 'reflected', not_reflected: 'not reflected', no_information: 'no information', planned: 'planned', commenced: 'commenced', in_place: 'in place',
};
export const ITEM_LABEL: Record<string, string> = {
  national_strategy: 'National strategy', ccu_capability: 'CCU capability and capacity', it_monitoring: 'IT monitoring', partner_relationships: 'Partner relationships',
};

export function findingsCsv(f: Findings): string {
  const rows = f.forces.map((x) => [
    x.force, x.name, x.category,
    ...ITEMS.flatMap((i) => [x.criteria[i].status, x.criteria[i].confidence.toFixed(2)]),
    x.documents.length, x.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate').length,
  ]);
  return stringify([['force', 'name', 'category', ...ITEMS.flatMap((i) => [i, `${i}_confidence`]), 'documents', 'documents_not_read'], ...rows]);
}

export function categoryCounts(forces: Pick<ForceAssessment, 'category'>[]): Record<Category, number> {
  const c = Object.fromEntries(CATEGORY_ORDER.map((k) => [k, 0])) as Record<Category, number>;
  for (const f of forces) c[f.category]++;
  return c;
}

export function overviewMarkdown(f: Findings, opts: { title?: string; reviewed?: Set<string> } = {}): string {
  const counts = categoryCounts(f.forces);
  const out: string[] = [];
  out.push(`# ${opts.title ?? 'National overview (draft)'}`, '');
  out.push(`Review date ${f.reviewDate}; ruleset ${f.rulesetVersion}; ${f.forces.length} forces.`, '');
  out.push('| Category | Forces |', '| --- | ---: |');
  for (const k of CATEGORY_ORDER) out.push(`| ${CATEGORY_LABEL[k]} | ${counts[k]} |`);
  out.push('', '| Force | Category | Strategy | CCU | IT monitoring | Partners | Documents not read |', '| --- | --- | --- | --- | --- | --- | ---: |');
  for (const x of f.forces) {
    const notRead = x.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate').length;
    const mark = opts.reviewed ? (opts.reviewed.has(x.force) ? '' : ' (draft)') : '';
    out.push(`| ${x.name}${mark} | ${CATEGORY_LABEL[x.category]} | ${ITEMS.map((i) => STATUS_LABEL[x.criteria[i].status]).join(' | ')} | ${notRead} |`);
  }
  return `${out.join('\n')}\n`;
}
