// The embedded runner: discover → extract (thread pool, cached by content hash) → assess each
// force → write the outputs. The queued mode (workers/queue.ts) runs the same processors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractedDocument, Findings } from '../pipeline/schemas.js';
import { sha256, DEFAULT_LIMITS, type ExtractLimits } from '../pipeline/extract/index.js';
import { assessAnalysed, type ForceResult } from '../pipeline/assess.js';
import { analyse, type DocumentAnalysis } from '../pipeline/analyse.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import { discover, type SubmittedForce } from './discover.js';
import { ThreadPool } from './pool.js';
import type { AnalyseOutcome, AnalyseSetup, AnalyseTask } from './analyse-thread.js';
import { writeOutputs } from '../reports/write.js';
import type { RunManifest } from './manifest.js';

export interface RunOptions {
  submissions: string;
  out: string;
  reviewDate: string;
  ruleset: Ruleset;
  limits?: ExtractLimits;
  threads?: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface RunResult { findings: Findings; results: ForceResult[]; timings: Record<string, number>; cachedDocuments: number }

export async function runEmbedded(opts: RunOptions): Promise<RunResult> {
  const { forces, warnings } = discover(opts.submissions);
  const cacheDir = join(opts.out, 'cache');
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const setup: AnalyseSetup = { rules: opts.ruleset.rules, reviewDate: opts.reviewDate };
  const pool = analysePool(setup, opts.threads);
  const total = forces.reduce((a, f) => a + f.files.length, 0);
  let done = 0;
  let cached = 0;
  let extractCpu = 0;
  const t0 = performance.now();
  try {
    // Threads extract and analyse (segment and match) each document; each force is judged and
    // drafted as soon as its own documents are back, while the threads go on with the others.
    let t1 = t0;
    const perForce = await Promise.all(forces.map(async (force) => {
      const analysed = await Promise.all(force.files.map(async (f) => {
        let out: { sha256: string; analysis: DocumentAnalysis };
        try {
          const r = await pool.run({ path: f.path, file: f.file, limits, cacheDir });
          if (r.status !== 'analysed') throw new Error('the file could not be read');
          if (r.extracted !== 'now') cached++;
          extractCpu += r.extractMs;
          out = r;
        } catch (err) {
          out = crashed(f.path, f.file, err as Error);
        }
        opts.onProgress?.(++done, total, `${force.slug}/${f.file}`);
        return out;
      }));
      t1 = Math.max(t1, performance.now());
      const result = assessAnalysed({ slug: force.slug, name: force.name, warnings: force.warnings, analyses: analysed.map((a) => a.analysis) }, opts.ruleset);
      return { shas: analysed.map((a) => a.sha256), result };
    }));
    const results = perForce.map((x) => x.result);
    const t2 = performance.now();
    const manifest = manifestOf(forces, perForce.map((x) => x.shas), opts, warnings);
    const findings = await writeOutputs(opts.out, results.map((r) => r.assessment), opts.reviewDate, opts.ruleset, manifest);
    const t3 = performance.now();
    const sum = (k: 'segment' | 'match' | 'judge') => results.reduce((a, r) => a + r.timings[k], 0);
    return {
      findings, results, cachedDocuments: cached,
      // wall times (extract: until the last document is back; render) and thread/CPU times
      // summed over documents and forces (extractCpu, segment, match, judge)
      timings: { extract: t1 - t0, extractCpu, segment: sum('segment'), match: sum('match'), judge: sum('judge'), render: t3 - t2, total: t3 - t0 },
    };
  } finally {
    await pool.close();
  }
}

/** The thread pool that extracts and analyses documents with one ruleset and review date. */
export function analysePool(setup: AnalyseSetup, threads?: number): ThreadPool<AnalyseTask, AnalyseOutcome> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'; // tsx in development, dist in production
  return new ThreadPool<AnalyseTask, AnalyseOutcome>(new URL(`./analyse-thread${ext}`, import.meta.url), threads, setup);
}

/** A document whose extraction crashed its thread: listed as unreadable, with the reason. */
function crashed(path: string, file: string, err: Error): { sha256: string; analysis: DocumentAnalysis } {
  let sha = '';
  let bytes = 0;
  try { const b = readFileSync(path); sha = sha256(b); bytes = b.length; } catch { /* vanished: the reason says so */ }
  const doc: ExtractedDocument = { file, sha256: sha, bytes, format: 'unknown', status: 'unreadable', notes: [`extraction crashed: ${err.message}`], parts: [], meta: {}, extractor: 'none' };
  return { sha256: sha, analysis: analyse(doc, [], new Date(0)).analysis };
}

function manifestOf(forces: SubmittedForce[], shas: string[][], opts: RunOptions, warnings: string[]): RunManifest {
  return {
    reviewDate: opts.reviewDate,
    rulesDir: opts.ruleset.dir,
    warnings,
    forces: forces.map((f, i) => ({ slug: f.slug, name: f.name, warnings: f.warnings, documents: f.files.map((d, j) => ({ file: d.file, sha256: shas[i][j] })) })),
  };
}

