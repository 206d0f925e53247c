// Rules about rules, over the project's rules/ folder: it loads; ids are unique and taken from
// the path; folders are item ids or stage; every rule has a message, a hit and a miss; and every
// example of every rule passes (the same check as `plan-assessor rules test`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatResult, testRule } from '../pipeline/rules/examples.js';
import { loadRuleset, RULE_FOLDERS } from '../pipeline/rules/load.js';
import { ITEMS } from '../pipeline/schemas.js';
import { ruleTree } from '../pipeline/rules/test-helpers/tree.js';

const DIR = 'rules';
const ruleset = loadRuleset(DIR);

describe('rules about rules', () => {
  it('has folders named after the items, plus stage/', () => {
    const folders = readdirSync(DIR).filter((f) => statSync(join(DIR, f)).isDirectory()).sort();
    expect(folders).toEqual([...ITEMS, 'stage'].sort());
    expect([...RULE_FOLDERS].sort()).toEqual(folders);
  });

  it('gives each rule a unique id taken from its path', () => {
    for (const r of ruleset.rules) {
      const m = /(?:^|\/)rules\/([^/]+)\/([^/]+)\.ya?ml$/.exec(r.file);
      expect(m, r.file).not.toBeNull();
      expect(r.id).toBe(`${m![1]}.${m![2]}`);
      expect(r.item).toBe(m![1] === 'stage' ? null : m![1]);
    }
    expect(new Set(ruleset.rules.map((r) => r.id)).size).toBe(ruleset.rules.length);
  });

  it('gives every rule a message, at least one hit and at least one miss', () => {
    for (const r of ruleset.rules) {
      expect(r.message.trim(), r.id).not.toBe('');
      expect(r.examples.hit.length, `${r.id} hit`).toBeGreaterThan(0);
      expect(r.examples.miss.length, `${r.id} miss`).toBeGreaterThan(0);
    }
  });

  it('has evidence rules for every item and stage cues for every stage', () => {
    for (const item of ITEMS) expect(ruleset.rules.some((r) => r.item === item && r.role === 'evidence'), item).toBe(true);
    for (const stage of ['planned', 'commenced', 'in_place']) expect(ruleset.rules.some((r) => r.role === 'stage' && r.stage === stage), stage).toBe(true);
  });
});

describe.each(ruleset.rules.map((r) => [r.id, r] as const))('examples of %s', (_id, rule) => {
  it('pass: hits match, misses do not, known gaps do not yet', () => {
    const failures = testRule(rule).filter((r) => !r.passed);
    expect(failures.map(formatResult).join('\n')).toBe('');
  });
});

describe('the worked examples in rules/README.md', () => {
  // each ```yaml block that starts with "# rules/<folder>/<name>.yaml" is a complete rule
  const blocks = [...readFileSync(join(DIR, 'README.md'), 'utf8').matchAll(/```yaml\n# rules\/(\S+\.yaml)\n([\s\S]*?)```/g)];
  const readme = loadRuleset(ruleTree(Object.fromEntries(blocks.map((b) => [b[1], b[2]]))));

  it('are valid rule files, one for each condition key (and a vocabulary.yaml their $names use)', () => {
    expect(readme.rules).toHaveLength(blocks.filter((b) => b[1] !== 'vocabulary.yaml').length);
    expect(blocks.some((b) => b[1] === 'vocabulary.yaml')).toBe(true);
    expect(readme.rules.find((r) => r.id === 'ccu_capability.readme-vocabulary')!.match.all![0].terms).toContain('counter corruption unit');
    const used = new Set(readme.rules.flatMap((r) => JSON.stringify(r.match).match(/"(\w+)":/g) ?? []).map((k) => k.slice(1, -2)));
    for (const key of ['phrase', 'terms', 'near', 'not_after', 'all', 'any', 'none', 'column', 'date', 'starts']) expect(used.has(key), key).toBe(true);
  });

  it('do what the page says they do', () => {
    const failures = readme.rules.flatMap(testRule).filter((r) => !r.passed);
    expect(failures.map(formatResult).join('\n')).toBe('');
  });
});
