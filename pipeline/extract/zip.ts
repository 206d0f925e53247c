// ZIP archives, and the ZIP containers of Office and OpenDocument files, opened with limits:
// the sizes an archive declares are checked before anything is inflated, and every entry is
// inflated as a stream that stops the moment the file's shared budget of decompressed bytes
// runs out (a ZIP bomb can lie about its sizes). An archive's files become entries that
// `extract` reads as documents of their own.
import JSZip from 'jszip';
import { BudgetExceeded, ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

/** Files that archivers add and nobody submits on purpose. */
const CLUTTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|~\$[^/]*$)/i;

export async function readZip(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const zip = await openZip(bytes, ctx, 'the archive');
  const files = Object.values(zip.files).filter((f) => !f.dir);
  const wanted = files.filter((f) => !CLUTTER.test(f.name));
  const notes: string[] = [];
  const clutter = files.length - wanted.length;
  if (clutter) notes.push(`${clutter} system ${clutter === 1 ? 'file' : 'files'} (such as __MACOSX or Thumbs.db) in the archive ${clutter === 1 ? 'was' : 'were'} skipped`);
  const take = wanted.slice(0, ctx.limits.maxEntries);
  if (take.length < wanted.length) notes.push(entryLimitNote(ctx, wanted.length));
  const entries: NonNullable<Extracted['entries']> = [];
  for (const f of take) entries.push({ file: f.name, bytes: await inflate(f, ctx, 'the archive') });
  if (!wanted.length) notes.push('the archive holds no files');
  else notes.push(`an archive of ${wanted.length} ${wanted.length === 1 ? 'file' : 'files'}, each listed as a document of its own`);
  return { format: 'zip', status: 'ok', notes, parts: [], meta: {}, entries };
}

/** Opens a ZIP container without inflating it; fails when it is damaged, encrypted, or
 * declares more decompressed bytes than the budget has left. `what` names it in notes. */
export async function openZip(bytes: Uint8Array, ctx: ReadContext, what: string): Promise<JSZip> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  } catch (err) {
    if (/encrypt/i.test(reason(err))) throw new ExtractionProblem('unreadable', `${what} is password-protected: ask the force for an unprotected copy`);
    throw new ExtractionProblem('unreadable', `${what} is damaged and could not be opened (${reason(err)}): the file may be truncated`);
  }
  let declared = 0;
  for (const f of Object.values(zip.files)) declared += (f as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
  if (declared > ctx.budget.unzippedBytes) throw tooBig(ctx, what, declared);
  return zip;
}

/** Inflates one entry, counting its bytes against the shared budget as they come. */
export function inflate(file: JSZip.JSZipObject, ctx: ReadContext, what: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let n = 0;
    let done = false;
    const stop = (err: Error) => { if (!done) { done = true; stream.pause(); reject(err); } };
    const stream = file.nodeStream('nodebuffer');
    stream
      .on('data', (chunk: Buffer) => {
        if (done) return;
        n += chunk.length;
        if (n > ctx.budget.unzippedBytes) return stop(tooBig(ctx, what));
        if (ctx.signal.aborted) return stop(new Error('timed out'));
        chunks.push(chunk);
      })
      .on('error', (err: Error) => stop(/size mismatch/i.test(reason(err))
        ? new ExtractionProblem('unreadable', `${what} is damaged: ${file.name} inflates to a size other than the one it declares (${megabytes(n)} read), which is how ZIP bombs hide`)
        : new ExtractionProblem('unreadable', `${what} is damaged: ${file.name} could not be inflated (${reason(err)})`)))
      .on('end', () => {
        if (done) return;
        done = true;
        ctx.budget.unzippedBytes -= n;
        resolve(Buffer.concat(chunks));
      });
  });
}

/** Inflates every part of an Office or OpenDocument package once, against the budget, before
 * the format's own library (which has no limits) reads it. */
export async function checkPackage(bytes: Uint8Array, ctx: ReadContext, what: string): Promise<Map<string, Uint8Array>> {
  const zip = await openZip(bytes, ctx, what);
  const parts = new Map<string, Uint8Array>();
  for (const f of Object.values(zip.files)) if (!f.dir) parts.set(f.name, await inflate(f, ctx, what));
  return parts;
}

export function entryLimitNote(ctx: Pick<ReadContext, 'limits'>, total: number): string {
  const max = ctx.limits.maxEntries;
  return `only the first ${max} of ${total} files inside were read (file limit ${max}; raise it with --max-entries)`;
}

function tooBig(ctx: ReadContext, what: string, declared?: number): BudgetExceeded {
  const limit = ctx.limits.maxUnzippedBytes;
  const says = declared !== undefined && declared > limit ? ` (it declares ${megabytes(declared)})` : '';
  return new BudgetExceeded(`${what} expands to more than the decompressed-size limit of ${megabytes(limit)} for a file and everything inside it${says}: a possible ZIP bomb (raise the limit with --max-unzipped-bytes)`);
}

function megabytes(n: number): string {
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${n} bytes`;
}
