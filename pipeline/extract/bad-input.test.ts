// The bad-input corpus (fixtures/bad-input) in a run: put inside a force beside its good
// documents (and a second copy of one of them), it is extracted once, by the embedded runner
// as `plan-assessor run` does it. Then:
//  - every file gets the status and note its manifest names, under the manifest's limits, and
//    so does every document inside it (read from the run's extraction cache: extract()'s own
//    output for each file);
//  - the force gets the verdicts its good documents alone get, and findings.json accounts for
//    every file and every document inside one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTRACTOR_VERSION, sha256, withEmbedded } from './index.js';
import { loadRuleset } from '../rules/load.js';
import { ExtractedDocument, Findings, type ForceAssessment } from '../schemas.js';
import { runEmbedded } from '../../workers/run.js';
import { CORPUS, corpusFile, corpusLimits, expectedHere, manifest, ocrHere, type Expected } from './test-helpers/corpus.js';

const ruleset = loadRuleset('rules');
const GOOD = join('fixtures', 'dev', 'submissions', 'kent');
const PLAN = 'apsp-action-plan-v4-26-05-2017.docx';
let ocr = false;
let out = '';
let clean: Findings;
let mixed: Findings;
const dirs: string[] = [];

async function run(withBad: boolean): Promise<{ findings: Findings; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), `pa-bad-input-${withBad ? 'mixed' : 'clean'}-`));
  dirs.push(dir);
  const kent = join(dir, 'subs', 'kent');
  mkdirSync(join(kent, 'bad'), { recursive: true });
  for (const f of readdirSync(GOOD)) copyFileSync(join(GOOD, f), join(kent, f));
  if (withBad) {
    for (const e of manifest.files) copyFileSync(join(CORPUS, 'files', e.file), join(kent, 'bad', e.file));
    copyFileSync(join(GOOD, PLAN), join(kent, 'z-copy-of-plan.docx')); // the same plan sent twice
  }
  await runEmbedded({ submissions: join(dir, 'subs'), out: join(dir, 'out'), reviewDate: '2017-06-01', ruleset, limits: corpusLimits, threads: withBad ? 2 : 1 });
  return { out: join(dir, 'out'), findings: Findings.parse(JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8'))) };
}

beforeAll(async () => {
  ocr = ocrHere();
  const [a, b] = await Promise.all([run(false), run(true)]);
  clean = a.findings;
  mixed = b.findings;
  out = b.out;
});

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** extract()'s result for a corpus file, as the run cached it, with what is inside it. */
function extracted(file: string): ExtractedDocument[] {
  const path = join(out, 'cache', 'extract', `${sha256(corpusFile(file))}.${EXTRACTOR_VERSION}.json`);
  return withEmbedded({ ...ExtractedDocument.parse(JSON.parse(readFileSync(path, 'utf8'))), file });
}

const text = (d: ExtractedDocument) => d.parts.map((p) => p.text).join(' ').replace(/\s+/g, ' ');

function check(d: ExtractedDocument | undefined, e: Expected) {
  expect(d, `${e.file} is listed`).toBeDefined();
  expect(d!.status, `${d!.file}: ${d!.notes.join(' | ')}`).toBe(e.status);
  if (e.note) expect(d!.notes.some((n) => n.includes(e.note)), `${d!.file} notes ${JSON.stringify(d!.notes)} include “${e.note}”`).toBe(true);
  else expect(d!.notes.filter((n) => !/each listed as a document of its own/.test(n)), `${d!.file} has no notes`).toEqual([]);
  if (e.text) expect(text(d!)).toContain(e.text);
  if (e.status !== 'ok') expect(d!.parts).toEqual([]);
}

describe('the bad-input corpus', () => {
  it('has at least 25 files, all of them in the manifest', () => {
    const files = readdirSync(join(CORPUS, 'files')).sort();
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(manifest.files.map((e) => e.file).sort()).toEqual(files);
  });

  it.each(manifest.files.map((e) => [e.file, e] as const))('%s: status and note as the manifest says', (_, raw) => {
    const e = expectedHere(raw, ocr);
    const [doc, ...inner] = extracted(e.file);
    check(doc, e);
    // the documents inside: exactly those listed (when listed), each as expected
    for (const x of e.embedded ?? []) check(inner.find((d) => d.file === `${e.file} › ${x.file}`), { ...x, file: `${e.file} › ${x.file}` });
    if (e.embedded) expect(inner.map((d) => d.file).sort()).toEqual(e.embedded.map((x) => `${e.file} › ${x.file}`).sort());
  });

  it('notes say how to get past each limit', () => {
    const notes = manifest.files.flatMap((e) => extracted(e.file)).flatMap((d) => d.notes);
    for (const option of ['--max-pages', '--max-unzipped-bytes', '--max-depth', '--max-entries']) {
      expect(notes.some((n) => n.includes(option)), option).toBe(true);
    }
  });
});

const verdicts = (f: ForceAssessment) => ({ category: f.category, ...Object.fromEntries(Object.entries(f.criteria).map(([k, c]) => [k, c.status])) });

describe('a force whose submission mixes the corpus with its good documents', () => {
  it('gets the verdicts its good documents alone get, with evidence from them', () => {
    const kent = mixed.forces[0];
    expect(verdicts(kent)).toEqual(verdicts(clean.forces[0]));
    expect(Object.values(kent.criteria).some((c) => c.evidence.some((e) => e.document === PLAN))).toBe(true);
  });

  it('lists every file, and every document inside one, with its status', () => {
    const docs = mixed.forces[0].documents;
    const byFile = new Map(docs.map((d) => [d.file, d]));
    // the corpus holds the same plan more than once (a PDF named .docx, the PDF attached to an
    // e-mail…): a repeat is listed as a duplicate of the same bytes, read as expected there
    const read = (file: string) => {
      const d = byFile.get(file);
      if (d?.status !== 'duplicate') return d;
      const first = byFile.get(d.duplicateOf!);
      expect(first?.sha256, `${file} duplicates ${d.duplicateOf}`).toBe(d.sha256);
      return first;
    };
    for (const raw of manifest.files) {
      const e = expectedHere(raw, ocr);
      expect(read(`bad/${e.file}`)?.status, e.file).toBe(e.status);
      for (const x of e.embedded ?? []) expect(read(`bad/${e.file} › ${x.file}`)?.status, `${e.file} › ${x.file}`).toBe(x.status);
    }
    const top = docs.filter((d) => !d.file.includes(' › ')).map((d) => d.file).sort();
    expect(top).toEqual([...readdirSync(GOOD), 'z-copy-of-plan.docx', ...manifest.files.map((e) => `bad/${e.file}`)].sort());
  });

  it('lists a repeated file as a duplicate of the first', () => {
    const copy = mixed.forces[0].documents.find((d) => d.file === 'z-copy-of-plan.docx')!;
    expect(copy).toMatchObject({ status: 'duplicate', duplicateOf: PLAN });
  });
});
