// The queued mode's commands: `worker`, `jobs failed`, `jobs retry <id>|--all`, `dashboard`.
// Thin adapters over workers/queue.ts; `run --redis` lives with `run` in cli/main.ts.
import { availableParallelism, hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PREFIX, RedisUnavailable, RedisUrlError, checkRedis, displayUrl, redisUrlFrom } from '../workers/connection.js';
import type { RunOptions } from '../workers/run.js';
import { UsageError } from './main.js';

const queue = () => import('../workers/queue.js');

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number above 0, got "${v}"`);
  return n;
};

const REDIS_HELP = 'Redis URL, e.g. redis://127.0.0.1:6379 (default: $REDIS_URL)';
const PREFIX_HELP = 'key prefix of the queues; workers and runs must agree';

/** The Redis URL of a command, checked by connecting once; problems are usage errors (exit 2). */
export async function redisArg(option: string | undefined): Promise<string> {
  const url = redisUrlFrom(option);
  if (!url) throw new UsageError('no Redis given: pass --redis redis://host:port or set REDIS_URL');
  try {
    await checkRedis(url);
  } catch (err) {
    if (err instanceof RedisUnavailable || err instanceof RedisUrlError) throw new UsageError(err.message);
    throw err;
  }
  return url;
}

const stamp = (line: string) => console.error(`${new Date().toISOString()} ${line}`);

export function registerQueueCommands(cli: Command): void {
  cli.command('worker')
    .description('work on queued runs (extract, assess, overview jobs) until stopped with Ctrl-C or SIGTERM; start as many as you like, on any machine that sees the same folders')
    .option('--redis <url>', REDIS_HELP)
    .option('--prefix <prefix>', PREFIX_HELP, DEFAULT_PREFIX)
    .option('--concurrency <n>', 'documents extracted at once, each in its own process (default: one per core)', positiveInt)
    .option('--lock-ms <ms>', 'job lock; a dead worker\'s jobs go to another after this long', positiveInt, 30_000)
    .option('--stalled-ms <ms>', 'how often to look for jobs of dead workers', positiveInt, 30_000)
    .option('--quiet', 'log only failures and warnings')
    .action(async (o) => {
      const redis = await redisArg(o.redis);
      const concurrency = o.concurrency ?? availableParallelism();
      const name = `${hostname()}:${process.pid}`;
      const { startWorkers } = await queue();
      const host = await startWorkers({
        redis, prefix: o.prefix, concurrency, lockMs: o.lockMs, stalledMs: o.stalledMs, name,
        log: (line) => { if (!o.quiet || !line.startsWith('done ')) stamp(line); },
      });
      stamp(`worker ${name} is listening on ${displayUrl(redis)} (prefix ${o.prefix}), extracting ${concurrency} document${concurrency === 1 ? '' : 's'} at once`);
      // Graceful shutdown: the first SIGINT/SIGTERM lets active jobs finish, a second one quits.
      await new Promise<void>((resolve, reject) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) { stamp(`${signal} again: quitting now; unfinished jobs go to another worker once their lock lapses`); process.exit(130); }
          stopping = true;
          stamp(`${signal}: finishing active jobs, then stopping (send it again to quit at once)`);
          host.close().then(resolve, reject);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      stamp('worker stopped');
    });

  const jobs = cli.command('jobs').description('failed jobs of queued runs: list them, replay them');
  jobs.command('failed')
    .description('list failed jobs with their reason (kept for 30 days)')
    .option('--redis <url>', REDIS_HELP)
    .option('--prefix <prefix>', PREFIX_HELP, DEFAULT_PREFIX)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const { openQueues, listFailed } = await queue();
      const queues = openQueues({ redis: await redisArg(o.redis), prefix: o.prefix });
      try {
        const rows = await listFailed(queues);
        if (o.json) console.log(JSON.stringify(rows, null, 2));
        else if (!rows.length) console.log('No failed jobs.');
        else {
          console.log(`${rows.length} failed job${rows.length === 1 ? '' : 's'} (retry one with \`plan-assessor jobs retry <id>\`, or all with --all):`);
          for (const r of rows) console.log(`${r.id}\n  ${r.name} · ${r.attempts} attempt${r.attempts === 1 ? '' : 's'} · ${r.failedAt ?? ''}\n  ${r.reason}`);
        }
      } finally { await queues.close(); }
    });
  jobs.command('retry')
    .description('replay a failed job by id, or every failed job with --all (documents first, then forces, then runs)')
    .argument('[id]', 'job id, as `plan-assessor jobs failed` lists it')
    .option('--all', 'retry every failed job')
    .option('--redis <url>', REDIS_HELP)
    .option('--prefix <prefix>', PREFIX_HELP, DEFAULT_PREFIX)
    .action(async (id: string | undefined, o) => {
      if (!id === !o.all) throw new UsageError('give either a job id or --all');
      const { openQueues, retryFailed, NoSuchJob } = await queue();
      const queues = openQueues({ redis: await redisArg(o.redis), prefix: o.prefix });
      try {
        const retried = await retryFailed(queues, o.all ? 'all' : { id: id! });
        console.log(retried.length ? `Retried ${retried.length} job${retried.length === 1 ? '' : 's'}; workers take them up now. Run the same \`plan-assessor run\` again to rewrite its outputs.` : 'No failed jobs.');
      } catch (err) {
        if (err instanceof NoSuchJob) throw new UsageError(err.message);
        throw err;
      } finally { await queues.close(); }
    });

  cli.command('dashboard')
    .description('serve the queue dashboard (bull-board) on 127.0.0.1; read-only unless --allow-retries')
    .option('--redis <url>', REDIS_HELP)
    .option('--prefix <prefix>', PREFIX_HELP, DEFAULT_PREFIX)
    .option('--port <n>', 'port on 127.0.0.1', (v) => (v === '0' ? 0 : positiveInt(v)), 3030)
    .option('--allow-retries', 'let the dashboard retry failed jobs (and nothing else)')
    .action(async (o) => {
      const { openQueues, serveDashboard } = await queue();
      const queues = openQueues({ redis: await redisArg(o.redis), prefix: o.prefix });
      const { server, url } = await serveDashboard(queues, { port: o.port, allowRetries: o.allowRetries === true });
      console.log(`Queue dashboard on ${url} (${o.allowRetries ? 'retries allowed' : 'read-only'}); Ctrl-C stops it.`);
      await new Promise<void>((resolve) => {
        const stop = () => { server.close(() => { void queues.close().then(resolve); }); server.closeAllConnections(); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** `run` in the mode its options ask for: queued when --redis or REDIS_URL names a Redis,
 * embedded otherwise. Both write the same outputs. */
export async function runInMode(o: { redis?: string; prefix?: string }, opts: RunOptions) {
  if (!redisUrlFrom(o.redis)) return (await import('../workers/run.js')).runEmbedded(opts);
  const redis = await redisArg(o.redis);
  // Ctrl-C stops the waiting, not the run: it stays queued for the workers
  const stop = () => {
    console.error('\nplan-assessor: stopped waiting. The run stays queued: `plan-assessor worker`s carry on with it, and the same command again waits for it (and works on it if no worker is listening).');
    process.exit(130);
  };
  process.once('SIGINT', stop);
  try {
    const { runQueued } = await queue();
    return await runQueued({ ...opts, redis, prefix: o.prefix, onNotice: (line) => console.error(`plan-assessor: ${line}`) });
  } finally { process.off('SIGINT', stop); }
}
