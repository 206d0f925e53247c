// One embedded run, as `plan-assessor run` does it (same runEmbedded, default rules, limits
// and threads), in a process of its own so its wall time and memory can be measured; it also
// writes the stage timings that the CLI does not print.
// Usage (compiled): node dist/bench/embedded-child.js <submissions> <out> <timings.json> [threads]
import { writeFileSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../pipeline/extract/index.js';
import { runEmbedded } from '../workers/run.js';
import { rulesArg } from '../cli/main.js';

const [submissions, out, timingsFile, threads] = process.argv.slice(2);
if (!submissions || !out || !timingsFile) throw new Error('usage: embedded-child.ts <submissions> <out> <timings.json> [threads]');
const ruleset = rulesArg(undefined);
const result = await runEmbedded({ submissions, out, reviewDate: '2017-06-01', ruleset, limits: DEFAULT_LIMITS, threads: threads ? Number(threads) : undefined });
const statuses: Record<string, number> = {};
for (const f of result.findings.forces) for (const d of f.documents) statuses[d.status] = (statuses[d.status] ?? 0) + 1;
writeFileSync(timingsFile, JSON.stringify({ timings: result.timings, cachedDocuments: result.cachedDocuments, statuses }));
