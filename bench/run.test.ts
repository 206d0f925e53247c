// Smoke test of the benchmark: it runs end to end on a tiny drop (2 forces × 2 small
// documents) and writes well-formed results. Nothing here times anything or checks a figure.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDrop, PROFILES, writeDocx, writePdf } from './generate.js';
import { BenchResults, ratios, ROW, type Row } from './report.js';
import { runBench } from './run.js';

describe('the drop generator', () => {
  it('plans a drop the size of the real one, the same way every time for a seed', () => {
    const plan = planDrop(2017, PROFILES.full);
    expect(new Set(plan.map((d) => d.force)).size).toBe(43);
    expect(plan.length).toBeGreaterThanOrEqual(400);
    expect(plan.reduce((a, d) => a + d.pages, 0)).toBeGreaterThanOrEqual(10_000);
    expect(plan.filter((d) => d.format === 'pdf' && d.pages >= 300).length).toBeGreaterThanOrEqual(3);
    expect(plan.some((d) => d.format === 'docx')).toBe(true);
    expect(planDrop(2017, PROFILES.full)).toEqual(plan);
    expect(planDrop(2018, PROFILES.full)).not.toEqual(plan);
  });

  it('writes byte-identical PDF and DOCX files from the same seed, at any time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-files-'));
    try {
      const d = { pages: 2, seed: 7, title: 'action plan', forceName: 'Test Police' };
      const h = (f: string) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
      for (const [ext, write] of [['pdf', writePdf], ['docx', writeDocx]] as const) {
        await write(join(dir, `a.${ext}`), d);
        await new Promise((r) => setTimeout(r, 2100)); // zip entries store times to 2 s
        await write(join(dir, `b.${ext}`), d);
        await write(join(dir, `c.${ext}`), { ...d, seed: 8 });
        expect(h(`a.${ext}`), ext).toBe(h(`b.${ext}`));
        expect(h(`a.${ext}`), ext).not.toBe(h(`c.${ext}`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the ratios against the targets', () => {
  const row = (name: string, seconds: number, peakRssMb = 100): Row => ({ name, status: 'ok', seconds, peakRssMb });
  const stages = { cold: { extract: 9000, extractCpu: 9000, segment: 400, match: 300, judge: 200, render: 100 } };

  it('meets a target within its limit and misses one beyond it', () => {
    const r = ratios([row(ROW.baseline, 4), row(ROW.cold, 10), row(ROW.cold1, 19), row(ROW.queued1, 20, 300), row(ROW.queued2, 12, 600), row(ROW.rescore, 1)], stages);
    expect(r.map((x) => x.verdict)).toEqual(['met', 'met', 'missed', 'missed', 'met', 'missed']);
    expect(r[0].measured).toBeCloseTo(2.5);
    expect(r[1].measured).toBeCloseTo(1000 / 10000);
    expect(r[3].measured).toBeCloseTo(20 / 12);
    expect(r[4].measured).toBeCloseTo(1.9);
    expect(r[5].measured).toBe(600);
  });

  it('says "not measured" for rows that are not available', () => {
    const r = ratios([row(ROW.baseline, 4), row(ROW.cold, 10), { name: ROW.rescore, status: 'not available' }], stages);
    expect(r.find((x) => x.target.startsWith('rescore'))!.verdict).toBe('not measured');
    expect(r.find((x) => x.target.startsWith('throughput'))!.verdict).toBe('not measured');
  });
});

describe('npm run bench', () => {
  it('runs end to end on a tiny drop and writes results.json', async () => {
    const cacheRoot = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const resultsPath = join(cacheRoot, 'results.json');
      // lean: the queued rows (a redis-server and three worker start-ups) are left to `npm run bench`
      const out = await runBench({ seed: 1, profile: 'tiny', cacheRoot, resultsPath, log: () => undefined, build: 'if-missing', only: ['baseline', 'embedded', 'rescore', 'big'] });
      const written = BenchResults.parse(JSON.parse(readFileSync(resultsPath, 'utf8')));
      expect(written.rows.map((r) => r.name)).toEqual(out.rows.map((r) => r.name));
      expect(written.drop).toMatchObject({ forces: 2, documents: 4 });
      const status = (name: string) => written.rows.find((r) => r.name === name)?.status;
      for (const name of [ROW.baseline, ROW.baselineBig, ROW.cold, ROW.warm, ROW.cold1, ROW.bigWorker]) expect(status(name), name).toBe('ok');
      for (const name of [ROW.queued1, ROW.queued2]) expect(status(name), name).toBe('skipped');
      expect(['ok', 'not available']).toContain(status(ROW.rescore));
      expect(written.rows.find((r) => r.name === ROW.warm)!.note).toMatch(/^4 documents from cache/);
      expect(Object.keys(written.stages).sort()).toEqual(['cold', 'cold1', 'warm']);
      expect(written.ratios).toHaveLength(6);
    } finally {
      rmSync(cacheRoot, { recursive: true, force: true });
    }
  }, 600_000);
});
