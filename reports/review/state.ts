// What a force looks like under review: its draft findings joined with the inspector's
// decisions. Pure: findings and stored rows in, views out; the server and the exports read
// these views, never the rows.
//
// Decisions are keyed by force + item, so they survive a rescore (findings.json rewritten
// with other rules). Each decision keeps the draft status and the evidence quotes it was made
// against; when a rescore changes either, the decision still stands but is flagged for
// re-check, and the force cannot be signed off until an inspector has looked again.
import { z } from 'zod';
import type { Category, Criterion, ForceAssessment, Item, ProgressStatus } from '../../pipeline/schemas.js';
import { ITEMS, PROGRESS_ITEMS, ProgressStatus as ProgressStatusSchema, Status, StrategyStatus } from '../../pipeline/schemas.js';
import type { OutcomeFile } from '../../pipeline/rules/schema.js';
import { categorise } from '../../pipeline/draft/index.js';
import { ITEM_LABEL } from '../tables.js';

/** The passage a decision was made against: enough to tell whether a rescore changed it. */
export const EvidenceRef = z.object({ document: z.string(), quote: z.string() });
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const DecisionAction = z.enum(['accept', 'override']);
export type DecisionAction = z.infer<typeof DecisionAction>;

export const Decision = z.object({
  force: z.string(),
  item: z.enum(ITEMS),
  action: DecisionAction,
  status: Status,
  reason: z.string(),
  reviewer: z.string(),
  at: z.string(),
  draftStatus: Status,
  evidence: z.array(EvidenceRef),
  rulesetVersion: z.string(),
});
export type Decision = z.infer<typeof Decision>;

export const SignOff = z.object({
  force: z.string(),
  reviewer: z.string(),
  at: z.string(),
  /** the reviewed statuses signed off */
  statuses: z.record(z.string(), Status),
});
export type SignOff = z.infer<typeof SignOff>;

export const AuditAction = z.enum(['accept', 'override', 'recheck', 'sign_off', 'reopen']);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  reviewer: z.string(),
  force: z.string(),
  /** null for actions on the whole force (sign-off, reopen) */
  item: z.enum(ITEMS).nullable(),
  action: AuditAction,
  from: z.string().nullable(),
  to: z.string().nullable(),
  reason: z.string(),
  rulesetVersion: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export type ReviewState = 'not_started' | 'in_review' | 'signed_off';
export const REVIEW_STATE_LABEL: Record<ReviewState, string> = { not_started: 'not started', in_review: 'in review', signed_off: 'signed off' };

/** The statuses an item can take: the strategy is reflected or not; the others progress. */
export function statusesFor(item: Item): readonly string[] {
  return item === 'national_strategy' ? StrategyStatus.options : ProgressStatusSchema.options;
}

export interface ItemView {
  item: Item;
  draft: Criterion;
  decision?: Decision;
  /** the status the letter and overview use: the inspector's where decided, else the draft's */
  status: Criterion['status'];
  source: 'draft' | 'accepted' | 'overridden';
  /** why the decision needs another look after a rescore; empty when it does not */
  recheck: string[];
}

export interface ForceView {
  draft: ForceAssessment;
  items: Record<Item, ItemView>;
  category: Category;
  state: ReviewState;
  signOff?: SignOff;
  /** signed off, but a rescore has since flagged a decision behind it */
  signOffStale: boolean;
  /** items still on their draft status, or flagged for re-check */
  open: Item[];
  /** the lowest draft confidence among open items (1.01 when none is open): triage order */
  openConfidence: number;
}

export function evidenceRefs(c: Criterion): EvidenceRef[] {
  return c.evidence.map((e) => ({ document: e.document, quote: e.quote }));
}

/** Why a decision made against `d` no longer matches the draft `c` (empty when it still does). */
export function recheckReasons(d: Pick<Decision, 'draftStatus' | 'evidence'>, c: Criterion): string[] {
  const out: string[] = [];
  if (d.draftStatus !== c.status) out.push(`the draft status is now “${label(c.status)}”; it was “${label(d.draftStatus)}” when decided`);
  const key = (e: EvidenceRef) => `${e.document}\u0000${e.quote}`;
  const then = new Set(d.evidence.map(key));
  const now = new Set(evidenceRefs(c).map(key));
  const added = [...now].filter((k) => !then.has(k)).length;
  const removed = [...then].filter((k) => !now.has(k)).length;
  if (added || removed) {
    const parts = [added ? `${added} new passage${added === 1 ? '' : 's'}` : '', removed ? `${removed} passage${removed === 1 ? '' : 's'} no longer cited` : ''].filter(Boolean);
    out.push(`the evidence changed since the decision: ${parts.join(', ')}`);
  }
  return out;
}

const label = (s: string) => s.replace(/_/g, ' ');

export function forceView(draft: ForceAssessment, decisions: Decision[], signOff: SignOff | undefined, outcome: OutcomeFile): ForceView {
  const byItem = new Map(decisions.filter((d) => d.force === draft.force).map((d) => [d.item, d]));
  const items = Object.fromEntries(ITEMS.map((item): [Item, ItemView] => {
    const c = draft.criteria[item];
    const d = byItem.get(item);
    if (!d) return [item, { item, draft: c, status: c.status, source: 'draft', recheck: [] }];
    return [item, { item, draft: c, decision: d, status: d.status, source: d.action === 'accept' ? 'accepted' : 'overridden', recheck: recheckReasons(d, c) }];
  })) as Record<Item, ItemView>;
  const open = ITEMS.filter((i) => items[i].source === 'draft' || items[i].recheck.length > 0);
  const changed = ITEMS.some((i) => items[i].status !== draft.criteria[i].status);
  const statuses = Object.fromEntries(PROGRESS_ITEMS.map((i) => [i, items[i].status])) as Record<(typeof PROGRESS_ITEMS)[number], ProgressStatus>;
  // An unchanged force keeps the category findings.json gave it, so the review server and the
  // run's own outputs agree until an inspector changes something.
  const category = changed ? categorise(statuses, outcome) : draft.category;
  const signOffStale = !!signOff && open.length > 0;
  const state: ReviewState = signOff && !signOffStale ? 'signed_off' : signOff || byItem.size ? 'in_review' : 'not_started';
  const openConfidence = Math.min(1.01, ...open.map((i) => draft.criteria[i].confidence));
  return { draft, items, category, state, signOff, signOffStale, open, openConfidence };
}

/** Why a force cannot be signed off yet (empty when it can). */
export function signOffBlockers(v: ForceView): string[] {
  return ITEMS.flatMap((i) => {
    const it = v.items[i];
    if (it.source === 'draft') return [`${ITEM_LABEL[i]} has not been reviewed: accept or override it`];
    if (it.recheck.length) return [`${ITEM_LABEL[i]} needs a re-check after the rescore`];
    return [];
  });
}

/** The reviewed statuses of a force, as a sign-off records them. */
export function reviewedStatuses(v: ForceView): Record<Item, Criterion['status']> {
  return Object.fromEntries(ITEMS.map((i) => [i, v.items[i].status])) as Record<Item, Criterion['status']>;
}

export interface TriageQuery { category?: string; status?: string; state?: string; sort?: 'confidence' | 'name' | 'category' }

const CATEGORY_RANK: Record<Category, number> = { insufficient_information: 0, plans_not_commenced: 1, plans_commenced: 2, all_in_place: 3 };

/** Filters and orders forces for triage. By confidence (the default), forces whose open
 * verdicts are least certain come first and fully reviewed forces last. `state` also takes
 * `recheck` (a decision flagged by a rescore). */
export function triage(views: ForceView[], q: TriageQuery): ForceView[] {
  const keep = views.filter((v) =>
    (!q.category || v.category === q.category)
    && (!q.status || ITEMS.some((i) => v.items[i].status === q.status))
    && (!q.state || (q.state === 'recheck' ? ITEMS.some((i) => v.items[i].recheck.length) : v.state === q.state)));
  const byName = (a: ForceView, b: ForceView) => a.draft.name.localeCompare(b.draft.name);
  const order = {
    confidence: (a: ForceView, b: ForceView) => a.openConfidence - b.openConfidence || byName(a, b),
    name: byName,
    category: (a: ForceView, b: ForceView) => CATEGORY_RANK[a.category] - CATEGORY_RANK[b.category] || a.openConfidence - b.openConfidence || byName(a, b),
  }[q.sort ?? 'confidence'];
  return [...keep].sort(order);
}
