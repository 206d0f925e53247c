#!/usr/bin/env node
// plan-assessor: the command line. A thin adapter: parse and check arguments, call the
// pipeline or the workers, print. Every command has --help. Commands load what they run when
// they run it, so one command (a rescore, a worker) does not start up every other one's
// libraries (the queue, the review server, the browser).
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRuleset, RuleErrors, type Ruleset } from '../pipeline/rules/load.js';
import { Labels } from '../pipeline/schemas.js';
import { DEFAULT_LIMITS } from '../pipeline/extract/index.js';
import { Progress } from './progress.js';
import { registerQueueCommands, runInMode } from './queue.js';
import { reviewCommand } from './review.js';
import { rulesCommand } from './rules.js';
import { rescoreCommand } from './rescore.js';

process.env.DOTENV_CONFIG_QUIET ??= 'true';

export const PROJECT_ROOT = [fileURLToPath(new URL('..', import.meta.url)), fileURLToPath(new URL('../..', import.meta.url))]
  .find((d) => existsSync(join(d, 'rules', 'items.yaml'))) ?? process.cwd();
export const DEFAULT_RULES = join(PROJECT_ROOT, 'rules');

export class UsageError extends Error {}

export function reviewDateArg(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw new InvalidArgumentError(`expected a date as YYYY-MM-DD (for example 2017-06-01), got "${v}"`);
  }
  return v;
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number above 0, got "${v}"`);
  return n;
};

export function folderArg(v: string, what: string): string {
  const p = resolve(v);
  if (!existsSync(p) || !statSync(p).isDirectory()) throw new UsageError(`${what} "${v}" is not a folder. Give the folder that holds one sub-folder per force.`);
  return p;
}

export function rulesArg(dir: string | undefined): Ruleset {
  try {
    return loadRuleset(resolve(dir ?? DEFAULT_RULES));
  } catch (err) {
    if (err instanceof RuleErrors) throw new UsageError(`${err.message}\nFix these and run again; \`plan-assessor rules check\` lists them.`);
    throw err;
  }
}

export function program(): Command {
  const cli = new Command('plan-assessor')
    .description('First-pass assessment of forces\' APSP plans: evidence-backed draft findings, letters and a national overview.')
    .showHelpAfterError('(run with --help for usage)');

  cli.command('run')
    .description('assess every force folder in <submissions-dir> and write findings.json, letters, overview and a triage page')
    .argument('<submissions-dir>', 'folder with one sub-folder per force (named by its slug)')
    .requiredOption('--out <dir>', 'folder to write the run into')
    .option('--review-date <YYYY-MM-DD>', 'the date progress is judged at', reviewDateArg, '2017-06-01')
    .option('--rules <dir>', 'rules folder', undefined)
    .option('--threads <n>', 'extraction threads (default: one per core)', positiveInt)
    .option('--max-pages <n>', 'pages read from one PDF', positiveInt, DEFAULT_LIMITS.maxPages)
    .option('--max-bytes <n>', 'bytes of one document', positiveInt, DEFAULT_LIMITS.maxBytes)
    .option('--timeout <seconds>', 'seconds one document may take', positiveInt, DEFAULT_LIMITS.timeoutMs / 1000)
    .option('--max-unzipped-bytes <n>', 'bytes one file may expand to, with everything inside it (ZIP bombs)', positiveInt, DEFAULT_LIMITS.maxUnzippedBytes)
    .option('--max-depth <n>', 'archives and e-mails opened inside each other', positiveInt, DEFAULT_LIMITS.maxDepth)
    .option('--max-entries <n>', 'files read from one archive or e-mail', positiveInt, DEFAULT_LIMITS.maxEntries)
    .option('--no-ocr', 'do not recognise scanned pages with tesseract (they are listed as needs_ocr)')
    .option('--redis <url>', 'queue the run on BullMQ through this Redis for `plan-assessor worker`s (default: $REDIS_URL; neither: embedded, no server)')
    .option('--prefix <prefix>', 'queue key prefix, as given to the workers (queued mode)')
    .action(async (dir: string, o) => {
      const submissions = folderArg(dir, 'The submissions folder');
      const ruleset = rulesArg(o.rules);
      const limits = { ...DEFAULT_LIMITS, maxPages: o.maxPages, maxBytes: o.maxBytes, timeoutMs: o.timeout * 1000, maxUnzippedBytes: o.maxUnzippedBytes, maxDepth: o.maxDepth, maxEntries: o.maxEntries, ocr: o.ocr };
      const progress = new Progress();
      const result = await runInMode(o, { submissions, out: resolve(o.out), reviewDate: o.reviewDate, ruleset, limits, threads: o.threads, onProgress: progress.update });
      progress.done();
      const f = result.findings;
      const notRead = f.forces.flatMap((x) => x.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate').map((d) => `${x.force}/${d.file}: ${d.status}: ${d.notes.join('; ')}`));
      console.log(`Assessed ${f.forces.length} forces, ${f.forces.reduce((a, x) => a + x.documents.length, 0)} documents (${result.cachedDocuments} from cache) → ${resolve(o.out)}`);
      if (notRead.length) console.log(`Documents not read (${notRead.length}):\n  ${notRead.join('\n  ')}`);
    });

  cli.command('eval')
    .description('run the assessment and compare it with labelled verdicts: agreement, confusion matrices, calibration, disagreements')
    .argument('<submissions-dir>', 'folder with one sub-folder per force')
    .option('--labels <file>', 'labels JSON: [{force, national_strategy, ccu_capability, it_monitoring, partner_relationships, category}] (default: labels.json beside the submissions folder)')
    .option('--review-date <YYYY-MM-DD>', 'the date progress is judged at', reviewDateArg, '2017-06-01')
    .option('--rules <dir>', 'rules folder')
    .option('--out <dir>', 'where to write the run (default: a folder under runs/)')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, o) => {
      const submissions = folderArg(dir, 'The submissions folder');
      const labelsPath = resolve(o.labels ?? join(submissions, '..', 'labels.json'));
      if (!existsSync(labelsPath)) throw new UsageError(`No labels file at ${labelsPath}. Pass --labels <file>.`);
      const parsed = Labels.safeParse(JSON.parse(readFileSync(labelsPath, 'utf8')));
      if (!parsed.success) throw new UsageError(`${labelsPath} is not a labels file: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const ruleset = rulesArg(o.rules);
      const out = resolve(o.out ?? join('runs', `eval-${submissions.split('/').slice(-2).join('-')}`));
      const [{ runEmbedded }, { evaluate, formatEval }] = await Promise.all([import('../workers/run.js'), import('./eval.js')]);
      const result = await runEmbedded({ submissions, out, reviewDate: o.reviewDate, ruleset });
      const report = evaluate(result.findings, parsed.data);
      console.log(o.json ? JSON.stringify(report, null, 2) : formatEval(report));
    });

  cli.addCommand(reviewCommand());
  cli.addCommand(rulesCommand());
  cli.addCommand(rescoreCommand());
  registerQueueCommands(cli);
  return cli;
}

export async function main(argv = process.argv): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) { console.error(`plan-assessor: ${err.message}`); return 2; }
    const e = err as { code?: string; exitCode?: number };
    if (e.code?.startsWith('commander.')) return e.exitCode ?? 2;
    console.error(`plan-assessor: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().then((code) => { process.exitCode = code; });
}
