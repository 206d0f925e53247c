// `plan-assessor rules check|test|schema`: what a reviewer who edits rule files runs. A thin
// adapter over pipeline/rules/{check,examples}.ts; `test --coverage` also runs the fixture
// drops through the embedded runner (extraction cached under --work) to see which rules fire.
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkRules, ruleJsonSchemaText } from '../pipeline/rules/check.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import type { Rule } from '../pipeline/rules/schema.js';
import type { Segment } from '../pipeline/schemas.js';
import { DEFAULT_RULES, PROJECT_ROOT, UsageError } from './main.js';

/** Ends a command with exit status 1 once it has printed why; main() maps commander's errors
 * to their exit code without printing anything more. */
class Failed extends CommanderError {
  constructor() { super(1, 'commander.rules.failed', ''); }
}

const DEFAULT_FIXTURES = ['fixtures/devset/submissions', 'fixtures/dev/submissions'];

function load(dir: string | undefined): Ruleset {
  const rulesDir = resolve(dir ?? DEFAULT_RULES);
  if (!existsSync(rulesDir)) throw new UsageError(`The rules folder "${dir ?? rulesDir}" does not exist. Give the folder that holds items.yaml with --rules <dir>.`);
  const r = checkRules(rulesDir);
  if (r.ok) return r.ruleset;
  console.log(r.errors.join('\n'));
  console.log(`${r.errors.length} problem${r.errors.length === 1 ? '' : 's'} in ${dir ?? 'rules'}. Fix ${r.errors.length === 1 ? 'it' : 'them'} and run \`plan-assessor rules check\` again.`);
  throw new Failed();
}

export function rulesCommand(): Command {
  const rules = new Command('rules').description('check, test and describe the rule files (see rules/README.md)');

  rules.command('check')
    .description('validate every rule file; lists each problem as file:line:col key: what is wrong. what to write instead')
    .option('--rules <dir>', 'rules folder (default: the project\'s rules/)')
    .action((o: { rules?: string }) => {
      const ruleset = load(o.rules);
      const stage = ruleset.rules.filter((r) => r.item === null).length;
      console.log(`${o.rules ?? 'rules'}: ${ruleset.rules.length} rules (${ruleset.rules.length - stage} item rules, ${stage} stage cues), items.yaml, outcome.yaml and letter.yaml are valid. Ruleset ${ruleset.version}.`);
    });

  rules.command('test')
    .description('run every rule\'s examples: a hit must match, a miss must not, a known_gap must not match yet; ends with "N passed, M failed"')
    .option('--rules <dir>', 'rules folder (default: the project\'s rules/)')
    .option('--coverage', 'also fail a rule with no hit example or that never fires on the fixture submissions')
    .option('--fixtures <dirs...>', 'submissions folders read by --coverage', DEFAULT_FIXTURES)
    .option('--work <dir>', 'where --coverage keeps its fixture runs and their extraction cache', 'runs/rules-coverage')
    .option('--verbose', 'list every example, not only failures')
    .action(async (o: { rules?: string; coverage?: boolean; fixtures: string[]; work: string; verbose?: boolean }) => {
      const ruleset = load(o.rules);
      const { formatResult, summary, testRule } = await import('../pipeline/rules/examples.js');
      let passed = 0;
      let failed = 0;
      for (const rule of ruleset.rules) {
        const results = testRule(rule);
        const bad = results.filter((r) => !r.passed);
        passed += results.length - bad.length;
        failed += bad.length;
        console.log(`${bad.length ? 'FAIL' : 'ok  '} ${rule.id} (${counts(rule)})`);
        for (const r of o.verbose ? results : bad) console.log(indent(formatResult(r)));
      }
      if (o.coverage) {
        const firings = await fixtureFirings(ruleset, o.fixtures, o.work);
        const weak = coverageFailures(ruleset.rules, firings);
        console.log(`coverage: ${ruleset.rules.length - weak.length} of ${ruleset.rules.length} rules have a hit example and fire on ${o.fixtures.join(', ')}`);
        for (const w of weak) console.log(`FAIL ${w}`);
        passed += ruleset.rules.length - weak.length;
        failed += weak.length;
      }
      console.log(summary(passed, failed));
      if (failed) throw new Failed();
    });

  rules.command('schema')
    .description('print the JSON Schema of a rule file (generated from pipeline/rules/schema.ts), or write it to <rules>/schema.json')
    .option('--rules <dir>', 'rules folder whose schema.json --write and --check use (default: the project\'s rules/)')
    .option('--write', 'write it to <rules>/schema.json')
    .option('--check', 'exit 1 when <rules>/schema.json differs from the schema generated now')
    .action((o: { rules?: string; write?: boolean; check?: boolean }) => {
      const file = join(resolve(o.rules ?? DEFAULT_RULES), 'schema.json');
      const text = ruleJsonSchemaText();
      if (o.write) { writeFileSync(file, text); console.log(`wrote ${file}`); return; }
      if (o.check) {
        if (existsSync(file) && readFileSync(file, 'utf8') === text) { console.log(`${file} is up to date`); return; }
        console.log(`${file} is out of date; run \`plan-assessor rules schema --write\` (or npm run rules:schema)`);
        throw new Failed();
      }
      process.stdout.write(text);
    });

  return rules;
}

function counts(rule: Rule): string {
  const e = rule.examples;
  return [`${e.hit.length} hit`, `${e.miss.length} miss`, e.known_gap.length && `${e.known_gap.length} known gap${e.known_gap.length === 1 ? '' : 's'}`].filter(Boolean).join(', ');
}

const indent = (s: string) => s.split('\n').map((l) => `  ${l}`).join('\n');

/** Each rule's firings on the fixture drops, read as a run reads them. The runs go under
 * `work`, so their extraction cache makes a second --coverage quick. */
async function fixtureFirings(ruleset: Ruleset, fixtures: string[], work: string): Promise<Map<string, number>> {
  const documents: Segment[][] = [];
  for (const f of fixtures) {
    const submissions = existsSync(resolve(f)) ? resolve(f) : resolve(PROJECT_ROOT, f);
    if (!existsSync(submissions)) throw new UsageError(`The fixtures folder "${f}" does not exist. Give submissions folders with --fixtures <dir...>.`);
    const out = resolve(work, `${basename(dirname(submissions))}-${basename(submissions)}`);
    const [{ runEmbedded }, { EXAMPLE_REVIEW_DATE }] = await Promise.all([import('../workers/run.js'), import('../pipeline/rules/examples.js')]);
    const result = await runEmbedded({ submissions, out, reviewDate: EXAMPLE_REVIEW_DATE, ruleset });
    for (const r of result.results) for (const s of r.segmented) documents.push(s.segments);
  }
  return (await import('../pipeline/rules/examples.js')).ruleFirings(ruleset.rules, documents);
}

/** Coverage problems, one line per rule: no hit example, or no firing on the fixtures. */
export function coverageFailures(rules: Rule[], firings: Map<string, number>): string[] {
  const out: string[] = [];
  for (const r of rules) {
    if (!r.examples.hit.length) out.push(`${r.id} coverage: no hit example. Add a passage it must match under examples: hit:`);
    else if (!firings.get(r.id)) out.push(`${r.id} coverage: never fires on the fixtures. Check its words against the fixture documents, or remove the rule`);
  }
  return out;
}

