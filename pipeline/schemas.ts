// The shapes every stage shares. Types come from the zod schemas of the same name; data is
// parsed at the edges (rule files, job payloads, CLI input, cached JSON) and trusted inside.
import { z } from 'zod';

export const ITEMS = ['national_strategy', 'ccu_capability', 'it_monitoring', 'partner_relationships'] as const;
export const Item = z.enum(ITEMS);
export type Item = z.infer<typeof Item>;

export const PROGRESS_ITEMS = ['ccu_capability', 'it_monitoring', 'partner_relationships'] as const;
export type ProgressItem = (typeof PROGRESS_ITEMS)[number];

export const STAGES = ['planned', 'commenced', 'in_place'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

export const ProgressStatus = z.enum(['no_information', 'planned', 'commenced', 'in_place']);
export type ProgressStatus = z.infer<typeof ProgressStatus>;
export const StrategyStatus = z.enum(['reflected', 'not_reflected']);
export type StrategyStatus = z.infer<typeof StrategyStatus>;
export const Status = z.union([ProgressStatus, StrategyStatus]);
export type Status = z.infer<typeof Status>;

export const Category = z.enum(['all_in_place', 'insufficient_information', 'plans_commenced', 'plans_not_commenced']);
export type Category = z.infer<typeof Category>;

export const DocStatus = z.enum(['ok', 'duplicate', 'unreadable', 'unsupported', 'needs_ocr']);
export type DocStatus = z.infer<typeof DocStatus>;

/** Where a piece of text sits in its document. `page` is 1-based and only for paginated
 * formats; `section` is the heading path; `sheet`/`row` locate spreadsheet rows. */
export const Location = z.object({
  page: z.number().int().positive().optional(),
  section: z.string().optional(),
  sheet: z.string().optional(),
  row: z.number().int().positive().optional(),
  /** 1-based line, for plain-text formats (e-mails, TXT, Markdown). */
  line: z.number().int().positive().optional(),
});
export type Location = z.infer<typeof Location>;

/** One unit of extracted text, before segmentation.
 * - `page`: the raw text of one page of a paginated document (lines kept, furniture included);
 * - `heading` / `paragraph`: a Word-style block with its heading level;
 * - `table-row`: one row of a table or sheet, cells kept apart; `header` names the columns. */
export const Part = z.object({
  kind: z.enum(['page', 'heading', 'paragraph', 'table-row']),
  text: z.string(),
  level: z.number().int().optional(),
  cells: z.array(z.string()).optional(),
  header: z.array(z.string()).optional(),
  location: Location,
});
export type Part = z.infer<typeof Part>;

/** What extraction makes of one file. Trouble is data: `status` and `notes`, never a throw. */
export const ExtractedDocument = z.object({
  file: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  format: z.string(),
  status: DocStatus,
  pages: z.number().int().nonnegative().optional(),
  notes: z.array(z.string()),
  duplicateOf: z.string().optional(),
  /** Document title or date found in metadata, when the format has them. */
  meta: z.object({ title: z.string().optional(), date: z.string().optional() }).default({}),
  parts: z.array(Part),
  extractor: z.string(),
  /** Files inside this one (archive entries, e-mail attachments), each a document of its own
   * with `file` its path inside the container; `withEmbedded` lists them for assessment. */
  get embedded() { return z.array(ExtractedDocument).optional(); },
});
export type ExtractedDocument = z.infer<typeof ExtractedDocument>;

/** The smallest unit rules look at: a sentence, a heading or a table row, located. `paragraph`
 * is the index of the paragraph it belongs to within its document (for context in the UI). */
export const Segment = z.object({
  id: z.string(),
  kind: z.enum(['sentence', 'heading', 'table-row']),
  text: z.string(),
  document: z.string(),
  paragraph: z.number().int().nonnegative(),
  location: Location,
  cells: z.array(z.string()).optional(),
  header: z.array(z.string()).optional(),
});
export type Segment = z.infer<typeof Segment>;

export const Paragraph = z.object({
  index: z.number().int().nonnegative(),
  document: z.string(),
  text: z.string(),
  location: Location,
});
export type Paragraph = z.infer<typeof Paragraph>;

export const SegmentedDocument = z.object({
  document: z.string(),
  paragraphs: z.array(Paragraph),
  segments: z.array(Segment),
});
export type SegmentedDocument = z.infer<typeof SegmentedDocument>;

export const Evidence = z.object({
  document: z.string(),
  page: z.number().int().positive().optional(),
  section: z.string().optional(),
  sheet: z.string().optional(),
  row: z.number().int().positive().optional(),
  line: z.number().int().positive().optional(),
  quote: z.string(),
  ruleIds: z.array(z.string()),
  stage: z.union([Stage, z.literal('reflected')]),
  /** Why this sentence got its stage: the cue that decided, in words. */
  cue: z.string().optional(),
  score: z.number().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Criterion = z.object({
  status: Status,
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
  evidence: z.array(Evidence),
});
export type Criterion = z.infer<typeof Criterion>;

export const DocumentSummary = z.object({
  file: z.string(),
  sha256: z.string(),
  status: DocStatus,
  format: z.string().optional(),
  pages: z.number().int().nonnegative().optional(),
  duplicateOf: z.string().optional(),
  notes: z.array(z.string()),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;

export const ForceAssessment = z.object({
  force: z.string(),
  name: z.string(),
  category: Category,
  criteria: z.object({
    national_strategy: Criterion,
    ccu_capability: Criterion,
    it_monitoring: Criterion,
    partner_relationships: Criterion,
  }),
  documents: z.array(DocumentSummary),
  warnings: z.array(z.string()).default([]),
});
export type ForceAssessment = z.infer<typeof ForceAssessment>;

export const Findings = z.object({
  schemaVersion: z.literal(1),
  reviewDate: z.string(),
  rulesetVersion: z.string(),
  forces: z.array(ForceAssessment),
});
export type Findings = z.infer<typeof Findings>;

/** Labels for `eval`: one object per force, as in fixtures/<set>/labels.json. Extra fields
 * (key_evidence, distractors, rationale…) are allowed and ignored by the scorer. */
export const Label = z.looseObject({
  force: z.string(),
  national_strategy: StrategyStatus,
  ccu_capability: ProgressStatus,
  it_monitoring: ProgressStatus,
  partner_relationships: ProgressStatus,
  category: Category,
});
export type Label = z.infer<typeof Label>;
export const Labels = z.array(Label);
