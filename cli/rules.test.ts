// `plan-assessor rules check|test|schema` as a reviewer uses them: exit status, the exact
// messages for broken files, a new rule's examples counted, failures that say what matched.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import { ruleTree, writeFiles } from '../pipeline/rules/test-helpers/tree.js';

/** Runs the CLI; returns its exit status and what it printed on stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const code = await main(['node', 'plan-assessor', ...args]);
  log.mockRestore();
  err.mockRestore();
  return { code, out: out.join('\n').split('\n') };
}

const tally = (out: string[]) => {
  const m = /^(\d+) passed, (\d+) failed$/.exec(out.at(-1) ?? '');
  if (!m) throw new Error(`no "N passed, M failed" line at the end of:\n${out.join('\n')}`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
};

afterEach(() => vi.restoreAllMocks());

describe('rules check', () => {
  it('accepts the project rules (exit 0)', async () => {
    const r = await cli('rules', 'check');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^rules: \d+ rules .* are valid\. Ruleset sha256:[0-9a-f]{16}\.$/);
  });

  it('lists every problem of a broken tree with its place, and exits 1', async () => {
    const expected = readFileSync('fixtures/rules-invalid/rule-files.expected.txt', 'utf8').trimEnd().split('\n');
    const r = await cli('rules', 'check', '--rules', 'fixtures/rules-invalid/rule-files');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([...expected, `${expected.length} problems in fixtures/rules-invalid/rule-files. Fix them and run \`plan-assessor rules check\` again.`]);
  });

  it('refuses a run with invalid rules, with the same messages (exit 2)', async () => {
    const r = await cli('run', 'fixtures/dev/submissions', '--out', mkdtempSync(join(tmpdir(), 'pa-run-')), '--rules', 'fixtures/rules-invalid/settings-files');
    expect(r.code).toBe(2);
    const expected = readFileSync('fixtures/rules-invalid/settings-files.expected.txt', 'utf8').trimEnd().split('\n');
    for (const line of expected) expect(r.out).toContain(line);
  });
});

const NEW_RULE = `message: Keystrokes or screens captured centrally for review
match:
  all:
    - terms: [keystroke*, screen capture, screenshots]
    - near: { terms: [captur*, record*, logged], within: 6 }
examples:
  hit:
    - Keystrokes on all desktops are now captured centrally.
    - Screenshots are recorded when a trigger word is typed.
  miss:
    - The keystroke counter on the printer is broken.
  known_gap:
    - text: Everything typed on force computers is kept for audit.
      why: no keystroke or screen word
`;

describe('rules test', () => {
  it('tests the examples of a rule as soon as it is added', async () => {
    const dir = ruleTree({}, 'rules');
    const before = tally((await cli('rules', 'test', '--rules', dir)).out);
    writeFiles(dir, { 'it_monitoring/keystroke-capture.yaml': NEW_RULE });
    const r = await cli('rules', 'test', '--rules', dir);
    expect(r.out).toContain('ok   it_monitoring.keystroke-capture (2 hit, 1 miss, 1 known gap)');
    expect(tally(r.out)).toEqual({ passed: before.passed + 4, failed: before.failed });
  });

  it('fails a broken example, naming the rule, the example, its line and what matched where (exit 1)', async () => {
    const dir = ruleTree({ 'it_monitoring/keystroke-capture.yaml': NEW_RULE.replace('The keystroke counter on the printer is broken.', 'Keystrokes are logged by the printer.') });
    const r = await cli('rules', 'test', '--rules', dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL it_monitoring.keystroke-capture (2 hit, 1 miss, 1 known gap)');
    expect(r.out).toContain(`  FAIL it_monitoring.keystroke-capture miss[0]  ${dir}/it_monitoring/keystroke-capture.yaml:11:7`);
    expect(r.out).toContain('       expected no match, but the rule matched: "«Keystrokes» are «logged» by the printer."');
    expect(r.out).toContain('         match.all[1] near [captur*, record*, logged] within 6: "Keystrokes are «logged» by the printer."');
    expect(r.out.at(-1)).toBe('3 passed, 1 failed');
  });

  it('with --coverage, fails a rule that never fires on the fixtures', async () => {
    const fixtures = mkdtempSync(join(tmpdir(), 'pa-fixtures-'));
    writeFiles(fixtures, { 'wiltshire/plan.txt': 'Keystrokes on all desktops are now captured centrally.\n' });
    const dir = ruleTree({
      'it_monitoring/keystroke-capture.yaml': NEW_RULE,
      'it_monitoring/screen-recording.yaml': NEW_RULE.replace('[keystroke*, screen capture, screenshots]', '[screenshots]').replace(/hit:\n.*\n/, 'hit:\n'),
    });
    const r = await cli('rules', 'test', '--rules', dir, '--coverage', '--fixtures', fixtures, '--work', mkdtempSync(join(tmpdir(), 'pa-cov-')));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`coverage: 1 of 2 rules have a hit example and fire on ${fixtures}`);
    expect(r.out).toContain('FAIL it_monitoring.screen-recording coverage: never fires on the fixtures. Check its words against the fixture documents, or remove the rule');
    expect(r.out.filter((l) => /keystroke-capture coverage/.test(l))).toEqual([]);
    expect(tally(r.out).failed).toBe(1);
  });
});

describe('rules schema', () => {
  it('--check passes for the project and fails for a stale copy', async () => {
    expect((await cli('rules', 'schema', '--check')).code).toBe(0);
    const dir = ruleTree({});
    writeFileSync(join(dir, 'schema.json'), '{}\n');
    const r = await cli('rules', 'schema', '--check', '--rules', dir);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/schema\.json is out of date; run `plan-assessor rules schema --write`/);
  });
});
