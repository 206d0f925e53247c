// The pipeline as composition: documents of one force → its assessment. Pure: no files,
// no clock, no network. Workers and the CLI call it with documents they have extracted.
import type { DocumentSummary, ExtractedDocument, ForceAssessment, SegmentedDocument } from './schemas.js';
import { segment } from './segment/index.js';
import { match, type MatchedSegment } from './match/index.js';
import { judge, type ItemJudgement } from './judge/index.js';
import { draft } from './draft/index.js';
import { withEmbedded } from './extract/embedded.js';
import type { Ruleset } from './rules/load.js';
import type { Item } from './schemas.js';
import { FORCES } from './forces.js';

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

/** Marks repeated content within a force as duplicates of the first file (by path order). */
export function markDuplicates(docs: ExtractedDocument[]): ExtractedDocument[] {
  const first = new Map<string, string>();
  return [...docs].sort((a, b) => a.file.localeCompare(b.file)).map((d) => {
    const seen = first.get(d.sha256);
    if (seen && d.bytes > 0) return { ...d, status: 'duplicate' as const, duplicateOf: seen, parts: [] };
    first.set(d.sha256, d.file);
    return d;
  });
}

export function summarise(d: ExtractedDocument): DocumentSummary {
  return { file: d.file, sha256: d.sha256, status: d.status, format: d.format, pages: d.pages, duplicateOf: d.duplicateOf, notes: d.notes };
}

export function assessForce(input: ForceInput, ruleset: Ruleset, reviewDate: string): ForceResult {
  const review = new Date(`${reviewDate}T00:00:00Z`);
  // archive entries and e-mail attachments are assessed as documents of their own
  const docs = markDuplicates(input.documents.flatMap(withEmbedded));
  const t0 = performance.now();
  const segmented = docs.filter((d) => d.status === 'ok').map(segment);
  const t1 = performance.now();
  const matched: MatchedSegment[] = segmented.flatMap((s) => match(s.segments, ruleset.rules, review));
  const t2 = performance.now();
  const otherForces = input.otherForces ?? FORCES.filter((f) => f.slug !== input.slug).map((f) => f.name);
  const judgements = judge(matched, ruleset, { name: input.name, otherForces });
  const assessment = draft({ slug: input.slug, name: input.name }, docs.map(summarise), judgements, ruleset.outcome, input.warnings ?? []);
  const t3 = performance.now();
  return { assessment, judgements, segmented, timings: { segment: t1 - t0, match: t2 - t1, judge: t3 - t2 } };
}
