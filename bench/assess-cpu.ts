// CPU time of what a rescore's threads do, in this one thread: every force of a run assessed
// from the run's caches (kept analyses, changed rules evaluated, judged and drafted) with the
// rules of `--rules`. The kept rule results are renewed in the run folder given, so point it at
// a copy (`cp -al <run> <copy>` shares the files; renewed ones are replaced, not changed).
//
//   node dist/bench/assess-cpu.js <run-copy> [--rules bench/cache/runs/rules-changed]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRuleset } from '../pipeline/rules/load.js';
import { assessCached } from '../workers/assess-cached.js';
import type { RunManifest } from '../workers/manifest.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { rules: { type: 'string', default: 'rules' } } });
const run = positionals[0];
if (!run) throw new Error('usage: node dist/bench/assess-cpu.js <run-copy> [--rules <dir>]');
const ruleset = loadRuleset(values.rules!);
const manifest = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as RunManifest;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (const f of manifest.forces) {
  await assessCached({ slug: f.slug, name: f.name, warnings: f.warnings, cacheDir: join(run, 'cache'), documents: f.documents }, { ruleset, reviewDate: manifest.reviewDate });
}
const c = process.cpuUsage(c0);
console.log(`${manifest.forces.length} forces: ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`);
