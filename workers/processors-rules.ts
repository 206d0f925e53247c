// Rule sets by folder, loaded once per process (a worker, or one of its extract children). The
// run names the version it was queued with; if the folder now holds other rules, analysing or
// assessing with them would mix two rule sets in one run, so the job fails at once and says so.
import { UnrecoverableError } from 'bullmq';
import { loadRuleset, RuleErrors, type Ruleset } from '../pipeline/rules/load.js';

const rulesets = new Map<string, Ruleset>();

export function rulesetFor(dir: string, version: string): Ruleset {
  const known = rulesets.get(dir);
  if (known?.version === version) return known;
  let loaded: Ruleset;
  try {
    loaded = loadRuleset(dir);
  } catch (err) {
    if (err instanceof RuleErrors) throw new UnrecoverableError(`the rules in ${dir} no longer load (${err.errors.length} problems; \`plan-assessor rules check\` lists them); fix them and run again`);
    throw err;
  }
  rulesets.set(dir, loaded);
  if (loaded.version !== version) throw new UnrecoverableError(`the rules in ${dir} changed after the run was queued (${version} then, ${loaded.version} now); run again to assess with the rules as they are now`);
  return loaded;
}
