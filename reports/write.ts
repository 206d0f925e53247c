// Writes every output of a run into its folder: findings.json, findings.csv, overview.md,
// letters/<force>.md and .docx, index.html, and run.json (what rescore needs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Findings, ForceAssessment } from '../pipeline/schemas.js';
import type { Ruleset } from '../pipeline/rules/load.js';
import { buildFindings, findingsJson } from './findings.js';
import { findingsCsv, overviewMarkdown } from './tables.js';
import { letterDocx, letterFor, letterMarkdown } from './letters.js';
import { triageHtml } from './triage.js';
import { writeManifest, type RunManifest } from '../workers/manifest.js';

export interface LetterFiles { md: string; docx: Buffer }

/** One force's letter, as Markdown and Word. When the run folder `previous` holds a letter to
 * the force with the same Markdown, it is the same letter (the Markdown has every word and its
 * style: subject, headings, quotes), and its Word file is taken as it is rather than made again
 * (which costs more than judging a small force). */
export async function letterFiles(f: ForceAssessment, reviewDate: string, wording: Ruleset['letter'], previous?: string): Promise<LetterFiles> {
  const letter = letterFor(f, reviewDate, wording);
  const md = letterMarkdown(letter, f.name);
  if (previous) {
    const at = (ext: string) => join(previous, 'letters', `${f.force}.${ext}`);
    try {
      if (readFileSync(at('md'), 'utf8') === md) return { md, docx: readFileSync(at('docx')) };
    } catch { /* no such letter: made below */ }
  }
  return { md, docx: await letterDocx(letter, f.name) };
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
