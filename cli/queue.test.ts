// The queued mode's command line: `run --redis` gives what `run` gives, the job commands
// answer, and a Redis that cannot be reached is a usage error (exit 2) that says what to do.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './main.js';
import { dropPrefix, removeTmpDirs, snapshotRules, stopPrivateRedis, testRedis, tmpDir, uniquePrefix } from '../workers/test-helpers/queue.js';

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const l = vi.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  try {
    return { code: await main(['node', 'plan-assessor', ...args]), err: err.join('\n'), out: out.join('\n') };
  } finally { e.mockRestore(); l.mockRestore(); }
}

let redis: string;
const prefix = uniquePrefix('cli');
beforeAll(async () => { redis = await testRedis(); });
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await stopPrivateRedis();
  removeTmpDirs();
});

describe('plan-assessor, queued', () => {
  it('run --redis writes what the embedded run writes', async () => {
    const drop = tmpDir('drop');
    mkdirSync(join(drop, 'wiltshire'));
    writeFileSync(join(drop, 'wiltshire', 'update.txt'), 'Monitoring software went live on 2 May 2017 on all force desktops.\nWe will meet the local IDVA service from September 2017 to seek intelligence about officers.\n');
    const queued = tmpDir('queued');
    const embedded = tmpDir('embedded');
    const rules = snapshotRules().dir;
    const r = await run(['run', drop, '--out', queued, '--rules', rules, '--redis', redis, '--prefix', prefix, '--threads', '1']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/run [0-9a-f]{16} queued: 1 forces, 1 documents/);
    expect(r.out).toContain('Assessed 1 forces, 1 documents');
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = ''; // CI sets it; this run must be the embedded one
    try {
      expect((await run(['run', drop, '--out', embedded, '--rules', rules])).code).toBe(0);
    } finally { process.env.REDIS_URL = saved; }
    expect(readFileSync(join(queued, 'findings.json'), 'utf8')).toBe(readFileSync(join(embedded, 'findings.json'), 'utf8'));
  }, 180_000);

  it('lists failed jobs, refuses to retry one that does not exist, and names an unreachable Redis', async () => {
    expect(await run(['jobs', 'failed', '--redis', redis, '--prefix', prefix])).toMatchObject({ code: 0, out: 'No failed jobs.' });
    const missing = await run(['jobs', 'retry', 'extract.nope', '--redis', redis, '--prefix', prefix]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`there is no job extract.nope under the prefix ${prefix}`);
    const both = await run(['jobs', 'retry', 'x', '--all', '--redis', redis]);
    expect(both.code).toBe(2);
    expect(both.err).toContain('either a job id or --all');
    const away = await run(['worker', '--redis', 'redis://127.0.0.1:1']);
    expect(away.code).toBe(2);
    expect(away.err).toContain('cannot reach Redis at redis://127.0.0.1:1');
    const wrong = await run(['jobs', 'failed', '--redis', 'http://127.0.0.1:6379']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('is not a Redis URL');
  });
});
