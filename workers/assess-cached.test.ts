// The queued mode's division of work, without Redis: an extract job (processExtract, what the
// sandboxed child runs) leaves each document's extraction and analysis in the run's caches and
// returns a summary without text; the force is then assessed from the analyses alone
// (assessCached, the assess job's and rescore's stage), as the embedded run assesses it. A rule
// change rewrites only the small half of a kept analysis, and a half that does not fit the
// other is never used.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, EXTRACTOR_VERSION, sha256 } from '../pipeline/extract/index.js';
import { loadRuleset } from '../pipeline/rules/load.js';
import { ruleTree } from '../pipeline/rules/test-helpers/tree.js';
import { assessCached } from './assess-cached.js';
import { AnalysisCache } from './cache.js';
import { processExtract } from './processors-extract.js';
import { ExtractSummary, type ExtractJob } from './processors-jobs.js';
import { runEmbedded } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'pa-assess-cached-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const reviewDate = '2017-06-01';
const FORCE = 'durham';
const subs = join(tmp, 'submissions');
cpSync(`fixtures/devset/submissions/${FORCE}`, join(subs, FORCE), { recursive: true });
const files = readdirSync(join(subs, FORCE)).sort();
const shaOf = (f: string) => sha256(readFileSync(join(subs, FORCE, f)));

function job(out: string, file: string, rulesDir: string): ExtractJob {
  return {
    run: 'r1', out, reviewDate, rulesDir, rulesetVersion: loadRuleset(rulesDir).version, force: FORCE, file,
    path: join(subs, FORCE, file), sha256: shaOf(file), extractor: EXTRACTOR_VERSION, limits: { ...DEFAULT_LIMITS },
  };
}
const task = (out: string) => ({ slug: FORCE, name: 'Durham Constabulary', warnings: [], cacheDir: join(out, 'cache'), documents: files.map((file) => ({ file, sha256: shaOf(file) })) });

describe('an extract job and the force assessed from the analyses it kept', () => {
  const rules = ruleTree({}, 'rules');
  const out = join(tmp, 'queued');

  it('keeps both the extraction and the analysis, and returns a summary without text', async () => {
    for (const file of files) {
      const summary = await processExtract(job(out, file, rules));
      ExtractSummary.strict().parse(summary); // references and counts only: any other key fails
      expect(summary.cached).toBe(false);
      const sha = shaOf(file);
      expect(existsSync(join(out, 'cache', 'extract', `${sha}.${EXTRACTOR_VERSION}.json`))).toBe(true);
      const kept = readdirSync(join(out, 'cache', 'analysis')).filter((n) => n.startsWith(sha));
      expect(kept.filter((n) => n.endsWith('.rules.v8'))).toHaveLength(1);
      expect(kept).toHaveLength(2);
    }
    // a second time, everything comes from the caches
    expect((await processExtract(job(out, files[0], rules))).cached).toBe(true);
  });

  it('assesses the force from the analyses as the embedded run does', async () => {
    const embedded = join(tmp, 'embedded');
    const ruleset = loadRuleset(rules);
    const run = await runEmbedded({ submissions: subs, out: embedded, reviewDate, ruleset, threads: 1 });
    // the extractions are not needed any more
    for (const f of readdirSync(join(out, 'cache', 'extract'))) rmSync(join(out, 'cache', 'extract', f));
    const r = await assessCached(task(out), { ruleset, reviewDate });
    expect(r.missing).toEqual([]);
    expect(r.unread).toBe(0);
    expect(JSON.stringify(r.assessment)).toBe(JSON.stringify(run.findings.forces.find((f) => f.force === FORCE)));
  });

  it('after a rule change, rewrites only the rule results, and gives what a fresh analysis gives', async () => {
    const analysis = join(out, 'cache', 'analysis');
    const passages = readdirSync(analysis).filter((n) => !n.endsWith('.rules.v8'));
    const rulesFiles = readdirSync(analysis).filter((n) => n.endsWith('.rules.v8'));
    const before = new Map(readdirSync(analysis).map((n) => [n, readFileSync(join(analysis, n))]));
    const changed = ruleTree({ 'it_monitoring/zephyr.yaml': 'message: test\nrole: exclude\nmatch:\n  any:\n    - terms: [partner]\nexamples:\n  hit: [A partner.]\n  miss: [An officer.]\n' }, 'rules');
    const ruleset = loadRuleset(changed);
    const r = await assessCached(task(out), { ruleset, reviewDate });
    for (const n of passages) expect(readFileSync(join(analysis, n)).equals(before.get(n)!), n).toBe(true);
    expect(rulesFiles.filter((n) => !readFileSync(join(analysis, n)).equals(before.get(n)!))).toHaveLength(rulesFiles.length);
    const fresh = join(tmp, 'fresh');
    const run = await runEmbedded({ submissions: subs, out: fresh, reviewDate, ruleset, threads: 1 });
    expect(JSON.stringify(r.assessment)).toBe(JSON.stringify(run.findings.forces.find((f) => f.force === FORCE)));
  });

  it('drops rule results that do not fit their passages', () => {
    const cache = new AnalysisCache(join(out, 'cache', 'analysis'));
    const pdf = files.find((f) => f.endsWith('.pdf') && statSync(join(subs, FORCE, f)).size > 10_000)!;
    const sha = shaOf(pdf);
    expect(cache.get(sha, reviewDate)!.parts[0].memo?.size).toBeGreaterThan(0);
    const rulesFile = readdirSync(join(out, 'cache', 'analysis')).find((n) => n.startsWith(sha) && n.endsWith('.rules.v8'))!;
    const path = join(out, 'cache', 'analysis', rulesFile);
    const kept = deserialize(readFileSync(path)) as { passages: number[] };
    writeFileSync(path, serialize({ ...kept, passages: kept.passages.map((n) => n + 1) })); // as if made for other passages
    expect(cache.get(sha, reviewDate)!.parts[0].memo).toBeUndefined();
  });
});
