// rules/schema.json is generated from the zod schema and kept up to date, so an editor that
// completes and checks rule files agrees with the loader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRules, ruleJsonSchema, ruleJsonSchemaText } from './check.js';
import { CONDITION_KEYS, RuleFile } from './schema.js';

describe('rules/schema.json', () => {
  it('is what the zod schema generates now (regenerate: npm run rules:schema)', () => {
    expect(readFileSync('rules/schema.json', 'utf8')).toBe(ruleJsonSchemaText());
  });

  it('describes every rule-file key and a strict, one-key condition', () => {
    const s = ruleJsonSchema() as { properties: Record<string, { description?: string }>; additionalProperties: boolean; required: string[]; $defs: Record<string, { properties: Record<string, unknown>; maxProperties: number; minProperties: number; additionalProperties: boolean }> };
    expect(Object.keys(s.properties).sort()).toEqual(Object.keys(RuleFile.shape).sort());
    expect(s.additionalProperties).toBe(false);
    expect(s.required.sort()).toEqual(['examples', 'match', 'message']);
    for (const [k, p] of Object.entries(s.properties)) if (k !== 'match') expect(p.description, k).toBeTruthy();
    const c = s.$defs.Condition;
    expect(Object.keys(c.properties).sort()).toEqual([...CONDITION_KEYS].sort());
    expect([c.minProperties, c.maxProperties, c.additionalProperties]).toEqual([1, 1, false]);
  });
});

describe('checkRules', () => {
  it('returns the project ruleset, or the located messages instead of throwing', () => {
    const good = checkRules('rules');
    expect(good.ok && good.ruleset.rules.length).toBeGreaterThan(0);
    const bad = checkRules('fixtures/rules-invalid/settings-files');
    expect(bad.ok).toBe(false);
    expect(bad.errors).toContain('fixtures/rules-invalid/settings-files/rules.yaml:1:1 (file): unknown settings file. The top of the rules folder holds only items.yaml, outcome.yaml, letter.yaml; a rule goes in an item folder, as <item>/<rule>.yaml');
  });
});
