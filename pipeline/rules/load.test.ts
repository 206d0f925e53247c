// The loader's messages say where and what: each deliberately broken tree in
// fixtures/rules-invalid/ gives exactly the messages listed beside it.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleset, RuleErrors } from './load.js';
import { ruleTree, writeFiles } from './test-helpers/tree.js';

const INVALID = 'fixtures/rules-invalid';

/** The messages loadRuleset throws for `dir`, with paths as printed from the project root. */
function errorsOf(dir: string): string[] {
  try {
    loadRuleset(dir);
  } catch (err) {
    if (err instanceof RuleErrors) return err.errors.map((e) => e.split(relative(process.cwd(), dir)).join(dir));
    throw err;
  }
  throw new Error(`${dir} loaded without errors`);
}

const expected = (tree: string) => readFileSync(join(INVALID, `${tree}.expected.txt`), 'utf8').trimEnd().split('\n');

describe('rule trees with mistakes', () => {
  it.each(['rule-files', 'settings-files'])('%s gives exactly the messages in its .expected.txt', (tree) => {
    expect(errorsOf(join(INVALID, tree))).toEqual(expected(tree));
  });

  it('names the file, line, column, key and a fix for each kind of mistake the issue lists', () => {
    const lines = expected('rule-files');
    const find = (file: string) => lines.find((l) => l.includes(`/${file}:`)) ?? '';
    expect(find('misspelt-key.yaml')).toMatch(/:2:1 wieght: unknown key "wieght"; did you mean "weight"\?/);
    expect(find('wrong-type.yaml')).toMatch(/:5:50 match\.all\[1\]\.near\.within: expected a number, got "eight"\. Write/);
    expect(find('yaml-syntax.yaml')).toMatch(/:4:15 \(yaml\): a quoted text starts here but its closing quote is missing/);
    expect(find('unknown-folder.yaml')).toMatch(/\(file\): folder "it_monitor" is not an item; did you mean "it_monitoring"\?/);
    expect(find('no-hit.yaml')).toMatch(/:6:1 examples\.hit: required\. Give at least one hit example/);
  });
});

describe('loadRuleset', () => {
  it('loads the project rules with an id per file and a version that changes with any edit', () => {
    const dir = ruleTree({}, 'rules');
    const before = loadRuleset(dir);
    expect(before.rules.length).toBeGreaterThan(10);
    expect(before.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    writeFiles(dir, { 'it_monitoring/monitoring-capability.yaml': `${readFileSync(join(dir, 'it_monitoring/monitoring-capability.yaml'), 'utf8')}\n# a comment\n` });
    expect(loadRuleset(dir).version).not.toBe(before.version);
  });

  it('collects problems from every file instead of stopping at the first', () => {
    const dir = ruleTree({
      'it_monitoring/a.yaml': 'message: A\nmatch: { any: [ { terms: [a] } ] }\nexamples: { hit: [a], miss: [b] }\nscoep: [sentence]\n',
      'ccu_capability/b.yaml': 'message: B\nmatch: { any: [ { terms: [a] } ] }\nexamples: { hit: [a], miss: [b] }\nweight: heavy\n',
    });
    const errors = errorsOf(dir);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`${dir}/ccu_capability/b.yaml:4:9 weight: expected a number, got "heavy". Write a number from 0 to 5, e.g. weight: 2`);
    expect(errors[1]).toContain('it_monitoring/a.yaml:4:1 scoep: unknown key "scoep"; did you mean "scope"?');
  });

  it('points at a condition written outside a list', () => {
    const dir = ruleTree({ 'it_monitoring/a.yaml': 'message: A\nmatch:\n  phrase: protective monitoring\nexamples: { hit: [a], miss: [b] }\n' });
    expect(errorsOf(dir)).toEqual([`${dir}/it_monitoring/a.yaml:3:3 match.phrase: unknown key "phrase" here: a condition goes in a list under all:, any: or none:, e.g. any: [ { phrase: … } ]`]);
  });

  it('says when the folder is missing', () => {
    expect(errorsOf('no-such-rules-folder')[0]).toMatch(/^no-such-rules-folder: the rules folder does not exist/);
  });
});
