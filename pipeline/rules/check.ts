// Checking a rules folder without running anything: the located messages of loadRuleset,
// returned rather than thrown, and the JSON Schema that lets editors complete and check rule
// files as they are typed. The schema is generated from the zod schema, never written by
// hand, so the editor and the loader cannot disagree.
import { z } from 'zod';
import { loadRuleset, RuleErrors, type Ruleset } from './load.js';
import { RuleFile } from './schema.js';

export type CheckResult = { ok: true; ruleset: Ruleset; errors: [] } | { ok: false; errors: string[] };

/** Loads `dir` and returns every problem found, each as `file:line:col key.path: message`. */
export function checkRules(dir: string): CheckResult {
  try {
    return { ok: true, ruleset: loadRuleset(dir), errors: [] };
  } catch (err) {
    if (err instanceof RuleErrors) return { ok: false, errors: err.errors };
    throw err;
  }
}

/** JSON Schema (draft 2020-12) of one rule file, as rules/schema.json holds it. */
export function ruleJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(RuleFile, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'plan-assessor rule file',
    description: 'One rule per file: rules/<item>/<name>.yaml or rules/stage/<name>.yaml. Generated from pipeline/rules/schema.ts by `plan-assessor rules schema --write`; do not edit by hand. See rules/README.md.',
    ...rest,
  };
}

/** The text of rules/schema.json. */
export function ruleJsonSchemaText(): string {
  return `${JSON.stringify(ruleJsonSchema(), null, 2)}\n`;
}
