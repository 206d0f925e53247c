// Runs a command as a child process and measures its wall time and peak memory, read from
// /proc every 50 ms over the child and all its descendants: `peakRssMb` is the largest VmHWM
// (the kernel's high-water mark of resident memory, which only grows, so sampling misses at
// most the last 50 ms of a process's life) of any one process; `treeRssMb` is the largest sum
// of VmRSS over the whole tree at one sample (a worker with its sandboxed children).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface Measured { ms: number; peakRssMb: number; treeRssMb: number; code: number | null; stdout: string; stderr: string }

function memKb(pid: number): { hwm: number; rss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return { hwm: 0, rss: 0 };
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch { /* the process has gone */ }
  return out;
}

/** Peak resident memory of a process tree, tracked until stop() is called. */
export class RssSampler {
  private peak = new Map<number, number>();
  private treePeakKb = 0;
  private timer: NodeJS.Timeout;
  constructor(private root: number, everyMs = 50) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  sample(): void {
    const stack = [this.root];
    let tree = 0;
    while (stack.length) {
      const pid = stack.pop()!;
      const { hwm, rss } = memKb(pid);
      if (hwm > (this.peak.get(pid) ?? 0)) this.peak.set(pid, hwm);
      tree += rss;
      stack.push(...children(pid));
    }
    this.treePeakKb = Math.max(this.treePeakKb, tree);
  }
  /** MB: the largest peak of any one process in the tree, and the largest sum over the tree. */
  stop(): { peakRssMb: number; treeRssMb: number } {
    clearInterval(this.timer);
    return { peakRssMb: Math.max(0, ...this.peak.values()) / 1024, treeRssMb: this.treePeakKb / 1024 };
  }
}

// Children still running when the bench exits (an error, a test timeout) are ended with it, so
// no redis-server or worker is left behind.
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

export interface Started { child: ChildProcess; t0: number; done: Promise<Measured>; output: () => string }

/** Starts `cmd args` and returns at once; `done` resolves when it exits. */
export function start(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  const t0 = performance.now();
  // REDIS_URL would switch `run` to the queued mode; only the queued measurements pass --redis
  const { REDIS_URL: _, ...env } = process.env;
  const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...env, DOTENV_CONFIG_QUIET: 'true', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const sampler = new RssSampler(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const done = new Promise<Measured>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      live.delete(child);
      const ms = performance.now() - t0;
      resolve({ ms, ...sampler.stop(), code, stdout, stderr });
    });
  });
  return { child, t0, done, output: () => stdout + stderr };
}

/** Runs `cmd args` to the end; a non-zero exit is an error that quotes the command's stderr. */
export async function measure(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  const m = await start(cmd, args, opts).done;
  if (m.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${m.code}:\n${m.stderr.slice(-2000) || m.stdout.slice(-2000)}`);
  return m;
}
