// OCR of scanned pages and images with Debian's tesseract (`tesseract-ocr` + `tesseract-ocr-eng`),
// run as a child process: `OMP_THREAD_LIMIT=1 tesseract page.png stdout -l eng` (one thread:
// several documents are read at once, and tesseract's own threads made it 5.7× slower on a
// 2-core box). PDF pages are rendered to PNG with poppler's pdftoppm, or with pdf-parse's
// renderer when pdftoppm is missing. Page images go to a private temporary folder that is
// removed afterwards; nothing is logged. Children are killed when the document's time is up.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadContext } from './types.js';

export const OCR_INSTALL_HINT = 'install tesseract to recognise scanned text (Debian: apt-get install tesseract-ocr tesseract-ocr-eng), then run again';

let commands = { tesseract: 'tesseract', pdftoppm: 'pdftoppm' };
const probed = new Map<string, boolean>();

/** Points the OCR at other executables (tests use it to simulate a machine without them). */
export function setOcrCommands(c: Partial<typeof commands>): void {
  commands = { ...commands, ...c };
  probed.clear();
}

function probe(cmd: string, args: string[], ok: (out: string) => boolean): boolean {
  const key = `${cmd} ${args.join(' ')}`;
  let v = probed.get(key);
  if (v === undefined) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    v = r.status === 0 && ok(`${r.stdout}${r.stderr}`);
    probed.set(key, v);
  }
  return v;
}

/** Whether tesseract with English is installed (checked once per process). */
export function ocrAvailable(): boolean {
  return probe(commands.tesseract, ['--list-langs'], (out) => /^eng$/m.test(out));
}

/** Why OCR will not run for this document, or undefined when it will. */
export function ocrUnavailable(ctx: Pick<ReadContext, 'limits'>): string | undefined {
  if (!ctx.limits.ocr) return 'OCR was turned off for this run (run without --no-ocr to recognise it)';
  if (!ocrAvailable()) return `OCR is not available on this machine: ${OCR_INSTALL_HINT}`;
  return undefined;
}

function run(cmd: string, args: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { signal, maxBuffer: 64 << 20, encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } }, (err, stdout) => {
      if (err) reject(err); else resolve(stdout);
    });
  });
}

/** Text of an image file (PNG, JPEG, TIFF…), or '' when tesseract finds none. */
export async function recogniseImage(bytes: Uint8Array, ctx: ReadContext): Promise<string> {
  return withTempDir(async (dir) => {
    const img = join(dir, 'image');
    await writeFile(img, bytes);
    return tidy(await run(commands.tesseract, [img, 'stdout', '-l', 'eng'], ctx.signal));
  });
}

export interface PdfOcr {
  /** Recognised text by page number, for the pages that were done. */
  texts: Map<number, string>;
  /** Pages left undone because the document's time ran short. */
  skipped: number[];
}

/** Recognises the given pages of a PDF, one at a time, stopping early (and saying which pages
 * were left) when less than a fifth of the document's time is left. `screenshot` renders a
 * page with pdf-parse when pdftoppm is not installed. */
export async function recognisePdfPages(bytes: Uint8Array, pages: number[], ctx: ReadContext, screenshot: (page: number) => Promise<Uint8Array>): Promise<PdfOcr> {
  const texts = new Map<number, string>();
  const started = Date.now();
  const reserve = ctx.limits.timeoutMs / 5;
  const usePdftoppm = probe(commands.pdftoppm, ['-v'], () => true);
  return withTempDir(async (dir) => {
    const pdf = join(dir, 'document.pdf');
    if (usePdftoppm) await writeFile(pdf, bytes);
    let perPage = 0;
    for (let i = 0; i < pages.length; i++) {
      const elapsed = Date.now() - started;
      if (i > 0 && ctx.limits.timeoutMs - elapsed < reserve + perPage) return { texts, skipped: pages.slice(i) };
      ctx.signal.throwIfAborted();
      const png = join(dir, 'page.png');
      if (usePdftoppm) {
        await run(commands.pdftoppm, ['-r', '200', '-gray', '-png', '-singlefile', '-f', String(pages[i]), '-l', String(pages[i]), pdf, join(dir, 'page')], ctx.signal);
      } else {
        await writeFile(png, await screenshot(pages[i]));
      }
      texts.set(pages[i], tidy(await run(commands.tesseract, [png, 'stdout', '-l', 'eng'], ctx.signal)));
      perPage = (Date.now() - started) / (i + 1);
    }
    return { texts, skipped: [] };
  });
}

async function withTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'plan-assessor-ocr-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** tesseract ends pages with a form feed and leaves runs of blank lines. */
function tidy(text: string): string {
  return text.replace(/\f/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}
