// Starts a worker thread on a TypeScript or JavaScript module. Under tsx (development and
// tests) .ts entries need tsx's loader registered inside the thread; compiled .js entries
// are imported as they are.
import { workerData } from 'node:worker_threads';
if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
