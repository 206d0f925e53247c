// The pipeline as composition: documents of one force → its assessment. Pure: no files,
// no clock, no network. Workers and the CLI call it with documents they have extracted.
import type { DocumentSummary, ExtractedDocument, ForceAssessment, SegmentedDocument } from './schemas.js';
import type { MatchedSegment } from './match/index.js';
import { analyse, type AnalysedPart, type DocumentAnalysis } from './analyse.js';
import { judge, type ItemJudgement } from './judge/index.js';
import { draft } from './draft/index.js';
import type { Ruleset } from './rules/load.js';
import type { Item } from './schemas.js';
import { FORCES } from './forces.js';
import { FORCE_AREAS } from './force-areas.js';

export interface ForceInput {
  slug: string;
  name: string;
  /** the names of the other forces, to recognise passages about their work (default: the 43) */
  otherForces?: string[];
  documents: ExtractedDocument[];
  warnings?: string[];
}

export interface ForceResult {
  assessment: ForceAssessment;
  judgements: Record<Item, ItemJudgement>;
  segmented: SegmentedDocument[];
  timings: { segment: number; match: number; judge: number };
}

/** Repeated content within a force: the parts in path order, a part whose content an earlier
 * one has marked as a duplicate of that first file (and not read again). */
function dedupe(parts: AnalysedPart[]): AnalysedPart[] {
  const first = new Map<string, string>();
  return [...parts].sort((a, b) => a.doc.file.localeCompare(b.doc.file)).map((p) => {
    const d = p.doc;
    const seen = first.get(d.sha256);
    if (seen && d.bytes > 0) return { doc: { ...d, status: 'duplicate' as const, duplicateOf: seen, parts: [] } };
    first.set(d.sha256, d.file);
    return p;
  });
}

export function summarise(d: ExtractedDocument): DocumentSummary {
  return { file: d.file, sha256: d.sha256, status: d.status, format: d.format, pages: d.pages, duplicateOf: d.duplicateOf, notes: d.notes };
}

/** Assesses a force from its documents as extracted (analysing each here). */
export function assessForce(input: ForceInput, ruleset: Ruleset, reviewDate: string): ForceResult {
  const review = new Date(`${reviewDate}T00:00:00Z`);
  const analyses = input.documents.map((d) => analyse(d, ruleset.rules, review).analysis);
  return assessAnalysed({ ...input, analyses }, ruleset);
}

export interface AnalysedForce extends Omit<ForceInput, 'documents'> {
  /** one per submitted document, from analyse() (archive entries and e-mail attachments are
   * parts of the document that holds them, assessed as documents of their own) */
  analyses: DocumentAnalysis[];
}

/** Assesses a force from its documents as analysed (in extraction threads, or from the cache). */
export function assessAnalysed(input: AnalysedForce, ruleset: Ruleset): ForceResult {
  const parts = dedupe(input.analyses.flatMap((a) => a.parts));
  const segmented = parts.flatMap((p) => (p.segmented ? [p.segmented] : []));
  const matched: MatchedSegment[] = parts.flatMap((p) => p.segmented ? p.segmented.segments.map((segment, i) => ({ segment, hits: p.hits![i] })) : []);
  const t2 = performance.now();
  const otherForces = input.otherForces ?? FORCES.filter((f) => f.slug !== input.slug).map((f) => f.name);
  // the places each force polices; a force not in the list (a test's) has none of its own
  const ownAreas = FORCE_AREAS[input.slug] ?? [];
  const otherAreas = input.otherForces ? [] : Object.entries(FORCE_AREAS).filter(([slug]) => slug !== input.slug).flatMap(([, a]) => a);
  const judgements = judge(matched, ruleset, { name: input.name, otherForces, ownAreas, otherAreas });
  const assessment = draft({ slug: input.slug, name: input.name }, parts.map((p) => summarise(p.doc)), judgements, ruleset.outcome, input.warnings ?? []);
  const t3 = performance.now();
  const sum = (k: 'segment' | 'match') => input.analyses.reduce((a, x) => a + x.timings[k], 0);
  return { assessment, judgements, segmented, timings: { segment: sum('segment'), match: sum('match'), judge: t3 - t2 } };
}
