// Writes every output of a run into its folder: findings.json, findings.csv, overview.md,
// letters/<force>.md and .docx, index.html, and run.json (what rescore needs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Findings, ForceAssessment } from '../pipeline/schemas.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import { buildFindings, findingsJson } from './findings.js';
import { findingsCsv, overviewMarkdown } from './tables.js';
import { letterDocx, letterFor, letterMarkdown } from './letters.js';
import { triageHtml } from './triage.js';
import { writeManifest, type RunManifest } from '../workers/manifest.js';

export interface LetterFiles { md: string; docx: Buffer }

/** One force's letter, as Markdown and Word. */
export async function letterFiles(f: ForceAssessment, reviewDate: string, wording: Ruleset['letter']): Promise<LetterFiles> {
  const letter = letterFor(f, reviewDate, wording);
  return { md: letterMarkdown(letter, f.name), docx: await letterDocx(letter, f.name) };
}

/** `letters` may hold forces' letters made already (by `letterFiles`, with the same review date
 * and wording), e.g. while other forces were still being assessed; the others are made here. */
export async function writeOutputs(out: string, forces: ForceAssessment[], reviewDate: string, ruleset: Ruleset, manifest: RunManifest, letters?: Map<string, Promise<LetterFiles>>): Promise<Findings> {
  const findings = buildFindings(forces, reviewDate, ruleset.version);
  mkdirSync(join(out, 'letters'), { recursive: true });
  writeFileSync(join(out, 'findings.json'), findingsJson(findings));
  writeFileSync(join(out, 'findings.csv'), findingsCsv(findings));
  writeFileSync(join(out, 'overview.md'), overviewMarkdown(findings));
  for (const f of findings.forces) {
    const letter = await (letters?.get(f.force) ?? letterFiles(f, reviewDate, ruleset.letter));
    writeFileSync(join(out, 'letters', `${f.force}.md`), letter.md);
    writeFileSync(join(out, 'letters', `${f.force}.docx`), letter.docx);
  }
  writeFileSync(join(out, 'index.html'), triageHtml(findings));
  writeManifest(out, manifest);
  return findings;
}
