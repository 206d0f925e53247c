// The queued mode: the same run as runEmbedded (workers/run.ts), as a BullMQ flow that any number
// of `plan-assessor worker` processes, on any number of machines, share through one Redis:
//
//   overview (one per run) ─waits on─▶ assess (one per force) ─waits on─▶ extract (one per document)
//
// An extract job, in a child process of the worker, extracts and analyses its document (as an
// embedded run's thread does) into the run's caches; the assess job judges the force from the
// analyses; the overview job writes the outputs.
//
// Contracts:
// - Same outputs as the embedded mode: the processors reuse `runTask` (workers/analyse-thread.ts),
//   `assessAnalysed` and `writeOutputs`, and the same content-hash caches (`<out>/cache/extract/`
//   and `<out>/cache/analysis/`).
// - Idempotent: a run's id hashes its inputs (files' sha256, rules version, review date, limits,
//   extractor version, output folder), and job ids derive from it; queuing the same run again
//   attaches to it. A finished run that left documents unread, or failed, is queued afresh; its
//   extractions come from the cache, so only what failed is done again.
// - Survives crashes: a killed worker's jobs are taken up by another once their lock lapses; a
//   Redis restart (AOF on) pauses everyone, and the run goes on once it is back.
// - Job payloads and results carry references and hashes only, never document text.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FlowProducer, Queue, Worker, type FlowJob, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DEFAULT_LIMITS, EXTRACTOR_VERSION, sha256 } from '../pipeline/extract/index.js';
import { Findings } from '../pipeline/schemas.js';
import { discover } from './discover.js';
import type { RunOptions, RunResult } from './run.js';
import { DEFAULT_PREFIX, QUEUE_NAMES, checkRedis, displayUrl, producerClient, workerConnection } from './connection.js';
import { processAssess, processOverview } from './processors.js';
import {
  OverviewSummary, jobIds, sha, type AssessJob, type ExtractJob, type ForceRef, type OverviewJob,
} from './processors-jobs.js';

export interface QueueTarget {
  redis: string;
  /** Key prefix of the queues (default plan-assessor). */
  prefix?: string;
}

/** Attempts and the first back-off delay for transient failures; later delays double. */
export interface RetryPolicy { attempts: number; backoffMs: number }
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 2000 };

export interface QueuedRunOptions extends RunOptions, QueueTarget {
  retry?: RetryPolicy;
  /** How often the wait loop looks at the run (default 500 ms). */
  pollMs?: number;
  /** Start workers in this process when none is listening (default true), so a run on a
   * Redis with no workers yet still finishes. Their concurrency is `threads`. */
  localWorkers?: boolean;
  /** One-line notices for the operator: queued, attached, Redis away and back. */
  onNotice?: (line: string) => void;
}

export interface QueuedRunResult extends Pick<RunResult, 'findings' | 'cachedDocuments' | 'timings'> {
  run: string;
  /** Documents that failed for good after their retries (listed as unreadable, with the reason). */
  incomplete: number;
}

export class RunFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailed';
    this.stack = message; // the CLI prints the stack of unexpected errors; this one is expected
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: discover the drop and hash every file. Pure apart from reading the files.

export interface PlannedDocument { file: string; path: string; sha256: string; bytes: number }
export interface RunPlan {
  run: string;
  out: string;
  reviewDate: string;
  rulesDir: string;
  rulesetVersion: string;
  limits: Record<string, number | boolean>;
  warnings: string[];
  forces: (Omit<ForceRef, 'documents'> & { documents: PlannedDocument[] })[];
}

export function planRun(opts: Pick<RunOptions, 'submissions' | 'out' | 'reviewDate' | 'ruleset' | 'limits'>): RunPlan {
  const { forces, warnings } = discover(opts.submissions);
  const limits = { ...(opts.limits ?? DEFAULT_LIMITS) } as unknown as Record<string, number | boolean>;
  const planned = forces.map((f) => ({
    slug: f.slug, name: f.name, warnings: f.warnings,
    documents: f.files.map((x) => { const bytes = readFileSync(x.path); return { file: x.file, path: x.path, sha256: sha256(bytes), bytes: bytes.length }; }),
  }));
  const base = { out: resolve(opts.out), reviewDate: opts.reviewDate, rulesDir: opts.ruleset.dir, rulesetVersion: opts.ruleset.version, limits, warnings };
  const run = sha(JSON.stringify({ v: 1, extractor: EXTRACTOR_VERSION, ...base, forces: planned })).slice(0, 16);
  return { run, ...base, forces: planned };
}

const documentCount = (plan: RunPlan) => plan.forces.reduce((a, f) => a + f.documents.length, 0);

/** The run as a BullMQ flow. Documents with the same content within a force share one job.
 * Extract jobs are taken largest file first, whatever their force: the long documents start
 * early and the short ones fill in at the end, so workers finish together instead of one
 * working alone through a 400-page PDF while the others wait. */
export function flowOf(plan: RunPlan, retry: RetryPolicy = DEFAULT_RETRY): FlowJob {
  const keep: JobsOptions = {
    removeOnComplete: { age: 7 * 24 * 3600 }, // a week: re-running the same drop attaches to it
    removeOnFail: { age: 30 * 24 * 3600 }, // a month: for `plan-assessor jobs failed / retry`
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
  };
  const ref = { run: plan.run, out: plan.out, reviewDate: plan.reviewDate, rulesDir: plan.rulesDir, rulesetVersion: plan.rulesetVersion };
  const forces: ForceRef[] = plan.forces.map((f) => ({ slug: f.slug, name: f.name, warnings: f.warnings, documents: f.documents.map((d) => ({ file: d.file, sha256: d.sha256 })) }));
  const overview: OverviewJob = { ...ref, warnings: plan.warnings, forces };
  const priority = extractPriorities(plan);
  return {
    name: `overview ${plan.out}`, queueName: QUEUE_NAMES.overview, data: overview, opts: { ...keep, jobId: jobIds.overview(plan.run) },
    children: plan.forces.map((f, i) => {
      const assess: AssessJob = { ...ref, force: forces[i] };
      // one job per content, under the name assessment keeps as the original (the first)
      const unique = [...new Map([...f.documents].sort((x, y) => y.file.localeCompare(x.file)).map((d) => [d.sha256, d])).values()];
      return {
        name: `assess ${f.slug}`, queueName: QUEUE_NAMES.assess, data: assess,
        // a force that cannot be assessed fails the run: its findings would be missing
        opts: { ...keep, jobId: jobIds.assess(plan.run, f.slug), failParentOnFailure: true },
        children: unique.map((d) => {
          const extract: ExtractJob = { ...ref, force: f.slug, file: d.file, path: d.path, sha256: d.sha256, extractor: EXTRACTOR_VERSION, limits: plan.limits };
          return {
            name: `extract ${f.slug}/${d.file}`, queueName: QUEUE_NAMES.extract, data: extract,
            // a document that still fails after its retries does not hold up its force; it is
            // listed as unreadable with the reason, and the failed job is kept
            opts: { ...keep, jobId: jobIds.extract(plan.run, f.slug, d.sha256, EXTRACTOR_VERSION), ignoreDependencyOnFailure: true, priority: priority(d) },
          };
        }),
      };
    }),
  };
}

/** BullMQ priorities (1 is taken first) by file size, largest first; equal sizes keep the
 * plan's order. */
function extractPriorities(plan: RunPlan): (d: PlannedDocument) => number {
  const bySize = plan.forces.flatMap((f) => f.documents).sort((a, b) => b.bytes - a.bytes);
  const rank = new Map<PlannedDocument, number>(bySize.map((d, i) => [d, i + 1]));
  return (d) => rank.get(d)!;
}

// ---------------------------------------------------------------------------------------------
// Queues, for producers and the CLI.

export interface Queues {
  prefix: string;
  client: Redis;
  extract: Queue;
  assess: Queue;
  overview: Queue;
  flow: FlowProducer;
  all: Queue[];
  close(): Promise<void>;
}

export function openQueues(target: QueueTarget, onError: (err: Error) => void = () => {}): Queues {
  const prefix = target.prefix ?? DEFAULT_PREFIX;
  const client: Redis = producerClient(target.redis, onError);
  const queue = (name: string) => new Queue(name, { connection: client, prefix }).on('error', onError);
  const extract = queue(QUEUE_NAMES.extract);
  const assess = queue(QUEUE_NAMES.assess);
  const overview = queue(QUEUE_NAMES.overview);
  const flow = new FlowProducer({ connection: client, prefix }).on('error', onError);
  const all = [extract, assess, overview];
  return {
    prefix, client, extract, assess, overview, flow, all,
    async close() {
      await Promise.allSettled([...all.map((q) => q.close()), flow.close()]);
      client.disconnect();
    },
  };
}

/** Queues the run, unless it is already queued or running ('attached') or finished with nothing
 * left to do ('done'). A failed run, or one that left documents unread, is queued afresh. */
export async function enqueueRun(plan: RunPlan, queues: Queues, retry?: RetryPolicy): Promise<'created' | 'attached' | 'done' | 'requeued'> {
  const existing = await queues.overview.getJob(jobIds.overview(plan.run));
  if (existing) {
    const state = await existing.getState();
    const summary = OverviewSummary.safeParse(existing.returnvalue);
    const stale = state === 'failed' || state === 'unknown'
      || (state === 'completed' && (!summary.success || summary.data.incomplete > 0 || !existsSync(join(plan.out, 'findings.json'))));
    if (!stale) return state === 'completed' ? 'done' : 'attached';
    await existing.remove({ removeChildren: true });
    await queues.flow.add(flowOf(plan, retry));
    return 'requeued';
  }
  await queues.flow.add(flowOf(plan, retry));
  return 'created';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often the wait loop asks whether the run has ended (progress: every `pollMs`). */
const END_POLL_MS = 100;

/** Waits for the run's overview job, reporting progress in documents; rides out Redis outages. */
export async function waitForRun(plan: RunPlan, queues: Queues, opts: { pollMs?: number; retry?: RetryPolicy; onProgress?: RunOptions['onProgress']; onNotice?: (line: string) => void; onPoll?: () => Promise<void>; timeoutMs?: number } = {}): Promise<OverviewSummary> {
  const total = plan.forces.reduce((a, f) => a + new Set(f.documents.map((d) => d.sha256)).size, 0);
  const read = new Map<string, number>(); // documents read, per force
  const settled = new Set<string>(); // forces with every document read
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  let away: string | undefined;
  let requeued = 0;
  let lastPoll = 0;
  for (;;) {
    try {
      const id = jobIds.overview(plan.run);
      const state = await queues.overview.getJobState(id);
      if (away) { opts.onNotice?.('Redis is back; the run goes on'); away = undefined; }
      if (state === 'unknown') {
        // Only a Redis that lost its data (no AOF) or an operator's clean-up removes a live run.
        if (++requeued > 3) throw new RunFailed(`the run's jobs keep disappearing from Redis; is it running without persistence (appendonly yes) or with an eviction policy other than noeviction?`);
        opts.onNotice?.(`the run's jobs are no longer in Redis (restarted without persistence?); queuing them again`);
        await enqueueRun(plan, queues, opts.retry);
        continue;
      }
      if (state === 'completed' || state === 'failed') {
        const job = await queues.overview.getJob(id);
        if (state === 'completed' && job) return OverviewSummary.parse(job.returnvalue);
        if (job) {
          // "child … failed" says little; name what failed underneath, and why
          const causes = (await listFailed(queues)).filter((f) => f.id.includes(plan.run) && f.queue !== 'overview').slice(0, 3).map((f) => `\n  ${f.name}: ${f.reason}`).join('');
          throw new RunFailed(`the run failed: ${job.failedReason}${causes}\n\`plan-assessor jobs failed\` lists the failed jobs; fix the cause, then \`plan-assessor jobs retry --all\` or run the same command again.`);
        }
      }
      // the run's end is looked for often (it is one cheap call); progress less often
      if (Date.now() - lastPoll < (opts.pollMs ?? 500)) { await sleep(Math.min(END_POLL_MS, opts.pollMs ?? 500)); continue; }
      lastPoll = Date.now();
      await opts.onPoll?.();
      if (opts.onProgress) {
        for (const f of plan.forces) {
          if (settled.has(f.slug)) continue;
          const assess = await queues.assess.getJob(jobIds.assess(plan.run, f.slug));
          if (!assess) continue;
          const c = await assess.getDependenciesCount();
          read.set(f.slug, (c.processed ?? 0) + (c.ignored ?? 0) + (c.failed ?? 0));
          if (!c.unprocessed) settled.add(f.slug);
        }
        const done = [...read.values()].reduce((a, n) => a + n, 0);
        opts.onProgress(Math.min(done, total), total, `${settled.size}/${plan.forces.length} forces read`);
      }
    } catch (err) {
      if (err instanceof RunFailed || err instanceof z.ZodError) throw err;
      const msg = (err as Error).message;
      if (!away) opts.onNotice?.(`Redis is unreachable (${msg}); waiting for it to come back`);
      away = msg;
    }
    if (Date.now() > deadline) throw new RunFailed(`the run did not finish within ${opts.timeoutMs} ms${away ? ` (Redis: ${away})` : ''}`);
    await sleep(Math.min(END_POLL_MS, opts.pollMs ?? 500));
  }
}

/** The queued run: plan, queue (or attach), make sure someone works on it, wait, read the
 * outputs the overview job wrote. */
export async function runQueued(opts: QueuedRunOptions): Promise<QueuedRunResult> {
  const t0 = performance.now();
  await checkRedis(opts.redis);
  const plan = planRun(opts);
  const notice = opts.onNotice ?? (() => {});
  const errors = new Set<string>();
  const queues = openQueues(opts, (err) => { if (!errors.has(err.message)) { errors.add(err.message); notice(`Redis: ${err.message}`); } });
  let local: WorkerHost | undefined;
  let looked = 0;
  // Whoever listened when the run was queued may stop before it ends (another `run`'s own
  // workers, a scaled-down pool), so this looks again every few seconds.
  const keepSomeoneWorking = async () => {
    if (local || opts.localWorkers === false || Date.now() - looked < 5000 || queues.client.status !== 'ready') return;
    looked = Date.now();
    // a Redis that refuses CLIENT LIST (some managed ones) counts as nobody listening
    const listening = await Promise.all(queues.all.map((q) => q.getWorkersCount())).then((n) => Math.min(...n), () => 0);
    if (listening > 0) return;
    local = await startWorkers({ redis: opts.redis, prefix: opts.prefix, concurrency: opts.threads });
    notice('no worker is listening; working on the run in this process too (start more with `plan-assessor worker`)');
  };
  try {
    const how = await enqueueRun(plan, queues, opts.retry);
    const said = { created: 'queued', attached: 'was already queued; waiting for it', done: 'was already done; its outputs are as it wrote them', requeued: 'queued again (documents read before come from the cache)' };
    notice(`run ${plan.run} ${said[how]}: ${plan.forces.length} forces, ${documentCount(plan)} documents on ${displayUrl(opts.redis)} (prefix ${queues.prefix})`);
    if (how !== 'done') await keepSomeoneWorking();
    const t1 = performance.now();
    const summary = await waitForRun(plan, queues, { pollMs: opts.pollMs, retry: opts.retry, onProgress: opts.onProgress, onNotice: notice, onPoll: keepSomeoneWorking });
    const findings = Findings.parse(JSON.parse(readFileSync(join(plan.out, 'findings.json'), 'utf8')));
    return { run: plan.run, findings, cachedDocuments: summary.cached, incomplete: summary.incomplete, timings: { plan: t1 - t0, queued: performance.now() - t1 } };
  } finally {
    await local?.close();
    await queues.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Workers.

export interface WorkerHostOptions extends QueueTarget {
  /** Extract jobs at once, each in its own child process (default: one per core). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a dead worker's jobs return after it. */
  lockMs?: number;
  /** How often to look for jobs whose worker died (default 30 s). */
  stalledMs?: number;
  /** Names this worker in Redis (`processedBy`) and the dashboard; default host:pid. */
  name?: string;
  log?: (line: string) => void;
}

export interface WorkerHost { workers: Worker[]; close(): Promise<void> }

/** The sandboxed extract processor: the .ts source under tsx (its children get tsx's loader,
 * which vitest's do not have on their own), the compiled .js from dist/. Its children may call
 * gc() (processors-sandbox.ts: after a long document). */
function sandboxed(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./processors-sandbox${ts ? '.ts' : '.js'}`, import.meta.url));
  const execArgv = [...process.execArgv, '--expose-gc'];
  if (ts && !process.execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href);
  return { file, execArgv };
}

export async function startWorkers(opts: WorkerHostOptions): Promise<WorkerHost> {
  const log = opts.log ?? (() => {});
  const common = {
    connection: workerConnection(opts.redis),
    prefix: opts.prefix ?? DEFAULT_PREFIX,
    lockDuration: opts.lockMs ?? 30_000,
    stalledInterval: opts.stalledMs ?? 30_000,
    maxStalledCount: 2,
    name: opts.name ?? `${hostname()}:${process.pid}`,
  };
  const { file, execArgv } = sandboxed();
  const workers = [
    new Worker(QUEUE_NAMES.extract, file, { ...common, concurrency: opts.concurrency ?? availableParallelism(), useWorkerThreads: false, workerForkOptions: { execArgv } }),
    new Worker(QUEUE_NAMES.assess, processAssess, { ...common, concurrency: 1 }),
    new Worker(QUEUE_NAMES.overview, processOverview, { ...common, concurrency: 1 }),
  ];
  const lastError = new Map<string, number>();
  for (const w of workers) {
    w.on('error', (err) => {
      // reconnect attempts repeat the same error; say it once every 10 s
      const k = `${w.name}:${err.message}`;
      if (Date.now() - (lastError.get(k) ?? 0) < 10_000) return;
      lastError.set(k, Date.now());
      log(`${w.name} worker: ${err.message}`);
    });
    w.on('failed', (job: Job | undefined, err: Error) => {
      const retrying = job && job.attemptsMade < (job.opts.attempts ?? 1) && err.name !== 'UnrecoverableError';
      log(`${retrying ? 'will retry' : 'failed'} ${job?.name ?? w.name} (attempt ${job?.attemptsMade ?? '?'} of ${job?.opts.attempts ?? 1}): ${err.message}`);
    });
    w.on('completed', (job: Job) => log(`done ${job.name}${describe(job.returnvalue)}`));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    // Lets active jobs finish (their children too), then disconnects.
    close: async () => { await Promise.all(workers.map((w) => w.close())); },
  };
}

function describe(r: unknown): string {
  const v = r as { status?: string; pages?: number; cached?: boolean; category?: string; forces?: number; documents?: number } | null;
  if (!v) return '';
  if (v.status) return `: ${v.status}${v.pages ? `, ${v.pages} pages` : ''}${v.cached ? ' (cached)' : ''}`;
  if (v.category) return `: ${v.category}`;
  if (v.forces !== undefined) return `: ${v.forces} forces, ${v.documents} documents`;
  return '';
}

// ---------------------------------------------------------------------------------------------
// Failed jobs: list and replay.

export interface FailedJob { queue: string; id: string; name: string; reason: string; attempts: number; failedAt?: string }

export async function listFailed(queues: Queues, limit = 1000): Promise<FailedJob[]> {
  const rows: FailedJob[] = [];
  for (const q of queues.all) {
    for (const j of await q.getFailed(0, limit - 1)) {
      if (!j?.id) continue;
      rows.push({ queue: q.name, id: j.id, name: j.name, reason: j.failedReason, attempts: j.attemptsMade, failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined });
    }
  }
  return rows;
}

export class NoSuchJob extends Error {}

/** Replays failed jobs with their full number of attempts: one by id, or all of them, documents
 * before forces before runs (a parent retried before its children waits for them). */
export async function retryFailed(queues: Queues, which: { id: string } | 'all'): Promise<string[]> {
  const retried: string[] = [];
  const again = async (j: Job) => { await j.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }); retried.push(j.id!); };
  if (which === 'all') {
    for (const q of queues.all) for (const j of await q.getFailed(0, -1)) if (j?.id) await again(j);
    return retried;
  }
  for (const q of queues.all) {
    const j = await q.getJob(which.id);
    if (!j) continue;
    const state = await j.getState();
    if (state !== 'failed') throw new NoSuchJob(`job ${which.id} is ${state}, not failed; only failed jobs are retried`);
    await again(j);
    return retried;
  }
  throw new NoSuchJob(`there is no job ${which.id} under the prefix ${queues.prefix}; \`plan-assessor jobs failed\` lists the failed ones`);
}

// ---------------------------------------------------------------------------------------------
// Dashboard (bull-board), for `plan-assessor dashboard` or any Express app that mounts it.

/** bull-board over the run's queues. Read-only unless `allowRetries`; even then the only
 * change it lets through is retrying failed jobs (no clean, remove, promote or pause). */
export async function dashboardRouter(queues: Queues, opts: { allowRetries?: boolean; basePath?: string } = {}) {
  const { createBullBoard } = await import('@bull-board/api');
  const { BullMQAdapter } = await import('@bull-board/api/bullMQAdapter');
  const { ExpressAdapter } = await import('@bull-board/express');
  const { default: express } = await import('express');
  const allowRetries = opts.allowRetries === true;
  const server = new ExpressAdapter().setBasePath(opts.basePath ?? '/');
  createBullBoard({
    queues: queues.all.map((q) => new BullMQAdapter(q, { readOnlyMode: !allowRetries, allowRetries, ...{ allowCompletedRetries: false } })),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'plan-assessor jobs' } },
  });
  const retry = /^\/api\/queues\/[^/]+\/(retry\/failed|[^/]+\/retry)$/;
  const router = express.Router();
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || (allowRetries && req.method === 'PUT' && retry.test(req.path))) return next();
    res.status(405).json({ error: allowRetries ? 'this dashboard only retries failed jobs' : 'this dashboard is read-only; start it with --allow-retries to retry failed jobs' });
  });
  router.use(server.getRouter());
  return router;
}

/** Serves the dashboard on loopback only. Requests naming another host are refused, so a web
 * page cannot reach it through DNS rebinding. */
export async function serveDashboard(queues: Queues, opts: { port: number; allowRetries: boolean }) {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  let port = opts.port;
  app.use((req, res, next) => {
    const ok = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(req.headers.host ?? '');
    if (ok) next(); else res.status(421).send('This dashboard answers only to 127.0.0.1 and localhost.');
  });
  app.use(await dashboardRouter(queues, { allowRetries: opts.allowRetries }));
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}/` };
}
