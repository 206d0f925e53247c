// `plan-assessor rescore <run-dir>`: judge a previous run again with the current rules, from its
// cached extraction, and print the verdicts that moved. A thin adapter over workers/rescore.ts.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readManifest } from '../workers/manifest.js';
import type { Changes, VerdictChange } from '../workers/rescore.js';
import { DEFAULT_RULES, UsageError, rulesArg } from './main.js';

export function rescoreCommand(): Command {
  return new Command('rescore')
    .description('judge a previous run again with the current rules, from its cached extraction (no document is read again); prints the verdicts that changed and writes them to changes.json')
    .argument('<run-dir>', 'a folder written by `plan-assessor run` (holds run.json, findings.json and cache/)')
    .option('--rules <dir>', 'rules folder (default: the one the run used)')
    .option('--out <dir>', 'where to write the new outputs and changes.json (default: the run folder, replacing its outputs)')
    .option('--json', 'print changes.json instead of the summary')
    .action(async (dir: string, o: { rules?: string; out?: string; json?: boolean }) => {
      const runDir = resolve(dir);
      if (!existsSync(join(runDir, 'run.json'))) throw new UsageError(`"${dir}" has no run.json. Give a folder written by \`plan-assessor run <submissions> --out <dir>\`.`);
      const used = readManifest(runDir).rulesDir;
      const rulesDir = o.rules ?? (used && existsSync(used) ? used : DEFAULT_RULES);
      const t0 = performance.now();
      const { RescoreError, rescoreRun } = await import('../workers/rescore.js');
      let ruleset!: ReturnType<typeof rulesArg>;
      let result;
      try {
        // the rules are loaded once the threads are starting
        result = await rescoreRun({ runDir, out: o.out, ruleset: () => (ruleset = rulesArg(rulesDir)) });
      } catch (err) {
        if (err instanceof RescoreError) throw new UsageError(err.message);
        throw err;
      }
      const seconds = (performance.now() - t0) / 1000;
      if (o.json) { console.log(JSON.stringify(result.changes, null, 2)); return; }
      const out = resolve(o.out ?? runDir);
      const t = result.timings;
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`Rescored ${result.findings.forces.length} forces (${result.documents} documents from the cache, none read again) with ${shortPath(ruleset.dir)} in ${seconds.toFixed(1)} s (cache ${s(t.load)}, judging ${s(t.assess)}, writing ${s(t.write)}).`);
      console.log(formatChanges(result.changes));
      console.log(`Wrote findings.json, findings.csv, overview.md, letters, index.html and changes.json to ${shortPath(out)}`);
    });
}

/** A path as the user would type it: relative to where they are, unless that climbs out. */
const shortPath = (p: string) => {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') || isAbsolute(r) ? p : r || '.';
};

/** The changes as a reviewer reads them: one block per moved verdict. */
export function formatChanges(c: Changes): string {
  const lines = [`Ruleset ${c.rulesetVersion.from} → ${c.rulesetVersion.to}.`];
  if (!c.changed.length) {
    lines.push(`No verdict changed in ${c.forces} forces.`);
    return lines.join('\n');
  }
  const forces = new Set(c.changed.map((x) => x.force)).size;
  lines.push(`${c.changed.length} verdict${c.changed.length === 1 ? '' : 's'} changed in ${forces} of ${c.forces} forces:`);
  for (const x of c.changed) {
    lines.push(`  ${x.force}  ${x.item}: ${x.from} → ${x.to}`);
    lines.push(`      ${why(x)}`);
    if (x.evidence) lines.push(`      now decided by ${x.evidence.length > 220 ? `${x.evidence.slice(0, 219)}…` : x.evidence}`);
  }
  return lines.join('\n');
}

function why(x: VerdictChange): string {
  if (x.item === 'category') return `follows ${x.follows?.length ? x.follows.join(', ') : 'the category mapping'} (outcome.yaml)`;
  const said = x.rules.map((r) => {
    if (x.after.includes(r) && !x.before.includes(r)) return `${r} (now decides)`;
    if (x.before.includes(r) && !x.after.includes(r)) return `${r} (no longer decides)`;
    if (!x.after.includes(r)) return `${r} (sets the old evidence aside)`;
    return r;
  });
  return `rules behind it: ${said.length ? said.join(', ') : 'none cited (no evidence either way)'}`;
}
