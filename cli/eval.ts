// eval: compares findings with labels: agreement per item and for the category, a confusion
// matrix per item, precision and recall per status, calibration by confidence band, and each
// disagreement with the evidence behind it.
import type { Findings, Label } from '../pipeline/schemas.js';
import { ITEMS } from '../pipeline/schemas.js';

export interface EvalReport {
  forces: number;
  agreement: Record<string, { agree: number; total: number }>;
  confusion: Record<string, Record<string, Record<string, number>>>;
  perStatus: Record<string, Record<string, { precision: number | null; recall: number | null; support: number }>>;
  calibration: { band: string; right: number; total: number }[];
  disagreements: { force: string; item: string; expected: string; got: string; confidence: number; explanation: string; evidence: string[] }[];
  missing: string[];
}

const STATUSES: Record<string, string[]> = {
  national_strategy: ['reflected', 'not_reflected'],
  ccu_capability: ['no_information', 'planned', 'commenced', 'in_place'],
  it_monitoring: ['no_information', 'planned', 'commenced', 'in_place'],
  partner_relationships: ['no_information', 'planned', 'commenced', 'in_place'],
  category: ['insufficient_information', 'plans_not_commenced', 'plans_commenced', 'all_in_place'],
};
const BANDS = [[0, 0.5], [0.5, 0.7], [0.7, 0.8], [0.8, 0.9], [0.9, 1.01]] as const;

export function evaluate(findings: Findings, labels: Label[]): EvalReport {
  const keys = [...ITEMS, 'category'];
  const agreement = Object.fromEntries(keys.map((k) => [k, { agree: 0, total: 0 }]));
  const confusion = Object.fromEntries(keys.map((k) => [k, Object.fromEntries(STATUSES[k].map((e) => [e, Object.fromEntries(STATUSES[k].map((g) => [g, 0]))]))]));
  const calibration = BANDS.map(([a, b]) => ({ band: `${a.toFixed(1)}–${Math.min(1, b).toFixed(1)}`, right: 0, total: 0 }));
  const disagreements: EvalReport['disagreements'] = [];
  const missing: string[] = [];
  for (const label of labels) {
    const f = findings.forces.find((x) => x.force === label.force);
    if (!f) { missing.push(label.force); continue; }
    for (const k of keys) {
      const expected = (label as Record<string, string>)[k];
      const got = k === 'category' ? f.category : f.criteria[k as (typeof ITEMS)[number]].status;
      agreement[k].total++;
      if (expected === got) agreement[k].agree++;
      confusion[k][expected][got] = (confusion[k][expected][got] ?? 0) + 1;
      if (k !== 'category') {
        const c = f.criteria[k as (typeof ITEMS)[number]];
        const band = calibration[BANDS.findIndex(([a, b]) => c.confidence >= a && c.confidence < b)];
        band.total++;
        if (expected === got) band.right++;
        if (expected !== got) disagreements.push({ force: f.force, item: k, expected, got, confidence: c.confidence, explanation: c.explanation, evidence: c.evidence.slice(0, 3).map((e) => `${e.document}${e.page ? ` p.${e.page}` : ''}: ${e.quote}`) });
      } else if (expected !== got) {
        disagreements.push({ force: f.force, item: k, expected, got, confidence: 0, explanation: '', evidence: [] });
      }
    }
  }
  const perStatus = Object.fromEntries(keys.map((k) => [k, Object.fromEntries(STATUSES[k].map((s) => {
    const tp = confusion[k][s][s];
    const predicted = STATUSES[k].reduce((a, e) => a + confusion[k][e][s], 0);
    const actual = STATUSES[k].reduce((a, g) => a + confusion[k][s][g], 0);
    return [s, { precision: predicted ? tp / predicted : null, recall: actual ? tp / actual : null, support: actual }];
  }))]));
  return { forces: labels.length - missing.length, agreement, confusion, perStatus, calibration, disagreements, missing };
}

export function formatEval(r: EvalReport): string {
  const pct = (a: number, t: number) => (t ? `${((100 * a) / t).toFixed(1)}%` : '–');
  const out: string[] = [];
  out.push(`Forces evaluated: ${r.forces}${r.missing.length ? ` (no findings for: ${r.missing.join(', ')})` : ''}`, '');
  out.push('Agreement:');
  for (const [k, v] of Object.entries(r.agreement)) out.push(`  ${k.padEnd(24)} ${String(v.agree).padStart(3)}/${v.total}  ${pct(v.agree, v.total)}`);
  const items = Object.entries(r.agreement).filter(([k]) => k !== 'category');
  const a = items.reduce((s, [, v]) => s + v.agree, 0), t = items.reduce((s, [, v]) => s + v.total, 0);
  out.push(`  ${'all four items'.padEnd(24)} ${String(a).padStart(3)}/${t}  ${pct(a, t)}`, '');
  for (const [k, m] of Object.entries(r.confusion)) {
    const sts = Object.keys(m);
    out.push(`Confusion: ${k} (rows expected, columns found)`);
    out.push(`  ${''.padEnd(24)}${sts.map((s) => s.slice(0, 14).padStart(15)).join('')}`);
    for (const e of sts) out.push(`  ${e.padEnd(24)}${sts.map((g) => String(m[e][g]).padStart(15)).join('')}`);
    out.push(`  precision/recall: ${sts.map((s) => { const p = r.perStatus[k][s]; return `${s} ${p.precision === null ? '–' : p.precision.toFixed(2)}/${p.recall === null ? '–' : p.recall.toFixed(2)}`; }).join('; ')}`, '');
  }
  out.push('Calibration (item verdicts by confidence band):');
  for (const b of r.calibration) out.push(`  ${b.band.padEnd(9)} ${String(b.right).padStart(3)}/${String(b.total).padEnd(3)} right  ${pct(b.right, b.total)}`);
  const hi = r.calibration.filter((b) => b.band.startsWith('0.8') || b.band.startsWith('0.9'));
  const hr = hi.reduce((s, b) => s + b.right, 0), ht = hi.reduce((s, b) => s + b.total, 0);
  out.push(`  confidence ≥ 0.8: ${hr}/${ht} right  ${pct(hr, ht)}`, '');
  out.push(`Disagreements: ${r.disagreements.length}`);
  for (const d of r.disagreements) {
    out.push(`  ${d.force} ${d.item}: expected ${d.expected}, found ${d.got}${d.item !== 'category' ? ` (confidence ${d.confidence.toFixed(2)})` : ''}`);
    if (d.explanation) out.push(`    why: ${d.explanation}`);
    for (const e of d.evidence) out.push(`    evidence: ${e.slice(0, 220)}`);
  }
  return out.join('\n');
}
