// Rescore: a fixture run judged again from its cache after a rule change, with the submissions
// gone (so nothing can have been read again), reports exactly the verdicts that moved and the
// rules behind them; unchanged rules reproduce the run's findings byte for byte.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRuleset } from '../pipeline/rules/load.js';
import { ruleTree, writeFiles } from '../pipeline/rules/test-helpers/tree.js';
import type { Findings, ForceAssessment } from '../pipeline/schemas.js';
import { main } from '../cli/main.js';
import { runEmbedded } from './run.js';
import { Changes, diffFindings, RescoreError, rescoreRun } from './rescore.js';

const tmp = mkdtempSync(join(tmpdir(), 'pa-rescore-'));
const run = join(tmp, 'run');
const rules = ruleTree({}, 'rules');
// "Zephyr" appears in no fixture, so a rule on it can move only this force's verdict
const DORSET = 'The Zephyr protective monitoring software went live across all force systems in March 2017.\n';
const SET_ASIDE = `message: The Zephyr product belongs to another organisation (a test exclusion)
role: exclude
match:
  any:
    - terms: [zephyr]
examples:
  hit: [The Zephyr software went live.]
  miss: [The software went live.]
`;
let previous: Findings;

beforeAll(async () => {
  const subs = join(tmp, 'submissions');
  cpSync('fixtures/dev/submissions/cumbria', join(subs, 'cumbria'), { recursive: true });
  cpSync('fixtures/dev/submissions/leicestershire', join(subs, 'leicestershire'), { recursive: true });
  cpSync('fixtures/devset/submissions/bedfordshire', join(subs, 'bedfordshire'), { recursive: true });
  writeFiles(subs, { 'dorset/plan.txt': DORSET });
  previous = (await runEmbedded({ submissions: subs, out: run, reviewDate: '2017-06-01', ruleset: loadRuleset(rules) })).findings;
  rmSync(subs, { recursive: true }); // rescore must not need the documents
});

afterEach(() => vi.restoreAllMocks());

const force = (f: Findings, slug: string) => f.forces.find((x) => x.force === slug)!;

describe('rescoreRun', () => {
  it('with unchanged rules, changes nothing and writes the same findings.json as the run', async () => {
    const out = join(tmp, 'same');
    const r = await rescoreRun({ runDir: run, out, ruleset: loadRuleset(rules) });
    expect(r.changes.changed).toEqual([]);
    expect(r.documents).toBe(previous.forces.reduce((a, f) => a + f.documents.length, 0));
    expect(readFileSync(join(out, 'findings.json'), 'utf8')).toBe(readFileSync(join(run, 'findings.json'), 'utf8'));
    for (const f of ['findings.csv', 'overview.md', 'index.html', 'run.json', 'changes.json', 'letters/dorset.md', 'letters/dorset.docx']) expect(existsSync(join(out, f)), f).toBe(true);
    // an unchanged letter is the run's own Word file, not one made again
    expect(readFileSync(join(out, 'letters', 'dorset.docx')).equals(readFileSync(join(run, 'letters', 'dorset.docx')))).toBe(true);
  });

  it('after a rule is added, reports the verdict it moved and the rules behind the move', async () => {
    const before = force(previous, 'dorset').criteria.it_monitoring;
    expect(before.status, 'precondition: the project rules read the Dorset sentence as in place').toBe('in_place');
    const changed = ruleTree({ 'it_monitoring/zephyr.yaml': SET_ASIDE }, 'rules');
    const ruleset = loadRuleset(changed);
    const out = join(tmp, 'changed');
    const r = await rescoreRun({ runDir: run, out, ruleset });
    expect(r.changes.changed.map((c) => [c.force, c.item, c.from, c.to])).toEqual([['dorset', 'it_monitoring', 'in_place', 'no_information']]);
    const c = r.changes.changed[0];
    expect(c.before).toEqual(before.evidence[0].ruleIds);
    expect(c.after).toEqual([]);
    expect(c.rules).toEqual([...new Set([...before.evidence[0].ruleIds, 'it_monitoring.zephyr'])].sort());
    expect(r.changes.rulesetVersion).toEqual({ from: previous.rulesetVersion, to: ruleset.version });
    expect(ruleset.version).not.toBe(previous.rulesetVersion);
    // every output records the new ruleset; changes.json is the returned diff
    expect(Changes.parse(JSON.parse(readFileSync(join(out, 'changes.json'), 'utf8')))).toEqual(r.changes);
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).rulesetVersion).toBe(ruleset.version);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(ruleset.version);
    // the letter whose verdict moved is written again
    expect(readFileSync(join(out, 'letters', 'dorset.md'), 'utf8')).not.toBe(readFileSync(join(run, 'letters', 'dorset.md'), 'utf8'));
    expect(readFileSync(join(out, 'letters', 'dorset.docx')).equals(readFileSync(join(run, 'letters', 'dorset.docx')))).toBe(false);
    // the new folder carries the cache, so it can be rescored in turn
    expect((await rescoreRun({ runDir: out, ruleset })).changes.changed).toEqual([]);
  });

  it('says what to do when the folder is not a run or its cache is incomplete', async () => {
    await expect(rescoreRun({ runDir: tmp, ruleset: loadRuleset(rules) })).rejects.toThrow(/is not a run folder: it has no run\.json/);
    const broken = join(tmp, 'broken');
    cpSync(run, broken, { recursive: true });
    // the analysis kept from the run is enough on its own; without it and the extraction, not
    const empty = (kind: string) => { for (const f of readdirSync(join(broken, 'cache', kind))) unlinkSync(join(broken, 'cache', kind, f)); };
    empty('extract');
    const fromAnalysis = await rescoreRun({ runDir: broken, ruleset: loadRuleset(rules) });
    expect(fromAnalysis.changes.changed).toEqual([]);
    empty('analysis');
    const err = await rescoreRun({ runDir: broken, ruleset: loadRuleset(rules) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RescoreError);
    expect((err as Error).message).toMatch(/has no cached extraction of \d+ documents \(bedfordshire\/.*\), so it cannot be rescored without reading them again/);
  });
});

describe('plan-assessor rescore', () => {
  it('prints the moved verdicts with the rules behind them', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
    const changed = ruleTree({ 'it_monitoring/zephyr.yaml': SET_ASIDE }, 'rules');
    const code = await main(['node', 'plan-assessor', 'rescore', run, '--rules', changed, '--out', join(tmp, 'cli')]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^Rescored 4 forces \(\d+ documents from the cache, none read again\) with .* in \d+\.\d s \(cache .*\)\.$/m);
    expect(text).toContain('1 verdict changed in 1 of 4 forces:');
    expect(text).toContain('  dorset  it_monitoring: in_place → no_information');
    expect(text).toMatch(/rules behind it: .*it_monitoring\.zephyr \(sets the old evidence aside\)/);
    expect(text).toMatch(/it_monitoring\.monitoring-capability \(no longer decides\)/);
  });
});

describe('diffFindings', () => {
  const crit = (status: string, ruleIds: string[] = [], quote = 'q') => ({ status, confidence: 0.8, explanation: '', evidence: ruleIds.length ? [{ document: 'd.pdf', page: 2, quote, ruleIds, stage: 'planned' }] : [] });
  const f = (category: string, it: ReturnType<typeof crit>): Findings => ({
    schemaVersion: 1, reviewDate: '2017-06-01', rulesetVersion: 'v',
    forces: [{ force: 'kent', name: 'Kent Police', category, documents: [], warnings: [], criteria: { national_strategy: crit('not_reflected'), ccu_capability: crit('planned', ['ccu_capability.a']), partner_relationships: crit('no_information'), it_monitoring: it } } as unknown as ForceAssessment],
  });

  it('names rules that now decide and no longer decide, and a category that follows', () => {
    const changes = diffFindings(
      f('plans_not_commenced', crit('planned', ['it_monitoring.m', 'stage.future-intent'])),
      f('plans_commenced', crit('commenced', ['it_monitoring.m', 'stage.commenced-verbs'], 'Software was procured.')),
    );
    expect(changes).toEqual([
      { force: 'kent', name: 'Kent Police', item: 'it_monitoring', from: 'planned', to: 'commenced', rules: ['stage.commenced-verbs', 'stage.future-intent'], before: ['it_monitoring.m', 'stage.future-intent'], after: ['it_monitoring.m', 'stage.commenced-verbs'], evidence: '“Software was procured.” (d.pdf, page 2)' },
      { force: 'kent', name: 'Kent Police', item: 'category', from: 'plans_not_commenced', to: 'plans_commenced', rules: ['outcome.yaml'], before: [], after: [], follows: ['it_monitoring'] },
    ]);
  });

  it('falls back to the deciding rules when the same rules decide both ways', () => {
    const [c] = diffFindings(f('plans_not_commenced', crit('planned', ['it_monitoring.m'])), f('plans_not_commenced', crit('commenced', ['it_monitoring.m'])));
    expect(c.rules).toEqual(['it_monitoring.m']);
  });
});
