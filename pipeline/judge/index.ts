// judge(matched segments) → a status, confidence, explanation and evidence per item.
// The reasoning an inspector applies, as data-driven steps:
//  1. a passage counts for an item when its evidence rules weigh enough and no exclude rule
//     says the words are used in another context (victim care, financial audit…);
//  2. its stage is the most advanced stage cue of the highest priority present (a table's
//     Status column outranks the action's wording), limited by caps ("not yet live");
//     with no cue at all it takes the item's default stage;
//  3. a following sentence that refers back ("This work has not yet started.") lends its cues;
//  4. across all documents the most advanced stage shown counts (design.md).
// Reading in context, as an inspector does:
//  - a passage under a label or heading naming another force ("Dyfed-Powys." in minutes of a
//    regional board) is about that force's work, like a passage that names it;
//  - an exclusion with `reach: cell` applies, in a table row, to the cells it matched: a row that
//    quotes the recommendation in one column and states the force's action in another still counts;
//  - a passage that names the item's topic without meeting the evidence rules, right after
//    evidence in the same paragraph, continues it ("Our first awareness session … ran on 3 April").
import type { Criterion, Evidence, Item, Segment, Stage } from '../schemas.js';
import { ITEMS } from '../schemas.js';
import { clauseRanges, matchRule, SegmentView, type MatchedSegment, type RuleHit } from '../match/index.js';
import type { Rule } from '../rules/schema.js';
import { splitSentences } from '../segment/sentences.js';
import type { Ruleset } from '../rules/load.js';

const LEVEL: Record<Stage | 'none', number> = { none: 0, planned: 1, commenced: 2, in_place: 3 };
const STAGE_OF = ['', 'planned', 'commenced', 'in_place'] as const;
const ANAPHOR = /^(this|these|that|those|it|they|such|the work|work on this|the above|both)\b/i;

export interface Candidate {
  segment: Segment;
  relevance: number;
  evidenceRules: string[];
  stage: Stage;
  /** the cue rules that decided the stage; empty when the item's default applied */
  cues: Rule[];
  capped: boolean;
  mixed: boolean;
  /** a cap of this item's own saying the rest is to come (`rest_to_come`) that the passage
   * carries but that did not lower it, its stage being lower already: "STORM and e-mail are due to be added
   * in Q3" is planned, and says that the rest of a part in place is still to come */
  pendingCap?: Rule;
  /** a referring sentence that lent its cues */
  follower?: Segment;
  /** counted because it continues the evidence just before it in the same paragraph */
  continues?: Segment;
}

export interface ItemJudgement extends Criterion {
  candidates: Candidate[];
  excluded: { segment: Segment; rules: Rule[] }[];
}

/** Who the submission is from, so that passages about another force's work do not count. */
export interface Subject {
  name: string;
  otherForces: string[];
  /** places this force polices, and those other forces police (pipeline/force-areas.ts) */
  ownAreas?: readonly string[];
  otherAreas?: readonly string[];
}

export function judge(matched: MatchedSegment[], ruleset: Ruleset, subject?: Subject): Record<Item, ItemJudgement> {
  const byId = new Map(ruleset.rules.map((r) => [r.id, r]));
  const aboutOther = otherForceTest(subject);
  const labelled = otherForceLabels(matched, aboutOther, subject);
  const asked = requestedItems(matched);
  // (a passage no rule hit cannot count, so is not tested; it stays, to keep passages' neighbours)
  const own = matched.filter((m, i) => !labelled[i] && !asked[i] && (!m.hits.length || !aboutOther(m.segment.text)));
  const out = {} as Record<Item, ItemJudgement>;
  for (const item of ITEMS) out[item] = judgeItem(item, own, ruleset, byId);
  return out;
}

/** A force's name without "Police", "Constabulary" or a leading "the": how passages name it. */
const forceShortName = (n: string) => n.replace(/\b(Police Service|Police|Constabulary|Service)\b/g, '').replace(/^(the)\s+/i, '').trim();

/** `s` as a literal inside a regular expression. */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A passage that names another force, and neither this force nor both or all forces, is about
 * the other force's work (fixture: dev-b/dorset, whose alliance partner's monitoring is live). */
export function otherForceTest(subject?: Subject): (text: string) => boolean {
  if (!subject?.otherForces.length) return () => false;
  const inOtherArea = otherAreaTest(subject);
  const own = forceShortName(subject.name).toLowerCase();
  const others = subject.otherForces.map(forceShortName).filter((n) => n && !own.includes(n.toLowerCase()) && !n.toLowerCase().includes(own));
  if (!others.length) return () => false;
  const re = new RegExp(`\\b(${others.map(escape).join('|')})\\b`);
  const ours = new RegExp(`\\b(${escape(own)}|both forces|each force|all forces|the alliance|alliance-wide|the collaboration|two forces|the forces)\\b`, 'i');
  return (text) => (re.test(text) || inOtherArea(text)) && !ours.test(text);
}

/** A passage that opens by placing itself in another force's area ("In Worcestershire and
 * Herefordshire the unit now receives concerns…", fixture: dev-l/warwickshire, whose alliance
 * partner polices those counties). The longest name wins ("In Blaenau Gwent" is read as that
 * place, not as "Blaenau"). */
export function otherAreaTest(subject: Pick<Subject, 'ownAreas' | 'otherAreas'>): (text: string) => boolean {
  const other = new Set((subject.otherAreas ?? []).map((a) => a.toLowerCase()));
  for (const a of subject.ownAreas ?? []) other.delete(a.toLowerCase());
  if (!other.size) return () => false;
  const names = [...new Set([...(subject.ownAreas ?? []), ...(subject.otherAreas ?? [])])].sort((a, b) => b.length - a.length);
  const re = new RegExp(`^(?:in|across|within|throughout)\\s+(${names.map(escape).join('|')})(?![\\w-])`, 'i');
  return (text) => {
    const m = re.exec(text.trimStart());
    return Boolean(m && other.has(m[1].toLowerCase()));
  };
}

/** Which passages sit under a label or heading that names another force: a short sentence that
 * is little more than the force's name ("Dyfed-Powys.", "Update from Gwent:") labels the rest of
 * its paragraph; a heading naming it labels what follows, up to the next heading (fixture:
 * dev-e/north-wales, minutes of a board where each force in turn reports its work). */
export function otherForceLabels(matched: MatchedSegment[], aboutOther: (text: string) => boolean, subject?: Subject): boolean[] {
  const words = (t: string) => t.split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length;
  const ownName = subject ? new RegExp(`\\b${escape(forceShortName(subject.name))}\\b`, 'i') : null;
  const out: boolean[] = [];
  let heading: { document: string; other: boolean } | null = null;
  let label: { document: string; paragraph: number } | null = null;
  for (const m of matched) {
    const seg = m.segment;
    if (heading && heading.document !== seg.document) heading = null;
    if (label && (label.document !== seg.document || label.paragraph !== seg.paragraph)) label = null;
    const short = seg.text.length <= 80 && words(seg.text) <= 5;
    if (seg.kind === 'heading' && short) {
      heading = { document: seg.document, other: aboutOther(seg.text) };
      label = null;
      out.push(false);
      continue;
    }
    if (seg.kind === 'heading') heading = null;
    if (seg.kind === 'sentence' && short && (aboutOther(seg.text) || (ownName && ownName.test(seg.text)))) {
      label = aboutOther(seg.text) ? { document: seg.document, paragraph: seg.paragraph } : null;
      if (!label && heading) heading = null;
      out.push(false);
      continue;
    }
    out.push(Boolean(label) || Boolean(heading?.other));
  }
  return out;
}

/** A request's lead-in: "I need a line or two from you on each of the following:". */
const REQUEST = /\b(need|needs|needed|asked|ask|asks|asking|please|provide|send|tell us|would like|like to know|requested|request|requests|questions?|covering)\b[^.]*:\s*$/i;

/** Which passages are the items of a request list (a forwarded request, a covering e-mail
 * asking colleagues for lines): short, unfinished lines after a lead-in that asks for
 * information ("2) Any review of the ACU's capability and capacity"). They name the topic
 * because they ask about it (fixture: dev-g/northamptonshire). */
export function requestedItems(matched: MatchedSegment[]): boolean[] {
  const out = matched.map(() => false);
  for (let i = 0; i < matched.length; i++) {
    const lead = matched[i].segment;
    if (lead.kind === 'table-row' || !/:\s*$/.test(lead.text) || !REQUEST.test(lead.text)) continue;
    for (let j = i + 1; j < matched.length && j <= i + 10; j++) {
      const s = matched[j].segment;
      const words = s.text.split(/\s+/).length;
      if (s.document !== lead.document || s.kind === 'table-row' || words > 16 || /[.!]["”’)]*$/.test(s.text)) break;
      out[j] = true;
    }
  }
  return out;
}

/** Character ranges of a table row's cells in its text (cells are joined by " | "). */
function cellRanges(seg: Segment): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (const c of seg.cells ?? []) {
    const i = c ? seg.text.indexOf(c, at) : at;
    const start = i < 0 ? at : i;
    out.push([start, start + c.length]);
    at = start + c.length;
  }
  return out;
}

/** A table row's evidence once the cells a `reach: cell` exclude rule matched are set aside: the rules of
 * the item that still match the rest of the row (null when none is left, or an exclusion still
 * holds there, or the row has no cells). */
function outsideExcludedCells(m: MatchedSegment, item: Item, ex: RuleHit[], ruleset: Ruleset): { evidence: Rule[]; dropped: Set<number> } | null {
  const seg = m.segment;
  if (seg.kind !== 'table-row' || !seg.cells || seg.cells.length < 2) return null;
  if (ex.some((h) => ruleset.rules.find((r) => r.id === h.ruleId)?.reach !== 'cell')) return null;
  const ranges = cellRanges(seg);
  const dropped = new Set<number>();
  for (const h of ex) for (const [a, b] of h.spans) ranges.forEach(([x, y], i) => { if (a < y && b > x) dropped.add(i); });
  if (!dropped.size || dropped.size >= ranges.length) return null;
  const cells = seg.cells.map((c, i) => (dropped.has(i) ? '' : c));
  const view = new SegmentView({ text: cells.join(' | '), kind: 'table-row', cells, header: seg.header }, REVIEW_FALLBACK);
  const of = (role: Rule['role']) => ruleset.rules.filter((r) => r.item === item && r.role === role && r.scope.includes('table-row'));
  if (of('exclude').some((r) => matchRule(r, view))) return null;
  const evidence = of('evidence').filter((r) => matchRule(r, view));
  return evidence.length ? { evidence, dropped } : null;
}

/** Item rules use no date conditions; a date is needed only to build a passage view. */
const REVIEW_FALLBACK = new Date('2017-06-01T00:00:00Z');

function judgeItem(item: Item, matched: MatchedSegment[], ruleset: Ruleset, byId: Map<string, Rule>): ItemJudgement {
  const settings = ruleset.items[item];
  const candidates: Candidate[] = [];
  const excluded: { segment: Segment; rules: Rule[] }[] = [];
  let nearMisses = 0;
  const used = new Set<Segment>();
  const excludeRules = ruleset.rules.filter((r) => r.item === item && r.role === 'exclude');
  let lastCounted = -1;

  matched.forEach((m, i) => {
    if (!m.hits.length) return; // most passages: no evidence and no hint, so nothing to weigh
    let ev = m.hits.filter((h) => h.item === item && h.role === 'evidence');
    let continues: Segment | undefined;
    let hits = m.hits;
    if (!ev.length) {
      // a passage on the topic right after counted evidence in the same paragraph continues it
      const prev = matched[i - 1];
      const hint = m.hits.filter((h) => h.item === item && h.role === 'hint');
      if (!hint.length || lastCounted !== i - 1 || !prev || prev.segment.document !== m.segment.document || prev.segment.paragraph !== m.segment.paragraph) return;
      const view = new SegmentView(m.segment, REVIEW_FALLBACK);
      const ex = excludeRules.filter((r) => r.scope.includes(m.segment.kind) && matchRule(r, view));
      if (ex.length) { excluded.push({ segment: m.segment, rules: ex }); return; }
      ev = hint;
      continues = prev.segment;
    }
    // a question asks, it does not tell (return forms repeat the inspectorate's questions)
    if (m.segment.kind === 'sentence' && /\?["”’)]*$/.test(m.segment.text)) return;
    const ex = localExclusions(m.segment, ev, m.hits.filter((h) => h.item === item && h.role === 'exclude'));
    if (ex.length) {
      const rest = outsideExcludedCells(m, item, ex, ruleset);
      if (!rest) { excluded.push({ segment: m.segment, rules: ex.map((h) => byId.get(h.ruleId)!) }); return; }
      // the row counts on its other cells, with the cues found there
      const ranges = cellRanges(m.segment);
      const inDropped = (h: RuleHit) => h.spans.length > 0 && h.spans.every(([a, b]) => [...rest.dropped].some((c) => a >= ranges[c][0] && b <= ranges[c][1]));
      ev = rest.evidence.map((r) => ({ ruleId: r.id, item, role: 'evidence' as const, spans: [] }));
      hits = m.hits.filter((h) => h.role !== 'stage' || !inDropped(h));
    }
    used.add(m.segment);
    const rules = continues
      ? [{ ...byId.get(ev[0].ruleId)!, weight: settings.min_relevance, stage: undefined }]
      : ev.map((h) => byId.get(h.ruleId)!);
    const relevance = rules.reduce((a, r) => a + r.weight, 0);
    if (relevance < settings.min_relevance) { nearMisses++; return; }
    const next = matched[i + 1];
    const follows = next && next.segment.document === m.segment.document && next.segment.paragraph === m.segment.paragraph &&
      ANAPHOR.test(next.segment.text) && !next.hits.some((h) => h.item === item && h.role === 'evidence');
    const own = continues ? hits : clauseScoped(m.segment, ev, hits);
    const cueHits = [...own, ...(follows ? next.hits : [])].filter((h) => h.role === 'stage' && (h.item === null || h.item === item));
    const fixed = rules.filter((r) => r.stage).map((r) => r.stage!);
    const decided = decideStage(cueHits, fixed, byId, settings.default_stage, item);
    if (!decided) { excluded.push({ segment: m.segment, rules: cueHits.map((h) => byId.get(h.ruleId)!).filter((r) => r.cap === 'none') }); return; }
    candidates.push({ segment: m.segment, relevance, evidenceRules: rules.map((r) => r.id), ...decided, follower: follows ? next.segment : undefined, continues });
    lastCounted = i;
  });

  // passages that touch the topic without being evidence: a "no information" verdict that
  // has them is less certain, and the inspector is told where to look
  // (the hint test first: it rules out nearly every passage before the search of `excluded`)
  const hints = matched.filter((m) => m.hits.some((h) => h.item === item && h.role === 'hint') &&
    !used.has(m.segment) && !excluded.some((e) => e.segment === m.segment)).map((m) => m.segment);
  nearMisses += hints.length;
  candidates.sort((a, b) => LEVEL[b.stage] - LEVEL[a.stage] || b.relevance - a.relevance || (b.cues.length ? 1 : 0) - (a.cues.length ? 1 : 0));
  // a part in place does not make the whole so when another passage says, more plainly, that
  // the rest is not done yet ("two posts filled" beside "the analyst posts are being recruited"),
  // or says so as plainly in this item's own words ("live on the Niche and intelligence
  // systems; e-mail and handhelds to be added" beside the alerts those two systems raised).
  // Only a cap given a priority above the default says so plainly; a default-priority cap is a
  // caution about its own passage ("the review reported", with nothing said of what followed)
  const top = candidates[0];
  const plain = (c: Candidate) => c.cues.some((r) => r.priority > 1);
  const ownWords = (c: Candidate) => c.cues.some((r) => r.item === item);
  // A passage still at the plan stage that says, in this item's words, that the rest is to come
  // ("STORM and e-mail are due to be added in Q3 2017/18") makes the whole commenced too: the
  // part in place is work begun on the item, the rest planned.
  const rest = top?.stage === 'in_place'
    ? candidates.find((c) => c.stage === 'commenced' && c.capped && plain(c) && (c.relevance > top.relevance || (c.relevance === top.relevance && ownWords(c))))
      ?? candidates.find((c) => c.pendingCap && c.relevance >= top.relevance)
    : undefined;
  if (rest) {
    candidates.splice(candidates.indexOf(rest), 1);
    candidates.unshift(rest.pendingCap ? { ...rest, stage: 'commenced', cues: [rest.pendingCap], capped: true, pendingCap: undefined } : rest);
  }
  const best = candidates[0];
  const evidence = toEvidence(candidates);

  if (item === 'national_strategy') {
    const reflected = best && LEVEL[best.stage] >= LEVEL.commenced;
    return {
      status: reflected ? 'reflected' : 'not_reflected',
      confidence: confidence(best && reflected ? best : undefined, candidates, excluded.length, nearMisses),
      explanation: reflected ? explain('Reflected', best) : notFound(settings.looked_for, candidates, excluded, hints),
      evidence: reflected ? evidence.map((e) => ({ ...e, stage: 'reflected' as const })) : evidence,
      candidates,
      excluded,
    };
  }
  if (!best) {
    return {
      status: 'no_information',
      confidence: confidence(undefined, candidates, excluded.length, nearMisses),
      explanation: notFound(settings.looked_for, candidates, excluded, hints),
      evidence: [],
      candidates,
      excluded,
    };
  }
  return {
    status: best.stage,
    confidence: confidence(best, candidates, excluded.length, nearMisses),
    explanation: explain(label(best.stage), best, candidates),
    evidence,
    candidates,
    excluded,
  };
}

/** The exclusions that speak of the evidence: in a sentence, those in a clause that holds some
 * of it; in a table row, those in other cells (the row's context: a forensics row is about
 * forensics) or in the sentence or clause of the evidence's own cell. A cell that states the
 * force's monitoring and then, two sentences on, mentions body-worn video is not about
 * body-worn video. An exclusion with no located words stays. */
const REFERS_BACK = /^(that|this|which|it|these|those)\s+(is|are|was|were|remains?)\b/i;

export function localExclusions(seg: Segment, evidence: RuleHit[], ex: RuleHit[]): RuleHit[] {
  const spans = evidence.flatMap((h) => h.spans);
  if (!ex.length || !spans.length) return ex;
  const cells: Range[] = seg.kind === 'table-row' && seg.cells?.length ? cellRanges(seg) : [[0, seg.text.length]];
  const units = cells.filter((c) => touches(c, spans))
    .flatMap(([a, b]) => splitSentences(seg.text.slice(a, b)).flatMap(({ start, end }) => clauseRanges(seg.text, a + start, a + end)));
  // a clause that refers back ("…talking to the SARC; that is their project rather than ours")
  // speaks of the clause before it
  const backRefs = clauseRanges(seg.text).filter(([a, b]) => REFERS_BACK.test(seg.text.slice(a, b).trimStart()));
  const speaks = (sp: Range) => !cells.some((c) => overlaps(sp, c) && touches(c, spans)) || units.some((u) => overlaps(sp, u) && touches(u, spans)) ||
    backRefs.some((r) => overlaps(sp, r));
  return ex.filter((h) => !h.spans.length || h.spans.some(speaks));
}

/** A sentence's stage cues that can speak of this item: when the sentence also holds evidence
 * for another item, those in a clause with this item's evidence or with no item's (a cue with
 * no located words, such as a date condition, stays). One sentence may report two pieces of
 * work at different stages; each item takes the stage of its own. */
export function clauseScoped(seg: Segment, evidence: RuleHit[], hits: RuleHit[]): RuleHit[] {
  if (seg.kind === 'table-row') return hits;
  const clauses = clauseRanges(seg.text);
  const spans = evidence.flatMap((h) => h.spans);
  if (clauses.length < 2 || !spans.length) return hits;
  const item = evidence[0].item;
  const others = hits.filter((h) => h.role === 'evidence' && h.item !== item).flatMap((h) => h.spans);
  if (!others.length) return hits;
  // a clause about another item only is not this item's; one about no item goes on with it
  // ("…completed in April; laptops will follow before go-live in October")
  const mine = clauses.filter((c) => touches(c, spans) || !touches(c, others));
  return hits.filter((h) => h.role !== 'stage' || !h.spans.length || h.spans.some((sp) => touches(sp, mine)));
}

type Range = [number, number];
const overlaps = (x: Range, y: Range) => x[0] < y[1] && x[1] > y[0];
/** whether `r` overlaps any of `rs` */
const touches = (r: Range, rs: Range[]) => rs.some((x) => overlaps(r, x));

/** The stage a passage shows, or null when a cue says it shows no work at all. */
function decideStage(hits: RuleHit[], fixed: Stage[], byId: Map<string, Rule>, fallback: Stage, item: Item): Pick<Candidate, 'stage' | 'cues' | 'capped' | 'mixed' | 'pendingCap'> | null {
  const rules = [...new Set(hits.map((h) => h.ruleId))].map((id) => byId.get(id)!);
  if (rules.some((r) => r.cap === 'none')) return null;
  const cues = rules.filter((r) => r.stage);
  const caps = rules.filter((r) => r.cap);
  let level = 0;
  let deciding: Rule[] = [];
  let mixed = false;
  if (cues.length) {
    const top = Math.max(...cues.map((r) => r.priority));
    const topCues = cues.filter((r) => r.priority === top);
    level = Math.max(...topCues.map((r) => LEVEL[r.stage!]));
    deciding = topCues.filter((r) => LEVEL[r.stage!] === level);
    mixed = new Set(cues.map((r) => r.stage)).size > 1;
  }
  for (const s of fixed) if (LEVEL[s] > level) { level = LEVEL[s]; }
  if (level === 0) level = LEVEL[fallback];
  let capped = false;
  for (const c of caps) {
    if (c.cap !== 'none' && LEVEL[c.cap!] < level) { level = LEVEL[c.cap!]; capped = true; deciding = [c]; }
  }
  const pendingCap = capped ? undefined : caps.find((c) => c.cap === 'commenced' && c.rest_to_come && c.item === item && LEVEL[c.cap] > level);
  return { stage: STAGE_OF[level] as Stage, cues: deciding, capped, mixed, pendingCap };
}

/** The best passages first (most advanced stage, then the most relevant), without repeats. */
function toEvidence(candidates: Candidate[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const c of candidates) {
    for (const seg of [c.segment, c.follower].filter(Boolean) as Segment[]) {
      const key = seg.text.toLowerCase().replace(/[^a-z0-9]/g, '');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        document: seg.document,
        ...seg.location,
        quote: seg.text,
        ruleIds: [...c.evidenceRules, ...c.cues.map((r) => r.id)],
        stage: c.stage,
        cue: c.cues[0]?.message,
        score: Math.round(c.relevance * 100) / 100,
      });
    }
    if (out.length >= 8) break;
  }
  return out;
}

function confidence(best: Candidate | undefined, all: Candidate[], excluded: number, nearMisses: number): number {
  let c: number;
  if (!best) {
    c = 0.9 - Math.min(0.2, excluded * 0.05) - Math.min(0.3, nearMisses * 0.1) - (all.length ? 0.15 : 0);
  } else {
    c = 0.55;
    if (best.cues.length) c += 0.2;
    if (all.filter((x) => x.stage === best.stage).length >= 2) c += 0.1;
    if (best.relevance >= 2) c += 0.05;
    if (best.mixed && !best.capped) c -= 0.1;
    if (best.capped) c -= 0.05;
    if (all.some((x) => x !== best && x.stage !== best.stage && x.cues.length && x.relevance >= best.relevance)) c -= 0.05;
  }
  return Math.round(Math.max(0.2, Math.min(0.97, c)) * 100) / 100;
}

const label = (s: Stage) => ({ planned: 'Planned', commenced: 'Commenced', in_place: 'In place' })[s];

export function where(seg: Segment): string {
  const l = seg.location;
  const at = l.page ? `page ${l.page}` : l.sheet ? `sheet ‘${l.sheet}’ row ${l.row}` : l.line ? `line ${l.line}` : l.section ? `‘${l.section}’` : '';
  return at ? `${seg.document}, ${at}` : seg.document;
}

function short(text: string, n = 140): string {
  return text.length <= n ? text : `${text.slice(0, n - 1).replace(/\s+\S*$/, '')}…`;
}

function explain(head: string, best: Candidate, all: Candidate[] = []): string {
  const cue = best.cues.length ? best.cues.map((r) => r.message.replace(/\.$/, '')).join('; ') : 'relevant evidence with no progress cue (the item’s default stage)';
  const others = all.filter((c) => c !== best && c.stage !== best.stage).length;
  const rest = others ? ` ${others} other passage${others === 1 ? ' shows' : 's show'} an earlier stage; the most advanced counts.` : '';
  return `${head}: “${short(best.segment.text)}” (${where(best.segment)}). Cue: ${cue}.${rest}`;
}

function notFound(lookedFor: string, candidates: Candidate[], excluded: { segment: Segment; rules: Rule[] }[], hints: Segment[] = []): string {
  const reasons = [...new Set(excluded.flatMap((e) => e.rules.map((r) => r.message.replace(/\.$/, '').toLowerCase())))].slice(0, 3);
  const weak = candidates.length ? ` ${candidates.length} passage${candidates.length === 1 ? '' : 's'} mentioned it only as future intent or conditionally.` : '';
  const ctx = excluded.length ? ` ${excluded.length} passage${excluded.length === 1 ? ' used' : 's used'} the words in another context (${reasons.join('; ')}).` : '';
  const near = hints.length ? ` ${hints.length} passage${hints.length === 1 ? ' touches' : 's touch'} the topic without meeting the evidence rules, e.g. “${short(hints[0].text, 90)}” (${where(hints[0])}).` : '';
  return `Looked for ${lookedFor}; none found.${weak}${ctx}${near}`;
}
