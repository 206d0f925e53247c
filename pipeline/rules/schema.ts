// The rule-file language. Every object is strict, so a misspelt key is an error, not a rule
// that silently never fires. Conditions are plain data with bounded evaluation: there are no
// regular expressions in rule files, so no rule can make a run hang.
import { z } from 'zod';

const term = z.string().trim().min(1, 'a term cannot be empty')
  .describe('a word or phrase ("=word" exactly, "word*" as a prefix, "#" any number), or "$name": every term of the list of that name in vocabulary.yaml');
const terms = z.array(term).min(1, 'give at least one term');

export const DateRelation = z.enum(['after_review', 'on_or_before_review', 'spanning_review', 'any']);

/** A condition has exactly one key; which one decides its meaning (see rules/README.md). */
export interface Condition {
  phrase?: string;
  terms?: string[];
  near?: { terms: string[]; within: number };
  all?: Condition[];
  any?: Condition[];
  none?: Condition[];
  column?: { name: string[]; terms: string[] };
  date?: z.infer<typeof DateRelation>;
  starts?: string[];
  not_after?: { terms: string[]; within: number };
}

export const CONDITION_KEYS = ['phrase', 'terms', 'near', 'not_after', 'all', 'any', 'none', 'column', 'date', 'starts'] as const;

const within = (max: number) => z.number().int().min(1).max(max).describe(`how many words apart, 1 to ${max}`);

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z
    .strictObject({
      phrase: term.optional().describe('these words in this order, e.g. "protective monitoring"'),
      terms: terms.optional().describe('any one of these words or phrases'),
      near: z.strictObject({ terms, within: within(40) }).optional()
        .describe('one of these terms within `within` words of what the earlier conditions in the same all: list matched'),
      not_after: z.strictObject({ terms, within: within(10) }).optional()
        .describe('keeps the earlier matches of the same all: list only where none of these terms comes up to `within` words before them'),
      all: z.array(Condition).min(1).optional().describe('every condition in the list holds'),
      any: z.array(Condition).min(1).optional().describe('at least one condition in the list holds'),
      none: z.array(Condition).min(1).optional().describe('no condition in the list holds'),
      column: z.strictObject({ name: terms, terms }).optional()
        .describe('table rows: a cell under a column whose header has one of `name` holds one of `terms`'),
      date: DateRelation.optional().describe('the passage has a date after, on or before, or spanning the review date (any: any date)'),
      starts: terms.optional().describe('the passage begins with one of these terms'),
    })
    .superRefine((c, ctx) => {
      const keys = Object.keys(c).filter((k) => (c as Record<string, unknown>)[k] !== undefined);
      if (keys.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: keys.length === 0
            ? `a condition needs one of ${CONDITION_KEYS.join(', ')}`
            : `a condition has exactly one key, found ${keys.join(' and ')}; put them in separate list items under all:`,
        });
      }
    }),
).meta({
  id: 'Condition',
  description: 'One condition: exactly one of phrase, terms, near, not_after, all, any, none, column, date, starts (see rules/README.md).',
  minProperties: 1,
  maxProperties: 1,
});

export const Match = z
  .strictObject({
    all: z.array(Condition).min(1).optional().describe('every condition in the list holds'),
    any: z.array(Condition).min(1).optional().describe('at least one condition in the list holds (after all:, if both are given)'),
    none: z.array(Condition).min(1).optional().describe('no condition in the list holds'),
  })
  .refine((m) => m.all || m.any, { message: 'match needs all: or any: (none: alone matches everything)' })
  .describe('when the rule matches a passage (a sentence, table row or heading)');
export type Match = z.infer<typeof Match>;

/** A passage to test the rule on: a sentence, or a table row written as cells joined by " | "
 * (with `header:` naming the columns, for column: conditions). */
const Example = z.union([
  z.string().min(1),
  z.strictObject({ text: z.string().min(1), header: z.array(z.string()).optional().describe('the column names, for a table row') }),
]);
export type Example = z.infer<typeof Example>;
const KnownGap = z.strictObject({
  text: z.string().min(1),
  header: z.array(z.string()).optional().describe('the column names, for a table row'),
  why: z.string().min(1).describe('why the rule cannot match it yet'),
});
export type KnownGap = z.infer<typeof KnownGap>;

/** rules/vocabulary.yaml: named term lists that any terms list may use as "$name". */
export const VOCABULARY_NAME = /^[a-z][a-z0-9_]*$/;
export const VocabularyFile = z.record(z.string(), z.array(term).min(1, 'give at least one term'));
export type VocabularyFile = z.infer<typeof VocabularyFile>;

export const StageName = z.enum(['planned', 'commenced', 'in_place']);

export const RuleFile = z.strictObject({
  message: z.string().trim().min(1, 'say in one sentence what the rule recognises')
    .describe('one sentence saying what the rule recognises; shown to inspectors beside the evidence'),
  /** evidence: makes a passage count for the item; exclude: stops it counting (the item's
   * words in another context); stage: says how far the work described has got. */
  role: z.enum(['evidence', 'exclude', 'stage', 'hint']).optional()
    .describe('evidence (default in an item folder): the passage counts for the item; exclude: the words are used in another context; stage (default in stage/): how far work has got; hint: the passage touches the topic, so a "no information" verdict is less certain and the inspector is pointed to it'),
  scope: z.array(z.enum(['sentence', 'table-row', 'heading'])).min(1).default(['sentence', 'table-row'])
    .describe('the kinds of passage the rule looks at'),
  /** evidence: how strongly a hit ties the passage to the item (the judge sums weights) */
  weight: z.number().min(0).max(5).default(1)
    .describe('evidence rules: how strongly a hit ties the passage to the item; the judge adds the weights of all evidence rules that match a passage'),
  /** exclude rules: how much of a table row the exclusion sets aside */
  reach: z.enum(['passage', 'cell']).optional()
    .describe('exclude rules: passage (the default) sets the whole passage aside; cell sets aside, in a table row, only the cells it matched (the recommendation quoted in one column), so the row still counts on what its other cells say'),
  /** stage rules: the stage a hit shows; evidence rules: a stage the evidence implies by itself */
  stage: StageName.optional()
    .describe('stage rules: the stage a hit shows; evidence rules: a stage the evidence shows by itself'),
  /** stage rules: the most advanced stage a passage with this cue can show ("not yet live") */
  cap: z.enum(['none', 'planned', 'commenced', 'in_place']).optional()
    .describe('stage rules: the most advanced stage a passage with this cue can show ("not yet live" caps at commenced); none: the passage shows no work at all ("there are no plans to…")'),
  /** stage rules with a cap: the cue says part of the capability is still to come */
  rest_to_come: z.boolean().optional()
    .describe('stage rules with cap commenced: the cue says part of the capability is still to come ("STORM and e-mail are due to be added"); a passage with it makes a part in place shown elsewhere for the item commenced, even when the passage itself only plans'),
  /** stage rules: a cue with a higher priority overrides lower ones in the same passage */
  priority: z.number().int().min(0).max(9).default(1)
    .describe('stage rules: when cues disagree in one passage, those with the highest priority decide'),
  match: Match,
  examples: z.strictObject({
    hit: z.array(Example).min(1, 'give at least one hit example').describe('passages the rule must match'),
    miss: z.array(Example).min(1, 'give at least one miss example').describe('passages the rule must not match'),
    known_gap: z.array(KnownGap).default([]).describe('passages the rule should match but does not yet; the tests fail once it does, so it can be moved to hit:'),
  }).describe('tested by `plan-assessor rules test` and the test suite'),
});
export type RuleFile = z.infer<typeof RuleFile>;

export interface Rule extends RuleFile {
  id: string;
  /** the item a rule belongs to, or null for stage cues shared by all items */
  item: string | null;
  role: 'evidence' | 'exclude' | 'stage' | 'hint';
  file: string;
}

/** rules/items.yaml: per-item settings the judge reads. */
export const ItemSettings = z.strictObject({
  title: z.string().min(1),
  looked_for: z.string().min(1),
  /** relevance (sum of evidence weights) a passage needs to count */
  min_relevance: z.number().min(0).default(1),
  /** stage of relevant evidence with no stage cue at all */
  default_stage: StageName.default('planned'),
});
export const ItemsFile = z.strictObject({
  national_strategy: ItemSettings,
  ccu_capability: ItemSettings,
  it_monitoring: ItemSettings,
  partner_relationships: ItemSettings,
});
export type ItemsFile = z.infer<typeof ItemsFile>;

/** rules/outcome.yaml: the first category whose condition holds is the force's category. */
const Status = z.enum(['no_information', 'planned', 'commenced', 'in_place']);
export const OutcomeFile = z.strictObject({
  categories: z.array(
    z.strictObject({
      category: z.enum(['all_in_place', 'insufficient_information', 'plans_commenced', 'plans_not_commenced']),
      when: z
        .strictObject({
          items: z.array(z.enum(['ccu_capability', 'it_monitoring', 'partner_relationships'])).min(1).default(['ccu_capability', 'it_monitoring', 'partner_relationships']),
          status_in: z.array(Status).min(1),
          /** how many of `items` must have a status in `status_in`: a number, or "all" */
          at_least: z.union([z.number().int().min(1), z.literal('all')]),
        })
        .optional(),
      because: z.string().min(1),
    }),
  ).min(1),
});
export type OutcomeFile = z.infer<typeof OutcomeFile>;

/** rules/letter.yaml: the draft letter's wording. {{name}} placeholders are filled in. */
export const LetterFile = z.strictObject({
  salutation: z.string(),
  subject: z.string(),
  preamble: z.array(z.string()).min(1),
  recommendation: z.string(),
  review: z.string(),
  national_strategy: z.strictObject({ reflected: z.string(), not_reflected: z.string() }),
  items: z.strictObject({
    ccu_capability: z.strictObject({ phrase: z.string() }),
    it_monitoring: z.strictObject({ phrase: z.string() }),
    partner_relationships: z.strictObject({ phrase: z.string() }),
  }),
  statuses: z.strictObject({
    no_information: z.string(),
    planned: z.string(),
    commenced: z.string(),
    in_place: z.string(),
  }),
  closing: z.array(z.string()),
  signature: z.array(z.string()),
  draft_notice: z.string(),
});
export type LetterFile = z.infer<typeof LetterFile>;
