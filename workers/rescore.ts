// Rescore: judge a previous run again with the rules as they are now, from the run's cached
// extraction (`<run>/cache/extract/`, listed by `<run>/run.json`), without opening any
// submitted document. Writes the same outputs as a run (reports/write.ts) and `changes.json`:
// every verdict that moved, with the rules behind the move, so a reviewer sees what a rule
// change did before anyone reads a letter built on it.
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Ruleset } from '../pipeline/rules/load.js';
import { Findings, ITEMS, Item, type DocumentSummary, type ExtractedDocument } from '../pipeline/schemas.js';
import { letterFiles, writeOutputs, type LetterFiles } from '../reports/write.js';
import { readManifest, type RunManifest } from './manifest.js';
import type { AssessSetup, Exclusions, ForceOutcome, ForceTask } from './assess-cached.js';
import { ThreadPool } from './pool.js';

export const VerdictChange = z.object({
  force: z.string(),
  name: z.string(),
  item: z.union([Item, z.literal('category')]),
  from: z.string(),
  to: z.string(),
  /** The rules behind the change: rules that decide the verdict now but did not before, that
   * no longer decide it, and exclude rules that now set aside the passage that decided it. For
   * a category, `outcome.yaml`. When the same rules decide both ways (a weight, cap or
   * setting changed), the rules that decide it now. */
  rules: z.array(z.string()),
  /** rule ids cited by the deciding passage before and after */
  before: z.array(z.string()),
  after: z.array(z.string()),
  /** the passage that decides the verdict now, located, when there is one */
  evidence: z.string().optional(),
  /** for a category: the items whose change moved it */
  follows: z.array(Item).optional(),
});
export type VerdictChange = z.infer<typeof VerdictChange>;

export const Changes = z.object({
  schemaVersion: z.literal(1),
  reviewDate: z.string(),
  rulesetVersion: z.object({ from: z.string(), to: z.string() }),
  forces: z.number().int(),
  changed: z.array(VerdictChange),
});
export type Changes = z.infer<typeof Changes>;

export interface RescoreOptions {
  runDir: string;
  /** where to write the outputs (default: the run folder itself) */
  out?: string;
  /** the rules, or how to load them: loaded while the threads start (their modules take as
   * long to load as the rules) */
  ruleset: Ruleset | (() => Ruleset);
  /** threads to analyse with (default: all cores) */
  threads?: number;
}

export interface RescoreResult {
  previous: Findings;
  findings: Findings;
  changes: Changes;
  manifest: RunManifest;
  documents: number;
  timings: { load: number; assess: number; write: number };
}

/** A run folder's problem a user can fix: not a run, or its cache is incomplete. */
export class RescoreError extends Error {}

export async function rescoreRun(opts: RescoreOptions): Promise<RescoreResult> {
  const runDir = resolve(opts.runDir);
  const out = resolve(opts.out ?? runDir);
  const t0 = performance.now();
  const manifest = readRunManifest(runDir);
  const cacheDir = join(runDir, 'cache');
  // Each force is assessed in a thread, where its passages are read from the cache, so only
  // its assessment and exclusions come back (not the hundreds of thousands of passages). The
  // threads start now, loading their modules while this one reads the previous findings.
  let loaded!: (setup: AssessSetup) => void;
  const pool = assessPool(new Promise<AssessSetup>((resolve) => { loaded = resolve; }), opts.threads).warm();
  let ruleset: Ruleset;
  try {
    ruleset = typeof opts.ruleset === 'function' ? opts.ruleset() : opts.ruleset;
  } catch (err) {
    await pool.close();
    throw err;
  }
  loaded({ ruleset, reviewDate: manifest.reviewDate });
  let previous: Findings;
  let outcomes: ForceOutcome[];
  const letters = new Map<string, Promise<LetterFiles>>();
  let t1 = t0;
  try {
    previous = readFindings(runDir);
    const summaries = new Map(previous.forces.map((f) => [f.force, new Map(f.documents.map((d) => [d.file, d]))]));
    t1 = performance.now();
    // each document from its kept analysis (re-evaluating only changed rules), else from its
    // cached extraction; a document that was never read stands as the summary that says why.
    // The largest forces go first, so the threads finish together; each force's letter is
    // made here while the threads go on with the others (or taken from the run if unchanged).
    const bytes = keptBytes(join(cacheDir, 'analysis'));
    const size = (f: RunManifest['forces'][number]) => f.documents.reduce((a, d) => a + (bytes.get(d.sha256) ?? 0), 0);
    const order = manifest.forces.map((f, i) => ({ i, size: size(f) })).sort((a, b) => b.size - a.size || a.i - b.i);
    outcomes = new Array(manifest.forces.length);
    await Promise.all(order.map(async ({ i }) => {
      const force = manifest.forces[i];
      const o = await pool.run({
        slug: force.slug, name: force.name, warnings: force.warnings, cacheDir,
        documents: force.documents.map((d) => ({ ...d, unread: unreadDocument(summaries.get(force.slug)?.get(d.file), d) })),
      });
      outcomes[i] = o;
      const letter = letterFiles(o.assessment, manifest.reviewDate, ruleset.letter, runDir);
      letter.catch(() => {}); // a failure is thrown where writeOutputs awaits it
      letters.set(o.assessment.force, letter);
    }));
  } finally {
    await pool.close();
  }
  const missing = outcomes.flatMap((o, i) => o.missing.map((f) => `${manifest.forces[i].slug}/${f}`)).sort();
  if (missing.length) {
    throw new RescoreError(`${runDir} has no cached extraction of ${missing.length} document${missing.length === 1 ? '' : 's'} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), so it cannot be rescored without reading them again. Run \`plan-assessor run\` on the submissions instead (it reuses what is cached).`);
  }
  const t2 = performance.now();
  if (out !== runDir) linkTree(cacheDir, join(out, 'cache'));
  const findings = await writeOutputs(out, outcomes.map((o) => o.assessment), manifest.reviewDate, ruleset, { ...manifest, rulesDir: ruleset.dir }, letters);
  const changes: Changes = {
    schemaVersion: 1,
    reviewDate: manifest.reviewDate,
    rulesetVersion: { from: previous.rulesetVersion, to: findings.rulesetVersion },
    forces: findings.forces.length,
    changed: diffFindings(previous, findings, Object.fromEntries(outcomes.map((o, i) => [manifest.forces[i].slug, o.excluded]))),
  };
  writeFileSync(join(out, 'changes.json'), `${JSON.stringify(changes, null, 2)}\n`);
  const t3 = performance.now();
  const documents = manifest.forces.reduce((a, f) => a + f.documents.length, 0);
  return { previous, findings, changes, manifest, documents, timings: { load: t1 - t0, assess: t2 - t1, write: t3 - t2 } };
}

/** The thread pool that assesses whole forces from a run's caches. */
function assessPool(setup: AssessSetup | Promise<AssessSetup>, threads?: number): ThreadPool<ForceTask, ForceOutcome> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'; // tsx in development, dist in production
  return new ThreadPool<ForceTask, ForceOutcome>(new URL(`./assess-thread${ext}`, import.meta.url), threads, setup);
}

/** Bytes of the run's kept analyses by content hash (their file names start with it): roughly
 * what assessing each document from them costs. */
function keptBytes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { /* no analyses kept: every force costs the same */ }
  for (const name of names) {
    const sha = name.split('.')[0];
    try { out.set(sha, (out.get(sha) ?? 0) + statSync(join(dir, name)).size); } catch { /* gone meanwhile */ }
  }
  return out;
}

/** The run's caches for the new run folder: hard links where the file system allows (cache
 * files are written once, by rename, and never changed in place, so sharing them is safe and
 * copies no text), copies where it does not. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [join(from, e.name), join(to, e.name)];
    if (e.isDirectory()) { linkTree(src, dst); continue; }
    if (existsSync(dst)) continue;
    try { linkSync(src, dst); } catch { copyFileSync(src, dst); }
  }
}

function readRunManifest(runDir: string): RunManifest {
  for (const f of ['run.json', 'findings.json']) {
    if (!existsSync(join(runDir, f))) throw new RescoreError(`${runDir} is not a run folder: it has no ${f}. Give the --out folder of a previous \`plan-assessor run\`.`);
  }
  return readManifest(runDir);
}

function readFindings(runDir: string): Findings {
  const parsed = Findings.safeParse(JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')));
  if (!parsed.success) throw new RescoreError(`${join(runDir, 'findings.json')} is not a findings file this version can read (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`);
  return parsed.data;
}

/** A document that was not read (unreadable, unsupported, needs OCR) has no cached text; the
 * previous findings record its status and reasons, which is all an assessment uses of it. */
function unreadDocument(summary: DocumentSummary | undefined, ref: { file: string; sha256: string }): ExtractedDocument | undefined {
  if (!summary || summary.status === 'ok' || summary.status === 'duplicate') return undefined;
  return { file: ref.file, sha256: ref.sha256, bytes: 0, format: summary.format ?? 'unknown', status: summary.status, pages: summary.pages, notes: summary.notes, meta: {}, parts: [], extractor: 'none' };
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Every verdict that differs between two findings of the same forces, with the rules behind
 * each change. `excluded` (per force, what the new run's exclude rules set aside) names exclude
 * rules that set aside a passage that decided the old verdict. */
export function diffFindings(previous: Findings, next: Findings, excluded: Record<string, Exclusions> = {}): VerdictChange[] {
  const out: VerdictChange[] = [];
  for (const f of next.forces) {
    const old = previous.forces.find((p) => p.force === f.force);
    if (!old) continue;
    const moved: Item[] = [];
    for (const item of ITEMS) {
      const a = old.criteria[item];
      const b = f.criteria[item];
      if (a.status === b.status) continue;
      moved.push(item);
      const before = a.evidence[0]?.ruleIds ?? [];
      const after = b.evidence[0]?.ruleIds ?? [];
      const oldQuotes = new Set(a.evidence.map((e) => norm(e.quote)));
      const excludedBy = (excluded[f.force]?.[item] ?? [])
        .filter((x) => oldQuotes.has(norm(x.text)))
        .flatMap((x) => x.rules);
      const diff = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r)), ...excludedBy];
      const e = b.evidence[0];
      out.push({
        force: f.force,
        name: f.name,
        item,
        from: a.status,
        to: b.status,
        rules: [...new Set(diff.length ? diff : after.length ? after : before)].sort(),
        before,
        after,
        evidence: e ? `“${e.quote}” (${[e.document, e.page && `page ${e.page}`, e.sheet && `sheet ${e.sheet} row ${e.row}`, !e.page && !e.sheet && e.section].filter(Boolean).join(', ')})` : undefined,
      });
    }
    if (old.category !== f.category) {
      out.push({ force: f.force, name: f.name, item: 'category', from: old.category, to: f.category, rules: ['outcome.yaml'], before: [], after: [], follows: moved.filter((i) => i !== 'national_strategy') });
    }
  }
  return out;
}
