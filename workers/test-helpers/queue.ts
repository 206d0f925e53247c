// Redis, worker processes and checks for the queue tests. Redis comes from REDIS_URL (CI starts one and
// sets REQUIRE_SERVICES=1); without REDIS_URL a private redis-server is started, or the test
// fails saying what is missing. Tests never skip. Every test uses its own queue prefix and
// removes its keys afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { sha256 } from '../../pipeline/extract/index.js';
import type { Queues } from '../queue.js';
import { loadRuleset, type Ruleset } from '../../pipeline/rules/load.js';
import { checkRedis } from '../connection.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer { url: string; stop(signal?: NodeJS.Signals): Promise<void>; start(): Promise<void> }

/** A redis-server of our own on a spare loopback port; with `aof`, every write is on disk
 * before it is acknowledged, so a restart (even after SIGKILL) keeps every job. */
export async function startRedisServer(opts: { aof?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = tmpDir('redis');
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--maxmemory-policy', 'noeviction',
    ...(opts.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
  let proc: ChildProcess | undefined;
  const server: RedisServer = {
    url,
    async start() {
      proc = spawn('redis-server', args, { stdio: 'ignore' });
      const failed = new Promise<never>((_, reject) => proc!.once('error', (e) => reject(new Error(`cannot start redis-server (${e.message}); install it (apt-get install redis-server) or set REDIS_URL`))));
      await Promise.race([failed, waitFor(async () => { await checkRedis(url, 500); return true; }, 10_000, 'redis-server to answer')]);
    },
    async stop(signal = 'SIGTERM') {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill(signal); });
    },
  };
  await server.start();
  return server;
}

let privateRedis: Promise<RedisServer> | undefined;

/** The Redis the queue tests run against. */
export async function testRedis(): Promise<string> {
  const url = process.env.REDIS_URL;
  if (url) {
    await checkRedis(url); // an unreachable REDIS_URL fails the test
    return url;
  }
  if (process.env.REQUIRE_SERVICES === '1') throw new Error('REQUIRE_SERVICES=1 but REDIS_URL is not set; .ci/run starts Redis and sets it');
  privateRedis ??= startRedisServer();
  return (await privateRedis).url;
}

export async function stopPrivateRedis(): Promise<void> {
  if (privateRedis) await (await privateRedis).stop();
  privateRedis = undefined;
}

let counter = 0;
export const uniquePrefix = (name: string) => `pa-test-${name}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

/** Deletes every key under the prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally { r.disconnect(); }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WorkerProcess { pid: number; name: string; output: () => string; kill(signal: NodeJS.Signals): Promise<void>; stop(): Promise<void> }

/** `plan-assessor worker` in a process group of its own (its sandbox children included), so a
 * test can SIGKILL the lot as a crash would. */
export function spawnWorker(url: string, prefix: string, extra: string[] = []): WorkerProcess {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const cli = new URL('../../cli/main.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', tsx, cli, 'worker', '--redis', url, '--prefix', prefix, ...extra], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (b) => { out += b; });
  child.stderr!.on('data', (b) => { out += b; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    name: `${hostname()}:${child.pid}`,
    output: () => out,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
      await exited;
    },
    async stop() {
      // as an operator would: SIGTERM to the worker, which lets its jobs finish and ends its
      // children; whatever is left after 20 s is killed
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      }
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* the group is gone */ }
    },
  };
}

/** A copy of some force folders of a fixture drop, to keep a test small. */
export function copyForces(from: string, forces: string[]): string {
  const drop = tmpDir('drop');
  for (const f of forces) {
    cpSync(join(from, f), join(drop, f), { recursive: true });
    // fixtures are read-only; the copies must not be, so tests can add and remove files
    chmodSync(join(drop, f), 0o755);
    for (const e of readdirSync(join(drop, f))) chmodSync(join(drop, f, e), 0o644);
  }
  return drop;
}


const made: string[] = [];
export function tmpDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `pa-${name}-`));
  made.push(d);
  return d;
}
/** Removes every folder tmpDir made (and the copies of drops). */
export function removeTmpDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A long, dull PDF (a fleet appendix: no words the rules look for) that takes a worker a few
 * seconds to read, so a test can act while its job is in progress. */
export async function longPdf(pages: number): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve) => {
    const d = new PDFDocument({ size: 'A4', margin: 60, info: { CreationDate: new Date(Date.UTC(2017, 4, 30)) } });
    const chunks: Buffer[] = [];
    d.on('data', (c: Buffer) => chunks.push(c));
    d.on('end', () => resolve(Buffer.concat(chunks)));
    for (let p = 1; p <= pages; p++) {
      if (p > 1) d.addPage();
      d.fontSize(14).text(`Appendix F: fleet schedule, sheet ${p}`).moveDown().fontSize(10);
      for (let l = 1; l <= 12; l++) d.text(`Vehicle ${p}-${l} is booked for tyres and brakes at the ${l % 2 ? 'north' : 'south'} depot in week ${(p + l) % 52 + 1}.`);
    }
    d.end();
  });
}

/** How many times each job of a queue completed, from the queue's event stream. */
export async function completions(url: string, prefix: string, queue: string): Promise<Map<string, number>> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const seen = new Map<string, number>();
    for (const [, fields] of await r.xrange(`${prefix}:${queue}:events`, '-', '+')) {
      const f = new Map<string, string>();
      for (let i = 0; i < fields.length; i += 2) f.set(fields[i], fields[i + 1]);
      if (f.get('event') === 'completed') seen.set(f.get('jobId')!, (seen.get(f.get('jobId')!) ?? 0) + 1);
    }
    return seen;
  } finally { r.disconnect(); }
}

/** Every output but the DOCX letters (zip timestamps) must be the same bytes in both modes. */
export function expectSameOutputs(queued: string, embedded: string): void {
  const files = ['findings.json', 'findings.csv', 'overview.md', 'index.html', 'run.json', ...readdirSync(join(embedded, 'letters')).filter((f) => f.endsWith('.md')).map((f) => `letters/${f}`)];
  for (const f of files) expect(readFileSync(join(queued, f), 'utf8'), f).toBe(readFileSync(join(embedded, f), 'utf8'));
  expect(readdirSync(join(queued, 'letters')).sort()).toEqual(readdirSync(join(embedded, 'letters')).sort());
}

/** Jobs under the prefix, by state, over the three queues. */
export async function counts(queues: Queues): Promise<Record<string, number>> {
  const total: Record<string, number> = {};
  for (const q of queues.all) for (const [k, v] of Object.entries(await q.getJobCounts())) total[k] = (total[k] ?? 0) + v;
  return total;
}
export const jobsIn = (c: Record<string, number>) => Object.values(c).reduce((a, n) => a + n, 0);

/** Jobs a run should have, counted from its files: one per run, per force, and per distinct
 * content within each force. */
export function expectedJobs(drop: string): number {
  const forces = readdirSync(drop);
  return 1 + forces.length + forces.reduce((a, f) => a + new Set(readdirSync(join(drop, f)).map((x) => sha256(readFileSync(join(drop, f, x))))).size, 0);
}

/** The rules as they are now, copied: others may edit rules/ while a test runs, and a run
 * refuses to mix two rule sets. */
export function snapshotRules(): Ruleset {
  const dir = tmpDir('rules');
  cpSync(new URL('../../rules', import.meta.url).pathname, dir, { recursive: true });
  return loadRuleset(dir);
}
