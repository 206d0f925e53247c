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

describe('vocabulary.yaml', () => {
  const rule = (terms: string) => `message: A\nmatch:\n  all:\n    - terms: [${terms}]\nexamples: { hit: [the acu grew], miss: [the fleet grew] }\n`;

  it('expands "$name" in any terms list into the named list, and lists may use one another', () => {
    const dir = ruleTree({
      'vocabulary.yaml': 'unit_names: [ccu, acu]\nunit_context: [$unit_names, psd]\n',
      'ccu_capability/a.yaml': rule('$unit_context, "the unit"'),
      'it_monitoring/b.yaml': 'message: B\nmatch:\n  all:\n    - terms: [monitor]\n    - near: { terms: [$unit_names], within: 3 }\nexamples: { hit: [the acu monitors], miss: [b] }\n',
    });
    const rs = loadRuleset(dir);
    expect(rs.rules.find((r) => r.id === 'ccu_capability.a')!.match.all![0].terms).toEqual(['ccu', 'acu', 'psd', 'the unit']);
    expect(rs.rules.find((r) => r.id === 'it_monitoring.b')!.match.all![1].near!.terms).toEqual(['ccu', 'acu']);
  });

  it('names the file, line, column and key of an unknown $name, with the lists there are', () => {
    const dir = ruleTree({ 'vocabulary.yaml': 'unit_names: [ccu, acu]\n', 'ccu_capability/a.yaml': rule('psd, $unit_nmes') });
    expect(errorsOf(dir)).toEqual([`${dir}/ccu_capability/a.yaml:4:20 match.all[0].terms[1]: unknown vocabulary list "$unit_nmes"; did you mean "$unit_names"? The lists in ${dir}/vocabulary.yaml are $unit_names; add one named unit_nmes there, or write the words themselves`]);
  });

  it('says when a $name is used with no vocabulary.yaml, and when lists use each other in a circle', () => {
    expect(errorsOf(ruleTree({ 'ccu_capability/a.yaml': rule('$unit_names') }))[0]).toMatch(/a\.yaml:4:15 match\.all\[0\]\.terms\[0\]: "\$unit_names" names a vocabulary list, but there is no .*vocabulary\.yaml/);
    const circle = errorsOf(ruleTree({ 'vocabulary.yaml': 'a: [x, $b]\nb: [$a]\n' }));
    expect(circle).toHaveLength(1);
    expect(circle[0]).toMatch(/vocabulary\.yaml:2:5 b\[0\]: "\$a" uses the list b itself/);
  });

  it('the project rules use it: the three recommendation-quoted rules share one list', () => {
    const rs = loadRuleset('rules');
    const lists = ['ccu_capability', 'it_monitoring', 'partner_relationships'].map((i) => rs.rules.find((r) => r.id === `${i}.recommendation-quoted`)!.match.any![0].terms);
    expect(lists[0]!.length).toBeGreaterThan(10);
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
  });
});
