// Golden files pin findings.json for a few forces. They are normalised (sorted keys, no
// absolute paths, no timestamps) and rewritten only on request: UPDATE_GOLDEN=1 npm test.
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleset } from '../pipeline/rules/load.js';
import { runEmbedded } from '../workers/run.js';

const PINNED = [['dev', 'wiltshire'], ['devset', 'durham'], ['devset', 'bedfordshire']] as const;

export function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise((v as Record<string, unknown>)[k])]));
  return v;
}

describe('golden findings', () => {
  it('match the pinned findings.json for wiltshire, durham and bedfordshire', async () => {
    const drop = mkdtempSync(join(tmpdir(), 'pa-golden-in-'));
    for (const [set, force] of PINNED) cpSync(`fixtures/${set}/submissions/${force}`, join(drop, force), { recursive: true });
    const out = mkdtempSync(join(tmpdir(), 'pa-golden-out-'));
    const { findings } = await runEmbedded({ submissions: drop, out, reviewDate: '2017-06-01', ruleset: loadRuleset('rules') });
    const written = readFileSync(join(out, 'findings.json'), 'utf8');
    expect(written).not.toContain(drop);
    expect(written).not.toContain(out);
    for (const f of findings.forces) {
      const file = `fixtures/golden/${f.force}.json`;
      const actual = `${JSON.stringify(normalise({ ...f, rulesetVersion: undefined }), null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        if (process.env.CI) throw new Error(`${file} is missing; run UPDATE_GOLDEN=1 npm test locally and review it`);
        writeFileSync(file, actual);
      }
      expect(actual, `${file} differs; if the change is intended, run UPDATE_GOLDEN=1 npm test and review the diff`).toBe(readFileSync(file, 'utf8'));
    }
  });
});
