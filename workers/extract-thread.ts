// Worker-thread side of extraction: reads the file at `path` and extracts it. Only paths and
// results cross the thread boundary; nothing is logged.
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { extract, type ExtractLimits } from '../pipeline/extract/index.js';

export interface ExtractTask { path: string; file: string; limits: ExtractLimits }

parentPort!.on('message', async (task: ExtractTask) => {
  try {
    const bytes = await readFile(task.path);
    const value = await extract({ file: task.file, bytes }, task.limits);
    parentPort!.postMessage({ ok: true, value });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: (err as Error).message });
  }
});
