// `npm run bench`: builds (or reuses) the synthetic drop, then measures on this machine, in
// one run: the pdftotext baseline, the embedded run cold and warm, the queued run with 1 and
// 2 worker processes, rescore after a one-line rule change, peak memory of each process and
// of a worker extracting a 1,000-page PDF, and the time of each stage. Prints the tables and
// the ratios against the targets of issue 8, and writes bench/results.json.
// Usage: tsx bench/run.ts [--seed 2017] [--profile full|tiny] [--cache <dir>] [--results <file>]
//                         [--only baseline,embedded,queued,rescore,big] [--generate-only]
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { createServer, connect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CACHE, ensureDrop, PROFILES, type DropManifest } from './generate.js';
import { measure, start, type Measured, type Started } from './measure.js';
import { BenchResults, formatResults, ratios, ROW, type Row, type Stages } from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PDFTOTEXT = '/usr/bin/pdftotext';
const REDIS_SERVER = '/usr/bin/redis-server';

export interface BenchOptions {
  seed: number;
  profile: keyof typeof PROFILES;
  /** Where drops and run folders are kept (default bench/cache, git-ignored). */
  cacheRoot: string;
  resultsPath: string;
  log: (line: string) => void;
  /** Compile dist/ first (`always`, the default of `npm run bench`) or only when it is missing. */
  build?: 'always' | 'if-missing';
  /** The groups of rows to measure (default all); the others are listed as `skipped`. */
  only?: Group[];
}

export const GROUPS = ['baseline', 'embedded', 'queued', 'rescore', 'big'] as const;
export type Group = (typeof GROUPS)[number];

/** The CLI as users run it: bin/plan-assessor.js on the compiled dist/ (built first, see
 * build()). Not through tsx: under tsx every extraction thread loads its own TypeScript
 * loader, which costs about 0.5 GB and seconds of start-up per thread. */
const cli = (args: string[]): [string, string[]] => [process.execPath, [join(ROOT, 'bin', 'plan-assessor.js'), ...args]];

/** Compiles the checkout into dist/ (as `npm ci` does through `prepare`), so the bench measures
 * the current sources. Type errors are reported but do not stop it while dist/ was emitted. */
async function build(mode: 'always' | 'if-missing', log: (s: string) => void): Promise<void> {
  const entry = join(ROOT, 'dist', 'bench', 'embedded-child.js');
  if (mode === 'if-missing' && existsSync(entry) && existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return;
  const m = await start(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT }).done;
  if (m.code !== 0) {
    if (!existsSync(entry)) throw new Error(`the build failed and dist/ is incomplete:\n${m.stdout.slice(0, 2000)}`);
    log(`warning: tsc reported errors; measuring what it emitted:\n${m.stdout.split('\n').slice(0, 5).join('\n')}`);
  }
}

interface Available { queued: boolean; rescore: boolean }

async function available(): Promise<Available> {
  const help = (await measure(...cli(['--help']), { cwd: ROOT })).stdout;
  const runHelp = (await measure(...cli(['run', '--help']), { cwd: ROOT })).stdout;
  return {
    queued: /^\s+worker\b/m.test(help) && runHelp.includes('--redis'),
    rescore: /^\s+rescore\b/m.test(help),
  };
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((res) => {
    const c = connect(port, '127.0.0.1');
    c.on('error', () => res(false));
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (d) => { res(d.toString().startsWith('+PONG')); c.destroy(); });
  });
}

/** A throw-away redis-server on a free loopback port, without persistence; stop() ends it. */
async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install redis-server`);
  const port = await freePort();
  const r = start(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  for (let i = 0; i < 100 && !(await ping(port)); i++) await new Promise((w) => setTimeout(w, 50));
  if (!(await ping(port))) throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
  return { url: `redis://127.0.0.1:${port}`, stop: async () => { r.child.kill('SIGTERM'); await r.done; } };
}

/** Waits until a started process has printed `pattern` (or exits, or `ms` pass). */
async function waitForOutput(p: Started, pattern: RegExp, what: string, ms = 120_000): Promise<void> {
  const t0 = performance.now();
  while (!pattern.test(p.output())) {
    if (p.child.exitCode !== null) throw new Error(`${what} exited with ${p.child.exitCode}:\n${p.output().slice(-2000)}`);
    if (performance.now() - t0 > ms) throw new Error(`${what} did not start within ${ms / 1000} s:\n${p.output().slice(-2000)}`);
    await new Promise((w) => setTimeout(w, 50));
  }
}

/** One queued run: fresh Redis, `workers` worker processes that each extract one document at
 * a time (so 1 worker uses one core and 2 use two), then `run --redis` over the drop. The run's
 * time starts when every worker is listening. Memory is per worker: the largest sum over a
 * worker process and its sandboxed children. */
async function queuedRun(submissions: string, out: string, workers: number): Promise<{ run: Measured; workerTreeMb: number }> {
  const redis = await startRedis();
  const ws = Array.from({ length: workers }, () => start(...cli(['worker', '--redis', redis.url, '--concurrency', '1', '--quiet']), { cwd: ROOT }));
  try {
    for (const [i, w] of ws.entries()) await waitForOutput(w, /is listening/, `worker ${i + 1}`);
    rmSync(out, { recursive: true, force: true });
    const run = await measure(...cli(['run', submissions, '--out', out, '--redis', redis.url]), { cwd: ROOT });
    for (const w of ws) w.child.kill('SIGTERM');
    const ended = await Promise.all(ws.map((w) => w.done));
    return { run, workerTreeMb: Math.max(...ended.map((e) => e.treeRssMb)) };
  } finally {
    for (const w of ws) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await redis.stop();
  }
}

async function embeddedRun(submissions: string, out: string, threads?: number): Promise<{ run: Measured; stages: Stages; statuses: Record<string, number>; cached: number }> {
  const timingsFile = join(out, 'bench-timings.json');
  mkdirSync(out, { recursive: true });
  const run = await measure(process.execPath, [join(ROOT, 'dist', 'bench', 'embedded-child.js'), submissions, out, timingsFile, ...(threads ? [String(threads)] : [])], { cwd: ROOT });
  const t = JSON.parse(readFileSync(timingsFile, 'utf8')) as { timings: Stages; statuses: Record<string, number>; cachedDocuments: number };
  return { run, stages: t.timings, statuses: t.statuses, cached: t.cachedDocuments };
}

/** Copies the rules folder and changes one line of one rule (a `within:` distance, else a
 * weight), as a reviewer would; returns the copy's path. */
export function changedRules(dest: string): { dir: string; change: string } {
  rmSync(dest, { recursive: true, force: true });
  // rule files only: a copied *.test.ts would be picked up by tsc and vitest under bench/
  cpSync(join(ROOT, 'rules'), dest, { recursive: true, filter: (src) => !/\.[cm]?[jt]s$/.test(src) });
  const files = (readdirSync(dest, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort();
  for (const [re, to] of [[/within: (\d+)/, (n: string) => `within: ${Number(n) + 2}`], [/weight: (\d+(?:\.\d+)?)/, (n: string) => `weight: ${Number(n) + 1}`]] as const) {
    for (const f of files) {
      const p = join(dest, f);
      const text = readFileSync(p, 'utf8');
      const m = re.exec(text);
      if (!m) continue;
      const line = to(m[1]);
      writeFileSync(p, text.replace(re, line));
      return { dir: dest, change: `${f}: "${m[0]}" → "${line}"` };
    }
  }
  throw new Error('no rule has a `within:` or `weight:` line to change');
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const drop: DropManifest = await ensureDrop({ seed: o.seed, profile: o.profile, cacheRoot: o.cacheRoot, log: o.log });
  await build(o.build ?? 'always', o.log);
  const loadBefore = loadavg()[0];
  if (loadBefore > cpus().length / 2) o.log(`warning: the load average is ${loadBefore.toFixed(1)} on ${cpus().length} cores; other work will slow the figures down`);
  const dropRoot = join(o.cacheRoot, `${o.profile}-seed${o.seed}-g${drop.generator}`);
  const submissions = join(dropRoot, drop.submissions);
  const bigPdf = join(dropRoot, drop.bigPdf.path);
  const runs = join(o.cacheRoot, 'runs');
  const want = (g: Group) => !o.only || o.only.includes(g);
  const rows: Row[] = [];
  const stages: Record<string, Stages> = {};
  const pdfs = drop.documents.filter((d) => d.format === 'pdf');
  const pages = drop.totals.pages;
  const add = (r: Row) => { rows.push(r); o.log(`${r.name}: ${r.status === 'ok' ? `${r.seconds!.toFixed(2)} s, ${r.peakRssMb!.toFixed(0)} MB` : r.status}${r.note ? ` (${r.note})` : ''}`); };
  const failed = (name: string, err: unknown) => {
    const msg = (err as Error).message;
    o.log(`${name} failed: ${msg}`);
    add({ name, status: 'failed', note: msg.split('\n').filter((l) => l.trim()).slice(-1)[0]?.slice(0, 200) });
  };

  const skip = (...names: string[]) => { for (const name of names) add({ name, status: 'skipped', note: 'not asked for (--only)' }); };

  // 1. the baseline: pdftotext over every PDF, one after another
  if (!want('baseline')) skip(ROW.baseline, ROW.baselineBig);
  else {
    if (!existsSync(PDFTOTEXT)) throw new Error(`${PDFTOTEXT} is missing: apt-get install poppler-utils`);
    let ms = 0;
    let peak = 0;
    for (const d of pdfs) {
      const m = await measure(PDFTOTEXT, ['-q', join(submissions, d.force, d.file), '/dev/null']);
      ms += m.ms;
      peak = Math.max(peak, m.peakRssMb);
    }
    add({ name: ROW.baseline, status: 'ok', seconds: ms / 1000, pages: drop.totals.pdfPages, peakRssMb: peak, note: `${pdfs.length} PDFs, ${drop.totals.pdfPages} pages` });
    const big = await measure(PDFTOTEXT, ['-q', bigPdf, '/dev/null']);
    add({ name: ROW.baselineBig, status: 'ok', seconds: big.ms / 1000, pages: drop.bigPdf.pages, peakRssMb: big.peakRssMb, note: `${drop.bigPdf.pages} pages` });
  }

  // 2. embedded, cold then warm (same output folder, so the extraction cache is filled)
  const embeddedOut = join(runs, 'embedded');
  if (want('embedded')) rmSync(embeddedOut, { recursive: true, force: true });
  for (const [key, name] of [['cold', ROW.cold], ['warm', ROW.warm]] as const) {
    if (!want('embedded')) { skip(name); continue; }
    try {
      const e = await embeddedRun(submissions, embeddedOut);
      stages[key] = e.stages;
      const st = Object.entries(e.statuses).map(([k, v]) => `${v} ${k}`).join(', ');
      add({ name, status: 'ok', seconds: e.run.ms / 1000, pages, peakRssMb: e.run.peakRssMb, note: `${e.cached} documents from cache; ${st}` });
    } catch (err) { failed(name, err); }
  }

  // the same cold run on one thread, for the speed-up of the second core (issue 3)
  if (!want('embedded')) skip(ROW.cold1);
  else {
    try {
      const out1 = join(runs, 'embedded-1');
      rmSync(out1, { recursive: true, force: true });
      const e = await embeddedRun(submissions, out1, 1);
      stages.cold1 = e.stages;
      add({ name: ROW.cold1, status: 'ok', seconds: e.run.ms / 1000, pages, peakRssMb: e.run.peakRssMb, note: `${e.cached} documents from cache` });
    } catch (err) { failed(ROW.cold1, err); }
  }

  const avail = await available();
  // 3. queued, with 1 and with 2 worker processes
  for (const [n, name] of [[1, ROW.queued1], [2, ROW.queued2]] as const) {
    if (!want('queued')) { skip(name); continue; }
    if (!avail.queued) { add({ name, status: 'not available', note: '`plan-assessor worker` / `run --redis` not in this checkout' }); continue; }
    try {
      const q = await queuedRun(submissions, join(runs, `queued-${n}`), n);
      add({ name, status: 'ok', seconds: q.run.ms / 1000, pages, peakRssMb: q.workerTreeMb, note: `RSS: the largest worker with its sandboxed children; the run command itself ${q.run.peakRssMb.toFixed(0)} MB` });
    } catch (err) { failed(name, err); }
  }

  // 4. rescore of the embedded run after a one-line rule change
  if (!want('rescore')) skip(ROW.rescore);
  else if (!avail.rescore) add({ name: ROW.rescore, status: 'not available', note: '`plan-assessor rescore` not in this checkout' });
  else {
    try {
      const rules = changedRules(join(runs, 'rules-changed'));
      rmSync(join(runs, 'rescored'), { recursive: true, force: true });
      const m = await measure(...cli(['rescore', embeddedOut, '--rules', rules.dir, '--out', join(runs, 'rescored')]), { cwd: ROOT });
      add({ name: ROW.rescore, status: 'ok', seconds: m.ms / 1000, pages, peakRssMb: m.peakRssMb, note: relative(runs, rules.dir) + '/' + rules.change });
    } catch (err) { failed(ROW.rescore, err); }
  }

  // 5. one worker extracting the 1,000-page PDF
  if (!want('big')) skip(ROW.bigWorker);
  else try {
    const bigSubmissions = dirname(dirname(bigPdf));
    if (avail.queued && want('queued')) {
      const q = await queuedRun(bigSubmissions, join(runs, 'big-queued'), 1);
      add({ name: ROW.bigWorker, status: 'ok', seconds: q.run.ms / 1000, pages: drop.bigPdf.pages, peakRssMb: q.workerTreeMb, note: `${drop.bigPdf.pages} pages; a queued worker with its sandboxed children` });
    } else {
      rmSync(join(runs, 'big-embedded'), { recursive: true, force: true });
      const e = await embeddedRun(bigSubmissions, join(runs, 'big-embedded'), 1);
      add({ name: ROW.bigWorker, status: 'ok', seconds: e.run.ms / 1000, pages: drop.bigPdf.pages, peakRssMb: e.run.peakRssMb, note: `${drop.bigPdf.pages} pages; embedded run with 1 extraction thread (no queued worker measured)` });
    }
  } catch (err) { failed(ROW.bigWorker, err); }

  const cpu = cpus();
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadBefore, loadAfter: loadavg()[0] },
    drop: { seed: drop.seed, profile: drop.profile, ...drop.totals, bigPdfPages: drop.bigPdf.pages, generateMs: drop.generateMs },
    rows,
    stages,
    ratios: ratios(rows, stages),
  };
  mkdirSync(dirname(o.resultsPath), { recursive: true });
  writeFileSync(o.resultsPath, `${JSON.stringify(BenchResults.parse(results), null, 2)}\n`);
  return results;
}

async function main(argv: string[]): Promise<void> {
  const arg = (k: string) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : undefined; };
  const profile = (arg('--profile') ?? 'full') as keyof typeof PROFILES;
  if (!(profile in PROFILES)) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}, got "${profile}"`);
  const seed = Number(arg('--seed') ?? 2017);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got "${arg('--seed')}"`);
  const cacheRoot = resolve(arg('--cache') ?? DEFAULT_CACHE);
  const resultsPath = resolve(arg('--results') ?? join(ROOT, 'bench', 'results.json'));
  const only = arg('--only')?.split(',').map((g) => g.trim()) as Group[] | undefined;
  const unknown = only?.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown?.length) throw new Error(`--only takes a comma-separated list of ${GROUPS.join(', ')}; "${unknown.join(', ')}" is not one`);
  const log = (line: string) => process.stderr.write(process.stderr.isTTY && line.startsWith('generating') ? `\r${line}` : `${line}\n`);
  if (argv.includes('--generate-only')) {
    const m = await ensureDrop({ seed, profile, cacheRoot, log });
    console.log(JSON.stringify(m.totals));
    return;
  }
  const r = await runBench({ seed, profile, cacheRoot, resultsPath, log, only });
  console.log(`\n${formatResults(r)}\nWrote ${relative(process.cwd(), resultsPath)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  main(process.argv.slice(2)).catch((err) => { console.error(`bench: ${(err as Error).message}`); process.exitCode = 1; });
}
