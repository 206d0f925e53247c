// The embedded runner: discover → extract (thread pool, cached by content hash) → assess each
// force → write the outputs. The queued mode (workers/queue.ts) runs the same processors.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractedDocument, Findings } from '../pipeline/schemas.js';
import { sha256, extractorId, DEFAULT_LIMITS, type ExtractLimits } from '../pipeline/extract/index.js';
import { assessForce, type ForceResult } from '../pipeline/assess.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import { discover, type SubmittedForce } from './discover.js';
import { ExtractCache } from './cache.js';
import { ThreadPool } from './pool.js';
import type { ExtractTask } from './extract-thread.js';
import { writeOutputs } from '../reports/write.js';

export interface RunOptions {
  submissions: string;
  out: string;
  reviewDate: string;
  ruleset: Ruleset;
  limits?: ExtractLimits;
  threads?: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface RunManifest {
  reviewDate: string;
  rulesDir: string;
  forces: { slug: string; name: string; warnings: string[]; documents: { file: string; sha256: string }[] }[];
  warnings: string[];
}

export interface RunResult { findings: Findings; results: ForceResult[]; timings: Record<string, number>; cachedDocuments: number }

export async function runEmbedded(opts: RunOptions): Promise<RunResult> {
  const { forces, warnings } = discover(opts.submissions);
  const cache = new ExtractCache(join(opts.out, 'cache', 'extract'));
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'; // tsx in development, dist in production
  const pool = new ThreadPool<ExtractTask, ExtractedDocument>(new URL(`./extract-thread${ext}`, import.meta.url), opts.threads);
  const total = forces.reduce((a, f) => a + f.files.length, 0);
  let done = 0;
  let cached = 0;
  const t0 = performance.now();
  try {
    // Each force is assessed as soon as its own documents are extracted, so the main thread's
    // segmenting and matching overlaps the threads' extraction of the other forces.
    let t1 = t0;
    const perForce = await Promise.all(forces.map(async (force) => {
      const docs = await Promise.all(force.files.map(async (f) => {
        const bytes = readFileSync(f.path);
        const sha = sha256(bytes);
        let doc = cache.get(sha, f.file);
        if (doc && doc.extractor !== extractorId(limits)) doc = undefined; // made under other limits, or without OCR
        if (doc) cached++;
        else {
          try {
            doc = await pool.run({ path: f.path, file: f.file, limits });
          } catch (err) {
            doc = { file: f.file, sha256: sha, bytes: bytes.length, format: 'unknown', status: 'unreadable', notes: [`extraction crashed: ${(err as Error).message}`], parts: [], meta: {}, extractor: 'none' };
          }
          if (doc.extractor !== 'none') cache.put(doc);
        }
        opts.onProgress?.(++done, total, `${force.slug}/${f.file}`);
        return doc;
      }));
      t1 = Math.max(t1, performance.now());
      return { docs, result: assessForce({ slug: force.slug, name: force.name, documents: docs, warnings: force.warnings }, opts.ruleset, opts.reviewDate) };
    }));
    const extracted = perForce.map((x) => x.docs);
    const results = perForce.map((x) => x.result);
    const t2 = performance.now();
    const manifest = manifestOf(forces, extracted, opts, warnings);
    const findings = await writeOutputs(opts.out, results.map((r) => r.assessment), opts.reviewDate, opts.ruleset, manifest);
    const t3 = performance.now();
    const sum = (k: 'segment' | 'match' | 'judge') => results.reduce((a, r) => a + r.timings[k], 0);
    return { findings, results, cachedDocuments: cached, timings: { extract: t1 - t0, segment: sum('segment'), match: sum('match'), judge: sum('judge'), render: t3 - t2 } };
  } finally {
    await pool.close();
  }
}

function manifestOf(forces: SubmittedForce[], extracted: ExtractedDocument[][], opts: RunOptions, warnings: string[]): RunManifest {
  return {
    reviewDate: opts.reviewDate,
    rulesDir: opts.ruleset.dir,
    warnings,
    forces: forces.map((f, i) => ({ slug: f.slug, name: f.name, warnings: f.warnings, documents: extracted[i].map((d) => ({ file: d.file, sha256: d.sha256 })) })),
  };
}

export function readManifest(runDir: string): RunManifest {
  return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
}

export function writeManifest(runDir: string, m: RunManifest): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(m, null, 2)}\n`);
}
