import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.js';

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [];
  const out: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((m) => { err.push(String(m)); });
  const l = vi.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
  const w = vi.spyOn(process.stderr, 'write').mockImplementation((m) => { err.push(String(m)); return true; });
  try {
    return { code: await main(['node', 'plan-assessor', ...args]), err: err.join('\n'), out: out.join('\n') };
  } finally { e.mockRestore(); l.mockRestore(); w.mockRestore(); }
}

describe('plan-assessor run: unusable arguments', () => {
  it('refuses a missing submissions folder with exit 2 and says what to give', async () => {
    const r = await run(['run', '/nonexistent/drop', '--out', join(tmpdir(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a folder');
  });
  it('refuses a review date that is not a date', async () => {
    const r = await run(['run', 'fixtures/dev/submissions', '--out', join(tmpdir(), 'x'), '--review-date', '2017-13-40']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('expected a date as YYYY-MM-DD');
  });
  it('refuses invalid rules and names the file, line and key', async () => {
    const rules = mkdtempSync(join(tmpdir(), 'pa-rules-'));
    cpSync('rules', rules, { recursive: true });
    writeFileSync(join(rules, 'it_monitoring', 'broken.yaml'), 'message: x\nmatch:\n  all:\n    - near: { terms: [a], within: eight }\nexamples: { hit: [a], miss: [b] }\n');
    const r = await run(['run', 'fixtures/dev/submissions', '--out', join(tmpdir(), 'x'), '--rules', rules]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/it_monitoring\/broken\.yaml:4:\d+ match\.all\[0\]\.near\.within: expected a number, got "eight"/);
  });
  it('assesses an unknown force slug under its folder name, with a warning, and exits 0', async () => {
    const drop = mkdtempSync(join(tmpdir(), 'pa-drop-'));
    mkdirSync(join(drop, 'atlantis'));
    writeFileSync(join(drop, 'atlantis', 'note.txt'), 'The force will procure protective monitoring software for all IT systems in September 2017.\n');
    const out = mkdtempSync(join(tmpdir(), 'pa-out-'));
    const r = await run(['run', drop, '--out', out]);
    expect(r.code).toBe(0);
    const findings = JSON.parse((await import('node:fs')).readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(findings.forces[0].force).toBe('atlantis');
    expect(findings.forces[0].warnings[0]).toContain('not one of the 43 force slugs');
    expect(findings.forces[0].criteria.it_monitoring.status).toBe('planned');
  });
});
