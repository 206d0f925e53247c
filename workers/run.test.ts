// End-to-end: the embedded run over the bundled fixtures. Agreement with labels written by
// other authors, quotes found where they are cited, every document accounted for.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleset } from '../pipeline/rules/load.js';
import { Findings, Labels, type ExtractedDocument } from '../pipeline/schemas.js';
import { runEmbedded, type RunResult } from './run.js';
import { evaluate } from '../cli/eval.js';
import { EXTRACTOR_VERSION } from '../pipeline/extract/index.js';
import { findFurniture } from '../pipeline/segment/furniture.js';

const ruleset = loadRuleset('rules');
const runs: Record<string, { out: string; result: RunResult }> = {};

beforeAll(async () => {
  for (const set of ['dev', 'dev-b', 'devset']) {
    const out = mkdtempSync(join(tmpdir(), `pa-${set}-`));
    runs[set] = { out, result: await runEmbedded({ submissions: `fixtures/${set}/submissions`, out, reviewDate: '2017-06-01', ruleset }) };
  }
}, 600_000);

const strip = (s: string) => s.replace(/\s+/g, '');

describe.each(['dev', 'dev-b', 'devset'])('embedded run over fixtures/%s', (set) => {
  it('writes a findings.json that keeps the contract, with every force and document', () => {
    const { out } = runs[set];
    const findings = Findings.parse(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')));
    const forces = readdirSync(`fixtures/${set}/submissions`).sort();
    expect(findings.forces.map((f) => f.force)).toEqual(forces);
    for (const f of findings.forces) {
      expect(f.documents.map((d) => d.file).sort()).toEqual(readdirSync(`fixtures/${set}/submissions/${f.force}`).sort());
      expect(existsSync(join(out, 'letters', `${f.force}.md`))).toBe(true);
      expect(existsSync(join(out, 'letters', `${f.force}.docx`))).toBe(true);
    }
    for (const name of ['findings.csv', 'overview.md', 'index.html', 'run.json']) expect(existsSync(join(out, name))).toBe(true);
  });

  it('agrees with the labels on at least 90% of items and 80% of categories', () => {
    const labels = Labels.parse(JSON.parse(readFileSync(`fixtures/${set}/labels.json`, 'utf8')));
    const report = evaluate(runs[set].result.findings, labels);
    const items = Object.entries(report.agreement).filter(([k]) => k !== 'category');
    const agree = items.reduce((a, [, v]) => a + v.agree, 0) / items.reduce((a, [, v]) => a + v.total, 0);
    expect(report.missing).toEqual([]);
    expect(agree).toBeGreaterThanOrEqual(0.9);
    expect(report.agreement.category.agree / report.agreement.category.total).toBeGreaterThanOrEqual(0.8);
  });

  it('cites every quote where it is: on its page (PDF), or in its document', () => {
    const { out, result } = runs[set];
    let checked = 0;
    for (const f of result.findings.forces) {
      for (const c of Object.values(f.criteria)) {
        for (const e of c.evidence) {
          const doc = f.documents.find((d) => d.file === e.document)!;
          const cached = JSON.parse(readFileSync(join(out, 'cache', 'extract', `${doc.sha256}.${EXTRACTOR_VERSION}.json`), 'utf8')) as ExtractedDocument;
          const quote = strip(e.quote);
          if (e.page) {
            // the quote starts on the cited page; a sentence cut by a page break ends on the next
            const here = strip(cached.parts.filter((p) => p.location.page === e.page).map((p) => p.text).join(''));
            expect(here.includes(quote.slice(0, Math.min(40, quote.length))), `${f.force} ${e.document} p.${e.page}: ${e.quote}`).toBe(true);
            // …and the whole of it is in the body text (running headers and footers removed)
            const lines = cached.parts.map((p) => p.text.split('\n'));
            const furniture = findFurniture(lines);
            const body = strip(lines.map((ls, i) => ls.filter((_, j) => !furniture[i].has(j)).join('')).join(''));
            expect(body.includes(quote), `${f.force} ${e.document}: ${e.quote}`).toBe(true);
          } else {
            const all = strip(cached.parts.map((p) => p.text).join(''));
            expect(all.includes(quote), `${f.force} ${e.document}: ${e.quote}`).toBe(true);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('gives every verdict a confidence in [0, 1] and an explanation; no_information says what was looked for', () => {
    for (const f of runs[set].result.findings.forces) {
      for (const c of Object.values(f.criteria)) {
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(1);
        expect(c.explanation.length).toBeGreaterThan(20);
        if (c.status === 'no_information' || c.status === 'not_reflected') expect(c.explanation).toMatch(/^Looked for /);
      }
    }
  });
});

describe('the Wiltshire fixture reproduces the seed letter', () => {
  it('finds strategy not reflected, no information on the unit and IT, partner work planned', () => {
    const w = runs.dev.result.findings.forces.find((f) => f.force === 'wiltshire')!;
    expect([w.criteria.national_strategy.status, w.criteria.ccu_capability.status, w.criteria.it_monitoring.status, w.criteria.partner_relationships.status])
      .toEqual(['not_reflected', 'no_information', 'no_information', 'planned']);
    expect(w.category).toBe('insufficient_information');
    const letter = readFileSync(join(runs.dev.out, 'letters', 'wiltshire.md'), 'utf8');
    expect(letter).toContain('did not reflect the national strategy');
    expect(letter).toMatch(/no information was provided that allowed us to assess your progress in reviewing the capability and capacity of your counter-corruption unit or developing your IT systems' monitoring capability/i);
    expect(letter).toMatch(/seeking intelligence from those organisations that support vulnerable people, although this had not yet commenced/);
  });
});

describe('a second run of the same drop', () => {
  it('reads every document from the cache and gives the same findings', async () => {
    const { out, result } = runs.devset;
    const again = await runEmbedded({ submissions: 'fixtures/devset/submissions', out, reviewDate: '2017-06-01', ruleset });
    expect(again.cachedDocuments).toBe(result.findings.forces.reduce((a, f) => a + f.documents.length, 0));
    expect(again.findings).toEqual(result.findings);
  });
});
