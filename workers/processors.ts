// The assess and overview jobs: thin adapters around workers/assess-cached.ts and
// reports/write.ts, so a queued run writes exactly what an embedded run writes.
// - assess (one per force) waits for its documents' extract jobs, whose children extracted and
//   analysed each document into the run's content-hash caches; it reads the analyses (passages
//   and rule hits, not the text), judges the force and writes the assessment beside the caches;
// - overview (one per run) waits for every force and writes findings.json, letters, overview,
//   triage page and run.json with `writeOutputs`.
// Both run in the worker's own process: they take milliseconds to a few seconds, well inside a
// job's lock. Each returns a small summary; quotes and text stay on the run's disk.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WaitingChildrenError, type Job } from 'bullmq';
import { ForceAssessment, type ExtractedDocument } from '../pipeline/schemas.js';
import { letterFiles, writeOutputs, type LetterFiles } from '../reports/write.js';
import { assessCached } from './assess-cached.js';
import type { RunManifest } from './manifest.js';
import {
  AssessJob, AssessSummary, ExtractSummary, OverviewJob, assessmentPath, cacheDir, letterPath,
  type DocumentRef, type OverviewSummary,
} from './processors-jobs.js';
import { rulesetFor } from './processors-rules.js';

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
  const { assessment, missing, unread } = await assessCached({
    slug: data.force.slug, name: data.force.name, warnings: data.force.warnings, cacheDir: cacheDir(data.out),
    documents: data.force.documents.map((d) => {
      const reason = failures.get(d.sha256);
      return { ...d, unread: reason === undefined ? undefined : notRead(d, reason) };
    }),
  }, { ruleset, reviewDate: data.reviewDate });
  if (missing.length) throw new Error(`the analysis of ${data.force.slug}/${missing[0]} is not in ${cacheDir(data.out)}; every worker must see the run folder at that same path`);
  // the letter now, while other workers still extract: the overview job runs alone at the end
  const letter = await letterFiles(assessment, data.reviewDate, ruleset.letter);
  writeAtomic(letterPath(data.out, data.run, data.force.slug, 'md'), letter.md);
  writeAtomic(letterPath(data.out, data.run, data.force.slug, 'docx'), letter.docx);
  writeJson(assessmentPath(data.out, data.run, data.force.slug), assessment);
  const cached = data.force.documents.filter((d) => cachedShas.has(d.sha256)).length;
  return { force: data.force.slug, category: assessment.category, documents: data.force.documents.length, cached, incomplete: unread };
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
  // the letters the assess jobs made (an assess job of an earlier version made none: made here)
  const letters = new Map<string, Promise<LetterFiles>>();
  for (const f of data.forces) {
    try {
      letters.set(f.slug, Promise.resolve({ md: readFileSync(letterPath(data.out, data.run, f.slug, 'md'), 'utf8'), docx: readFileSync(letterPath(data.out, data.run, f.slug, 'docx')) }));
    } catch { /* made by writeOutputs */ }
  }
  await writeOutputs(data.out, assessments, data.reviewDate, ruleset, manifest, letters);
  const sum = (k: 'documents' | 'cached' | 'incomplete') => summaries.reduce((a, s) => a + s[k], 0);
  return { forces: data.forces.length, documents: sum('documents'), cached: sum('cached'), incomplete: sum('incomplete') };
}

function notRead(d: DocumentRef, reason: string): ExtractedDocument {
  return {
    file: d.file, sha256: d.sha256, bytes: 0, format: 'unknown', status: 'unreadable', parts: [], meta: {}, extractor: 'none',
    notes: [`could not be read: ${reason}; once that is fixed, run the same command again (documents already read are not read again)`],
  };
}

function writeJson(path: string, value: unknown): void {
  writeAtomic(path, JSON.stringify(value));
}

function writeAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
