// The assess and overview jobs: thin adapters around pipeline/assess.ts and reports/write.ts,
// so a queued run writes exactly what an embedded run writes.
// - assess (one per force) waits for its documents' extract jobs, reads their results from the
//   run's content-hash cache, assesses the force and writes the assessment beside the cache;
// - overview (one per run) waits for every force and writes findings.json, letters, overview,
//   triage page and run.json with `writeOutputs`.
// Both run in the worker's own process: they take milliseconds to a few seconds, well inside a
// job's lock. Each returns a small summary; quotes and text stay on the run's disk.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { assessForce } from '../pipeline/assess.js';
import { loadRuleset, RuleErrors, type Ruleset } from '../pipeline/rules/load.js';
import { ForceAssessment, type ExtractedDocument } from '../pipeline/schemas.js';
import { writeOutputs } from '../reports/write.js';
import { ExtractCache } from './cache.js';
import type { RunManifest } from './run.js';
import {
  AssessJob, AssessSummary, ExtractSummary, OverviewJob, assessmentPath, extractCacheDir,
  type DocumentRef, type OverviewSummary,
} from './processors-jobs.js';

/** A job whose children are not all done yet (it was retried by hand before them) goes back
 * to waiting for them instead of running on partial results. */
async function waitForChildren(job: Job, token: string | undefined): Promise<void> {
  if (token && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
}

export async function processAssess(job: Job, token?: string): Promise<AssessSummary> {
  await waitForChildren(job, token);
  const data = AssessJob.parse(job.data);
  const ruleset = rulesetFor(data.rulesDir, data.rulesetVersion);
  const summaries = Object.values(await job.getChildrenValues()).map((v) => ExtractSummary.parse(v));
  const cachedShas = new Set(summaries.filter((s) => s.cached).map((s) => s.sha256));
  // An extract job that failed for good (after its retries) does not hold up its force: the
  // document is listed as unreadable with the reason, and the failed job is kept for `jobs retry`.
  const failures = new Map(Object.entries(await job.getIgnoredChildrenFailures()).map(([key, reason]) => [key.split(':').pop()!.split('.')[1], reason]));
  const cache = new ExtractCache(extractCacheDir(data.out));
  let incomplete = 0;
  const documents = data.force.documents.map((d) => {
    const doc = cache.get(d.sha256, d.file);
    if (doc) return doc;
    const reason = failures.get(d.sha256);
    if (reason === undefined) throw new Error(`the extraction of ${data.force.slug}/${d.file} is not in ${extractCacheDir(data.out)}; every worker must see the run folder at that same path`);
    incomplete++;
    return notRead(d, reason);
  });
  const { assessment } = assessForce({ slug: data.force.slug, name: data.force.name, documents, warnings: data.force.warnings }, ruleset, data.reviewDate);
  writeJson(assessmentPath(data.out, data.run, data.force.slug), assessment);
  const cached = data.force.documents.filter((d) => cachedShas.has(d.sha256)).length;
  return { force: data.force.slug, category: assessment.category, documents: documents.length, cached, incomplete };
}

export async function processOverview(job: Job, token?: string): Promise<OverviewSummary> {
  await waitForChildren(job, token);
  const data = OverviewJob.parse(job.data);
  const ruleset = rulesetFor(data.rulesDir, data.rulesetVersion);
  const summaries = Object.values(await job.getChildrenValues()).map((v) => AssessSummary.parse(v));
  // Written by this run's assess jobs; checked against the schema, passed on as written so the
  // bytes of findings.json match the embedded mode's.
  const assessments = data.forces.map((f) => {
    const raw = JSON.parse(readFileSync(assessmentPath(data.out, data.run, f.slug), 'utf8')) as ForceAssessment;
    ForceAssessment.parse(raw);
    return raw;
  });
  const manifest: RunManifest = {
    reviewDate: data.reviewDate,
    rulesDir: ruleset.dir,
    warnings: data.warnings,
    forces: data.forces.map((f) => ({ slug: f.slug, name: f.name, warnings: f.warnings, documents: f.documents.map((d) => ({ file: d.file, sha256: d.sha256 })) })),
  };
  await writeOutputs(data.out, assessments, data.reviewDate, ruleset, manifest);
  const sum = (k: 'documents' | 'cached' | 'incomplete') => summaries.reduce((a, s) => a + s[k], 0);
  return { forces: data.forces.length, documents: sum('documents'), cached: sum('cached'), incomplete: sum('incomplete') };
}

// Rule sets by folder, loaded once per worker process. The run names the version it was queued
// with; if the folder now holds other rules, assessing with them would mix two rule sets in one
// run, so the job fails at once and says so.
const rulesets = new Map<string, Ruleset>();
function rulesetFor(dir: string, version: string): Ruleset {
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

function notRead(d: DocumentRef, reason: string): ExtractedDocument {
  return {
    file: d.file, sha256: d.sha256, bytes: 0, format: 'unknown', status: 'unreadable', parts: [], meta: {}, extractor: 'none',
    notes: [`could not be read: ${reason}; once that is fixed, run the same command again (documents already read are not read again)`],
  };
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}
