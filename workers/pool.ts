// A small pool of worker threads running one module, so CPU-heavy work (PDF parsing, matching)
// runs on every core and off the main event loop. Each thread holds up to DEPTH tasks, so it
// starts its next one at once instead of waiting for the main thread (busy judging a force) to
// read its last result. A thread that dies fails the tasks it held, and is replaced.
//
// Protocol: the pool posts { id, input }; the thread module answers each with
// { id, ok: true, value } or { id, ok: false, error }, one task at a time (see threadServe).
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Task<I, O> { id: number; input: I; resolve: (o: O) => void; reject: (e: Error) => void }

const DEPTH = 2;

export class ThreadPool<I, O> {
  private threads = new Map<Worker, Task<I, O>[]>();
  private queue: Task<I, O>[] = [];
  private size: number;
  private closed = false;
  private next = 0;
  /** false while a setup given as a promise is pending: threads start, tasks wait */
  private ready = true;

  /** `setup` reaches every thread as `workerData.setup` (structured clone, once per thread).
   * Given as a promise, threads start at once (see warm) and load their modules while it is
   * being made; it is then posted to each (threadServeSetup reads it), and tasks go out. */
  constructor(private entry: URL, size = availableParallelism(), private setup?: unknown) {
    this.size = Math.max(1, size);
    if (setup instanceof Promise) {
      this.ready = false;
      this.setup = undefined;
      setup.then((value) => {
        this.setup = value;
        this.ready = true;
        for (const w of this.threads.keys()) w.postMessage({ setup: value });
        this.pump();
      }, (err: Error) => {
        for (const t of this.queue.splice(0)) t.reject(err);
        void this.close();
      });
    }
  }

  /** Starts every thread now, so their modules load while the caller prepares the first tasks
   * (threads otherwise start with the first tasks). */
  warm(): this {
    while (!this.closed && this.threads.size < this.size) this.spawn();
    return this;
  }

  run(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.next++, input, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const boot = new URL('./thread-boot.mjs', import.meta.url);
    // compiled code lives in dist/workers; the boot file stays beside the sources
    const bootPath = fileURLToPath(boot).includes(`${'/dist/'}`) ? new URL('../../workers/thread-boot.mjs', import.meta.url) : boot;
    const w = new Worker(bootPath, { workerData: { entry: this.entry.href, setup: this.setup, deferred: !this.ready }, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    this.threads.set(w, []);
    w.on('message', (out: { id: number; ok: true; value: O } | { id: number; ok: false; error: string }) => {
      const held = this.threads.get(w) ?? [];
      const i = held.findIndex((t) => t.id === out.id);
      const t = i >= 0 ? held.splice(i, 1)[0] : undefined;
      if (t) out.ok ? t.resolve(out.value) : t.reject(new Error(out.error));
      this.pump();
      if (this.closed && !held.length) void w.terminate();
    });
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => { if (this.threads.get(w)?.length) this.lost(w, new Error(`worker thread exited with code ${code}`)); });
    return w;
  }

  private lost(w: Worker, err: Error): void {
    const held = this.threads.get(w) ?? [];
    this.threads.delete(w);
    for (const t of held) t.reject(err);
    this.pump();
  }

  private pump(): void {
    if (this.closed || !this.ready) return;
    while (this.queue.length) {
      // the least loaded thread, or a new one while the pool is not full
      let w: Worker | undefined;
      let least = DEPTH;
      for (const [t, held] of this.threads) if (held.length < least) { least = held.length; w = t; }
      if ((!w || least > 0) && this.threads.size < this.size) w = this.spawn();
      if (!w) return;
      const t = this.queue.shift()!;
      this.threads.get(w)!.push(t);
      w.postMessage({ id: t.id, input: t.input });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.threads.keys()].map((w) => w.terminate()));
    this.threads.clear();
  }
}

/** The thread side of a pool whose setup may come after the thread started: `make` turns the
 * setup into the task handler, once; tasks that arrive first wait for it. */
export function threadServeSetup<S, I, O>(make: (setup: S) => (input: I) => Promise<O>): void {
  let given!: (setup: S) => void;
  const handler = workerData.deferred
    ? new Promise<(input: I) => Promise<O>>((resolve) => { given = (setup) => resolve(make(setup)); })
    : Promise.resolve(make(workerData.setup as S));
  let chain = Promise.resolve();
  parentPort!.on('message', (msg: { setup: S } | { id: number; input: I }) => {
    if ('setup' in msg) { given(msg.setup); return; }
    const { id, input } = msg;
    chain = chain.then(async () => {
      try {
        parentPort!.postMessage({ id, ok: true, value: await (await handler)(input) });
      } catch (err) {
        parentPort!.postMessage({ id, ok: false, error: (err as Error).message });
      }
    });
  });
}

/** The thread side: answers the pool's tasks with `handle`, one at a time, in order. */
export function threadServe<I, O>(handle: (input: I) => Promise<O>): void {
  let chain = Promise.resolve();
  parentPort!.on('message', ({ id, input }: { id: number; input: I }) => {
    chain = chain.then(async () => {
      try {
        parentPort!.postMessage({ id, ok: true, value: await handle(input) });
      } catch (err) {
        parentPort!.postMessage({ id, ok: false, error: (err as Error).message });
      }
    });
  });
}
