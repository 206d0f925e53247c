// A small pool of worker threads running one module, so CPU-heavy work (PDF parsing) runs on
// every core and off the main event loop. A thread that dies fails its task, and is replaced.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Task<I, O> { input: I; resolve: (o: O) => void; reject: (e: Error) => void }

export class ThreadPool<I, O> {
  private idle: Worker[] = [];
  private busy = new Map<Worker, Task<I, O>>();
  private queue: Task<I, O>[] = [];
  private size: number;
  private closed = false;

  /** `setup` reaches every thread as `workerData.setup` (structured clone, once per thread) */
  constructor(private entry: URL, size = availableParallelism(), private setup?: unknown) {
    this.size = Math.max(1, size);
  }

  run(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const boot = new URL('./thread-boot.mjs', import.meta.url);
    // compiled code lives in dist/workers; the boot file stays beside the sources
    const bootPath = fileURLToPath(boot).includes(`${'/dist/'}`) ? new URL('../../workers/thread-boot.mjs', import.meta.url) : boot;
    const w = new Worker(bootPath, { workerData: { entry: this.entry.href, setup: this.setup }, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    w.on('message', (out: { ok: true; value: O } | { ok: false; error: string }) => {
      const t = this.busy.get(w);
      this.busy.delete(w);
      if (t) out.ok ? t.resolve(out.value) : t.reject(new Error(out.error));
      if (this.closed) void w.terminate(); else { this.idle.push(w); this.pump(); }
    });
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => { if (this.busy.has(w)) this.lost(w, new Error(`worker thread exited with code ${code}`)); });
    return w;
  }

  private lost(w: Worker, err: Error): void {
    const t = this.busy.get(w);
    this.busy.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    t?.reject(err);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length && (this.idle.length || this.busy.size < this.size)) {
      const w = this.idle.pop() ?? this.spawn();
      const t = this.queue.shift()!;
      this.busy.set(w, t);
      w.postMessage(t.input);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
    this.idle = [];
  }
}
