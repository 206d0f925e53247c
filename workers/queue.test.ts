// The queued mode against a real Redis: same outputs as the embedded mode, broken documents as
// data, transient failures retried and replayable, and no duplicate jobs. Workers run in this
// process here (their extract jobs still in child processes); queue-crash.test.ts kills them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEmbedded } from './run.js';
import { request } from 'node:http';
import { Worker } from 'bullmq';
import { enqueueRun, flowOf, listFailed, openQueues, planRun, retryFailed, runQueued, serveDashboard, startWorkers, waitForRun, type RunPlan } from './queue.js';
import { workerConnection } from './connection.js';
import { copyForces, counts, dropPrefix, expectSameOutputs, expectedJobs, jobsIn, removeTmpDirs, snapshotRules, stopPrivateRedis, testRedis, tmpDir, uniquePrefix, waitFor } from './test-helpers/queue.js';

const ruleset = snapshotRules();
const reviewDate = '2017-06-01';
const DEVSET = 'fixtures/devset/submissions';
let redis: string;
const prefixes: string[] = [];
const prefix = (name: string) => { const p = uniquePrefix(name); prefixes.push(p); return p; };

beforeAll(async () => { redis = await testRedis(); });
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(redis, p);
  await stopPrivateRedis();
  removeTmpDirs();
});

describe('a queued run', () => {
  it('writes the same outputs as the embedded run, and a second run reads nothing again', async () => {
    const drop = copyForces(DEVSET, ['cambridgeshire', 'devon-and-cornwall', 'dyfed-powys', 'humberside']);
    // a file sent twice by one force (one job, listed as a duplicate) and one sent by two forces
    copyFileSync(join(drop, 'humberside', 'covering-letter.pdf'), join(drop, 'humberside', 'covering-letter-copy.pdf'));
    copyFileSync(join(drop, 'dyfed-powys', 'email-to-hmicfrs-31-05-2017.txt'), join(drop, 'devon-and-cornwall', 'forwarded-email.txt'));
    const embedded = tmpDir('embedded');
    await runEmbedded({ submissions: drop, out: embedded, reviewDate, ruleset, threads: 1 });

    const p = prefix('same');
    const out = tmpDir('queued');
    const notices: string[] = [];
    // no worker is listening on this prefix, so the run works on itself in this process
    const first = await runQueued({ submissions: drop, out, reviewDate, ruleset, redis, prefix: p, threads: 1, pollMs: 100, onNotice: (l) => notices.push(l) });
    expectSameOutputs(out, embedded);
    expect(notices.join('\n')).toContain('no worker is listening');
    expect(first.incomplete).toBe(0);
    // only the file two forces sent can come from the cache, if one job finished before the other began
    expect(first.cachedDocuments).toBeLessThanOrEqual(1);
    const queues = openQueues({ redis, prefix: p });
    try {
      const after = await counts(queues);
      expect(after.completed).toBe(expectedJobs(drop));
      expect(jobsIn(after)).toBe(after.completed);

      // the outputs are gone: the run is queued again and every document comes from the cache
      rmSync(join(out, 'findings.json'));
      notices.length = 0;
      const second = await runQueued({ submissions: drop, out, reviewDate, ruleset, redis, prefix: p, threads: 1, pollMs: 100, onNotice: (l) => notices.push(l) });
      expect(notices.join('\n')).toContain('queued again');
      expect(second.cachedDocuments).toBe(readdirSync(drop).reduce((a, f) => a + readdirSync(join(drop, f)).length, 0));
      expectSameOutputs(out, embedded);
      expect((await counts(queues)).completed).toBe(expectedJobs(drop));
    } finally { await queues.close(); }
  }, 240_000);

  it('lists broken documents with their reason, assesses the good ones and leaves nothing waiting', async () => {
    const drop = copyForces(DEVSET, ['durham']);
    const pdf = readFileSync(join(drop, 'durham', 'apsp-position-statement-cog-may-2017.pdf'));
    writeFileSync(join(drop, 'durham', 'broken.pdf'), pdf.subarray(0, 400)); // ends before its xref table
    writeFileSync(join(drop, 'durham', 'telemetry.bin'), Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)));
    writeFileSync(join(drop, 'durham', 'empty.txt'), '');
    const embedded = tmpDir('embedded');
    await runEmbedded({ submissions: drop, out: embedded, reviewDate, ruleset, threads: 1 });

    const p = prefix('broken');
    const out = tmpDir('queued');
    await runQueued({ submissions: drop, out, reviewDate, ruleset, redis, prefix: p, threads: 1, pollMs: 100 });
    expectSameOutputs(out, embedded);
    const docs = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).forces[0].documents as { file: string; status: string; notes: string[] }[];
    const byFile = new Map(docs.map((d) => [d.file, d]));
    expect(byFile.get('broken.pdf')?.status).toBe('unreadable');
    expect(byFile.get('telemetry.bin')?.status).toBe('unsupported');
    expect(byFile.get('empty.txt')?.status).toBe('unreadable');
    for (const f of ['broken.pdf', 'telemetry.bin', 'empty.txt']) expect(byFile.get(f)!.notes.join(' ').length).toBeGreaterThan(10);
    for (const f of readdirSync(join('fixtures/devset/submissions/durham'))) expect(byFile.get(f)?.status).toBe('ok');

    const queues = openQueues({ redis, prefix: p });
    try {
      const c = await counts(queues);
      // a document that cannot be read is a finding, not a failed job; and nothing is left over
      expect(c.failed).toBe(0);
      expect(c.completed).toBe(expectedJobs(drop));
      expect(jobsIn(c)).toBe(c.completed);
    } finally { await queues.close(); }
  }, 240_000);

  it('retries a file that cannot be opened, keeps the failed job, and a retry then a re-run completes the run', async () => {
    const drop = copyForces(DEVSET, ['dyfed-powys']);
    const p = prefix('transient');
    const out = tmpDir('queued');
    const plan = planRun({ submissions: drop, out, reviewDate, ruleset });
    const pdf = join(drop, 'dyfed-powys', 'retrospective-review-summary-may-2017.pdf');
    renameSync(pdf, `${pdf}.away`); // the share "goes away" after the run was planned
    const queues = openQueues({ redis, prefix: p });
    const workers = await startWorkers({ redis, prefix: p, concurrency: 1 });
    try {
      expect(await enqueueRun(plan, queues, { attempts: 2, backoffMs: 50 })).toBe('created');
      const summary = await waitForRun(plan, queues, { pollMs: 100 });
      expect(summary.incomplete).toBe(1);
      const doc = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).forces[0].documents.find((d: { file: string }) => d.file.endsWith('.pdf'));
      expect(doc.status).toBe('unreadable');
      expect(doc.notes[0]).toContain('cannot open dyfed-powys/retrospective-review-summary-may-2017.pdf (ENOENT)');

      const failed = await listFailed(queues);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ queue: 'extract', attempts: 2 });
      expect(failed[0].reason).toContain('ENOENT');

      renameSync(`${pdf}.away`, pdf);
      expect(await retryFailed(queues, { id: failed[0].id })).toEqual([failed[0].id]);
      await waitFor(async () => (await queues.extract.getJobState(failed[0].id)) === 'completed', 60_000, 'the retried job');
      expect(await listFailed(queues)).toEqual([]);

      // running the same drop again queues it afresh, reading only what had failed
      await enqueueRun(plan, queues);
      const again = await waitForRun(plan, queues, { pollMs: 100 });
      expect(again).toMatchObject({ incomplete: 0, cached: 2 });
      const embedded = tmpDir('embedded');
      await runEmbedded({ submissions: drop, out: embedded, reviewDate, ruleset, threads: 1 });
      expectSameOutputs(out, embedded);
    } finally {
      await workers.close();
      await queues.close();
    }
  }, 240_000);

  it('queued twice, even at the same moment, is one set of jobs', async () => {
    const drop = copyForces(DEVSET, ['cleveland', 'humberside']);
    copyFileSync(join(drop, 'humberside', 'covering-letter.pdf'), join(drop, 'humberside', 'covering-letter-copy.pdf'));
    const p = prefix('twice');
    const out = tmpDir('queued');
    const plan: RunPlan = planRun({ submissions: drop, out, reviewDate, ruleset });
    const queues = openQueues({ redis, prefix: p });
    try {
      expect(await enqueueRun(plan, queues)).toBe('created');
      expect(await enqueueRun(plan, queues)).toBe('attached');
      await Promise.all([enqueueRun(plan, queues), enqueueRun(plan, queues), queues.flow.add(flowOf(plan))]);
      const waiting = await counts(queues);
      expect(jobsIn(waiting)).toBe(expectedJobs(drop));

      const workers = await startWorkers({ redis, prefix: p, concurrency: 1 });
      try {
        await waitForRun(plan, queues, { pollMs: 100 });
      } finally { await workers.close(); }
      expect(await enqueueRun(plan, queues)).toBe('done');
      const done = await counts(queues);
      expect(done.completed).toBe(expectedJobs(drop));
      expect(jobsIn(done)).toBe(done.completed);
      expect(existsSync(join(out, 'findings.json'))).toBe(true);
    } finally { await queues.close(); }
  }, 240_000);

  it('has a dashboard on loopback: read-only, or retrying failed jobs (and nothing else) when allowed', async () => {
    const p = prefix('dashboard');
    const queues = openQueues({ redis, prefix: p });
    // a failed job, made by hand: take it as a worker would and fail it
    await queues.extract.add('extract test/x.pdf', { note: 'reference only' }, { jobId: 'failed-one' });
    const hand = new Worker('extract', null, { connection: workerConnection(redis), prefix: p });
    const job = await hand.getNextJob('tok');
    await job!.moveToFailed(new Error('the share went away'), 'tok');
    await hand.close();
    const call = (url: string, method: string, host?: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(url);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: { host: host ?? u.host } }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; }).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject).end();
    });
    try {
      const ro = await serveDashboard(queues, { port: 0, allowRetries: false });
      try {
        const list = await call(`${ro.url}api/queues`, 'GET');
        expect(list.status).toBe(200);
        const names = (JSON.parse(list.body).queues as { name: string; readOnlyMode: boolean }[]).map((q) => [q.name, q.readOnlyMode]);
        expect(names.sort()).toEqual([['assess', true], ['extract', true], ['overview', true]]);
        expect((await call(`${ro.url}api/queues/extract/failed-one/retry`, 'PUT')).status).toBe(405);
        expect((await call(`${ro.url}api/queues`, 'GET', 'attacker.example:80')).status).toBe(421);
        expect(await queues.extract.getJobState('failed-one')).toBe('failed');
      } finally { ro.server.close(); }
      const rw = await serveDashboard(queues, { port: 0, allowRetries: true });
      try {
        expect((await call(`${rw.url}api/queues/extract/clean/failed`, 'PUT')).status).toBe(405);
        expect((await call(`${rw.url}api/queues/extract/failed-one/retry`, 'PUT')).status).toBe(204);
        expect(await queues.extract.getJobState('failed-one')).toBe('waiting');
      } finally { rw.server.close(); }
    } finally { await queues.close(); }
  });
});
