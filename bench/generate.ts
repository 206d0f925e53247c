// Builds the synthetic benchmark drop: one folder per force (slugs from pipeline/forces.csv),
// PDF (pdfkit) and DOCX (docx) documents of police-plan-like prose, a few long PDFs, and a
// separate 1,000-page PDF for the worker memory test. Deterministic from a seed (the same
// seed gives byte-identical files), and cached: a drop whose manifest.json exists is reused.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { Document, Footer, Header, HeadingLevel, Packer, Paragraph } from 'docx';
import JSZip from 'jszip';
import { z } from 'zod';
import { knownForces } from '../workers/discover.js';
import { between, pageText, pick, rng, SECTION_TITLES } from './prose.js';

/** Bump when the generator's output changes, so an old cached drop is not reused. */
export const GENERATOR_VERSION = 2;
const FIXED_DATE = new Date('2017-05-26T09:00:00Z');
const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CACHE = join(HERE, 'cache');

export interface Profile {
  /** How many of the 43 forces get a folder (in forces.csv order). */
  forces: number;
  docsPerForce: [number, number];
  /** Share of documents that are PDF; the rest are DOCX. */
  pdfShare: number;
  pdfPages: [number, number];
  docxPages: [number, number];
  /** Page counts of the long PDFs, each given to a different force. */
  longPdfs: number[];
  /** Pages added to random PDFs until the drop holds at least this many pages. */
  minPages: number;
  /** Pages of the separate PDF a single worker extracts for the memory figure. */
  bigPdfPages: number;
}

export const PROFILES: Record<'full' | 'tiny', Profile> = {
  // The size of the real 31 May drop: 43 forces, 400+ documents, 10,000+ pages.
  full: { forces: 43, docsPerForce: [9, 12], pdfShare: 0.7, pdfPages: [6, 44], docxPages: [2, 16], longPdfs: [300, 340, 380, 450], minPages: 10_500, bigPdfPages: 1000 },
  // For the smoke test: 2 forces × 2 small documents.
  tiny: { forces: 2, docsPerForce: [2, 2], pdfShare: 0.5, pdfPages: [2, 3], docxPages: [1, 2], longPdfs: [], minPages: 0, bigPdfPages: 4 },
};

export const DropManifest = z.object({
  generator: z.number(),
  profile: z.string(),
  seed: z.number(),
  submissions: z.string(),
  bigPdf: z.object({ path: z.string(), pages: z.number() }),
  documents: z.array(z.object({ force: z.string(), file: z.string(), format: z.enum(['pdf', 'docx']), pages: z.number(), bytes: z.number() })),
  totals: z.object({ forces: z.number(), documents: z.number(), pdfs: z.number(), docx: z.number(), pages: z.number(), pdfPages: z.number(), longPdfs: z.number() }),
  generateMs: z.number(),
});
export type DropManifest = z.infer<typeof DropManifest>;

interface PlannedDoc { force: string; forceName: string; file: string; format: 'pdf' | 'docx'; pages: number; seed: number; title: string }

const KINDS = [
  'apsp-action-plan', 'counter-corruption-strategy', 'psd-annual-report', 'ccu-resourcing-review', 'partnership-protocol',
  'it-monitoring-business-case', 'professional-standards-minutes', 'vetting-policy', 'training-plan', 'ethics-committee-minutes',
  'chief-officer-briefing', 'force-management-statement',
];

/** The drop as a list of documents to write: pure, from the seed and the profile. */
export function planDrop(seed: number, p: Profile): PlannedDoc[] {
  const r = rng(seed);
  const forces = [...knownForces()].slice(0, p.forces).map(([slug, name]) => ({ slug, name }));
  const docs: PlannedDoc[] = [];
  for (const f of forces) {
    const n = between(r, p.docsPerForce[0], p.docsPerForce[1]);
    for (let i = 0; i < n; i++) {
      const format = i === 0 || r() < p.pdfShare ? 'pdf' : 'docx';
      const kind = pick(r, KINDS);
      const pages = format === 'pdf' ? between(r, ...p.pdfPages) : between(r, ...p.docxPages);
      const folder = i > 0 && r() < 0.15 ? 'appendices/' : '';
      docs.push({ force: f.slug, forceName: f.name, file: `${folder}${String(i + 1).padStart(2, '0')}-${kind}.${format}`, format, pages, seed: Math.floor(r() * 2 ** 31), title: kind.replace(/-/g, ' ') });
    }
  }
  // the long PDFs, each to a different force chosen by the seed
  const pdfs = () => docs.filter((d) => d.format === 'pdf');
  const takers = [...new Set(p.longPdfs.map(() => pick(r, forces).slug))];
  p.longPdfs.forEach((pages, i) => {
    const force = forces.find((f) => f.slug === takers[i % takers.length])!;
    docs.push({ force: force.slug, forceName: force.name, file: `${String(20 + i)}-annual-report-appendices.pdf`, format: 'pdf', pages, seed: Math.floor(r() * 2 ** 31), title: 'annual report with appendices' });
  });
  while (docs.reduce((a, d) => a + d.pages, 0) < p.minPages) pick(r, pdfs().filter((d) => d.pages < 100)).pages += 5;
  return docs;
}

/** Writes one PDF of exactly `pages` pages, with running header and footer, to `path`. */
export async function writePdf(path: string, d: Pick<PlannedDoc, 'pages' | 'seed' | 'title' | 'forceName'>): Promise<number> {
  const r = rng(d.seed);
  const doc = new PDFDocument({ size: 'A4', margins: { top: 60, bottom: 20, left: 60, right: 60 }, autoFirstPage: false, info: { Title: `${d.forceName}: ${d.title}`, CreationDate: FIXED_DATE, ModDate: FIXED_DATE } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => { doc.on('end', resolve); doc.on('error', reject); });
  let written = 0;
  doc.on('pageAdded', () => { written++; });
  for (let n = 1; n <= d.pages; n++) {
    doc.addPage();
    doc.font('Helvetica').fontSize(8).text('OFFICIAL-SENSITIVE', 60, 30, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(13).text(`${n}. ${pick(r, SECTION_TITLES)}`, 60, 60);
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    for (const para of pageText(r)) doc.text(para, { width: 475 }).moveDown(0.5);
    doc.fontSize(8).text(`${d.forceName} - ${d.title} - Page ${n} of ${d.pages}`, 60, 800, { lineBreak: false });
  }
  doc.end();
  await ended;
  if (written !== d.pages) throw new Error(`bench generator: ${path} came out with ${written} pages instead of ${d.pages}; shorten pageText()`);
  writeFileSync(path, Buffer.concat(chunks));
  return d.pages;
}

/** Writes one DOCX with a page break before each of its `pages` sections. Zip entry dates and
 * the core properties are fixed, so the bytes depend on the seed only. */
export async function writeDocx(path: string, d: Pick<PlannedDoc, 'pages' | 'seed' | 'title' | 'forceName'>): Promise<number> {
  const r = rng(d.seed);
  const children: Paragraph[] = [];
  for (let n = 1; n <= d.pages; n++) {
    children.push(new Paragraph({ text: `${n}. ${pick(r, SECTION_TITLES)}`, heading: HeadingLevel.HEADING_1, pageBreakBefore: n > 1 }));
    for (const para of pageText(r)) children.push(new Paragraph(para));
  }
  const doc = new Document({
    creator: 'bench', title: `${d.forceName}: ${d.title}`,
    sections: [{ headers: { default: new Header({ children: [new Paragraph('OFFICIAL-SENSITIVE')] }) }, footers: { default: new Footer({ children: [new Paragraph(`${d.forceName} - ${d.title}`)] }) }, children }],
  });
  const zip = await JSZip.loadAsync(await Packer.toBuffer(doc));
  const out = new JSZip();
  for (const name of Object.keys(zip.files).sort()) {
    const entry = zip.files[name];
    if (entry.dir) continue;
    let data: string | Uint8Array = await entry.async('uint8array');
    if (name === 'docProps/core.xml') data = Buffer.from(data).toString('utf8').replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, `$1${FIXED_DATE.toISOString().replace('.000', '')}`);
    out.file(name, data, { date: FIXED_DATE, createFolders: false });
  }
  writeFileSync(path, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return d.pages;
}

export function dropDir(seed: number, profile: string, cacheRoot = DEFAULT_CACHE): string {
  return join(cacheRoot, `${profile}-seed${seed}-g${GENERATOR_VERSION}`);
}

/** Returns the cached drop for (seed, profile), generating it first if needed. */
export async function ensureDrop(opts: { seed: number; profile: keyof typeof PROFILES; cacheRoot?: string; log?: (s: string) => void }): Promise<DropManifest> {
  const dir = dropDir(opts.seed, opts.profile, opts.cacheRoot);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) return DropManifest.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const p = PROFILES[opts.profile];
  const t0 = performance.now();
  // build in a temporary folder and rename at the end, so an interrupted run leaves no half drop
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const plan = planDrop(opts.seed, p);
  const documents: DropManifest['documents'] = [];
  let pagesDone = 0;
  const totalPages = plan.reduce((a, d) => a + d.pages, 0) + p.bigPdfPages;
  for (const d of plan) {
    const path = join(tmp, 'submissions', d.force, d.file);
    mkdirSync(dirname(path), { recursive: true });
    await (d.format === 'pdf' ? writePdf(path, d) : writeDocx(path, d));
    documents.push({ force: d.force, file: d.file, format: d.format, pages: d.pages, bytes: readFileSync(path).length });
    if (Math.floor((pagesDone + d.pages) / 1000) > Math.floor(pagesDone / 1000)) opts.log?.(`generating the drop: ${pagesDone + d.pages}/${totalPages} pages`);
    pagesDone += d.pages;
  }
  const bigPath = join(tmp, 'big', 'submissions', 'big-force', `big-${p.bigPdfPages}-pages.pdf`);
  mkdirSync(dirname(bigPath), { recursive: true });
  await writePdf(bigPath, { pages: p.bigPdfPages, seed: opts.seed ^ 0x5eed, title: 'consolidated policy library', forceName: 'Big Force' });
  const pdfs = documents.filter((d) => d.format === 'pdf');
  const manifest: DropManifest = {
    generator: GENERATOR_VERSION, profile: opts.profile, seed: opts.seed,
    submissions: 'submissions',
    bigPdf: { path: join('big', 'submissions', 'big-force', `big-${p.bigPdfPages}-pages.pdf`), pages: p.bigPdfPages },
    documents,
    totals: {
      forces: new Set(documents.map((d) => d.force)).size, documents: documents.length, pdfs: pdfs.length, docx: documents.length - pdfs.length,
      pages: documents.reduce((a, d) => a + d.pages, 0), pdfPages: pdfs.reduce((a, d) => a + d.pages, 0), longPdfs: pdfs.filter((d) => d.pages >= 300).length,
    },
    generateMs: Math.round(performance.now() - t0),
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return manifest;
}
