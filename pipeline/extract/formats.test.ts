// The readers one by one (what each keeps: headings, table rows with headers, locations,
// dates; what each reports), format detection, the limits, and OCR when tesseract is missing,
// turned off or too slow.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { extract, extractorId, withEmbedded, DEFAULT_LIMITS } from './index.js';
import { detectFormat } from './detect.js';
import { plainParts } from './doc.js';
import { rtfParts } from './rtf.js';
import { setOcrCommands, ocrAvailable } from './ocr.js';
import { textPdf, imagePdf, emlFile, pptxFile, zipOf, nestedZip, PLAN_TEXT } from './test-helpers/samples.js';
import { corpusFile } from './test-helpers/corpus.js';
import { segment } from '../segment/index.js';
import { match } from '../match/index.js';
import { loadRuleset } from '../rules/load.js';
import type { ExtractedDocument, Part } from '../schemas.js';

const rows = (d: ExtractedDocument) => d.parts.filter((p) => p.kind === 'table-row');
const texts = (parts: Part[]) => parts.map((p) => p.text);
const run = (file: string, bytes: Uint8Array | string, limits = {}) => extract({ file, bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes }, { ...DEFAULT_LIMITS, ...limits });

const ruleset = loadRuleset('rules');

afterEach(() => setOcrCommands({ tesseract: 'tesseract', pdftoppm: 'pdftoppm' }));
const dirs: string[] = [];
const tempDir = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d; };
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('detectFormat', () => {
  it.each([
    ['%PDF-1.4 …', 'x.docx', 'pdf'],
    ['{\\rtf1\\ansi hello}', 'x.doc', 'rtf'],
    ['<!DOCTYPE html><html><body>x</body></html>', 'x.doc', 'html'],
    ['From: a@b\r\nMIME-Version: 1.0\r\nSubject: s\r\n\r\nbody', 'x.txt', 'eml'],
    ['Ref,Action\n1,Recruit', 'plan.csv', 'csv'],
    ['# Plan\n\nText', 'plan.md', 'md'],
    ['Plain words', 'notes', 'txt'],
  ])('%j named %s is %s', async (text, name, format) => {
    expect(await detectFormat(Buffer.from(text), name)).toBe(format);
  });
  it('knows UTF-16 text by its byte-order mark, images by their signature, and empty files', async () => {
    expect(await detectFormat(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{\\rtf1 x}', 'utf16le')]), 'a.rtf')).toBe('rtf');
    expect(await detectFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'scan.pdf')).toBe('image');
    expect(await detectFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'scan')).toBe('image');
    expect(await detectFormat(new Uint8Array(), 'a.pdf')).toBe('empty');
  });
  it('tells the OLE formats apart by their streams, not their names', async () => {
    expect(await detectFormat(corpusFile('legacy-word.doc'), 'renamed.xls')).toBe('doc');
    expect(await detectFormat(corpusFile('legacy-excel.xls'), 'renamed.doc')).toBe('xls');
    expect(await detectFormat(corpusFile('outlook-message.msg'), 'message')).toBe('msg');
    expect(await detectFormat(corpusFile('password-protected.docx'), 'x.docx')).toBe('office-encrypted');
  });
});

describe('readers', () => {
  it('DOC: rows rebuilt from both ways word-extractor ends them, headings guessed', () => {
    const word = plainParts('1. Introduction\nAction\tStatus\t\tRecruit analysts\tComplete\t\tBuy software\t\t\t\nAfter the table.\n');
    expect(word.map((p) => [p.kind, p.text])).toEqual([
      ['heading', '1. Introduction'],
      ['table-row', 'Action | Status'], ['table-row', 'Recruit analysts | Complete'], ['table-row', 'Buy software'],
      ['paragraph', 'After the table.'],
    ]);
    expect(word[3].cells).toEqual(['Buy software', '']);
    const libre = plainParts('Action\tStatus\t\nReview\tComplete\t\n');
    expect(libre.map((p) => p.header)).toEqual([undefined, ['Action', 'Status']]);
  });

  it('RTF: code-page bytes, \\u characters, headings by style, tables, and what was skipped', () => {
    const rtf = String.raw`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\stylesheet{\s0 Normal;}{\s1 heading 1;}{\*\cs10 Default Font;}}` +
      String.raw`{\header {\pard OFFICIAL\par}}\pard\s1 Working with partners\par\pard The review\'92s scope \u8211? agreed.\par` +
      String.raw`\trowd\pard\intbl Action\cell Status\cell\row\trowd\pard\intbl Vetting\cell Complete\cell\row\pard After.{\*\annotation a note}{\pict 0102}\par}`;
    const { parts, seen } = rtfParts(rtf);
    expect(parts.map((p) => [p.kind, p.text])).toEqual([
      ['heading', 'Working with partners'], ['paragraph', 'The review’s scope – agreed.'],
      ['table-row', 'Action | Status'], ['table-row', 'Vetting | Complete'], ['paragraph', 'After.'],
    ]);
    expect([...seen]).toEqual(expect.arrayContaining(['annotation', 'header', 'pict']));
    expect(seen.has('footer') || seen.has('deleted')).toBe(false);
  });

  it('ODT and RTF from an office suite keep the heading, the paragraphs and the table', async () => {
    for (const f of ['opendocument.odt', 'rich-text.rtf']) {
      const d = await run(f, corpusFile(f));
      expect(d.parts[0], f).toMatchObject({ kind: 'heading', text: 'Abuse of position: delivery plan' });
      expect(texts(rows(d)), f).toEqual(['Action | Status | Due', 'Recruit two analysts to the CCU | Complete | 31/03/2017', 'Procure monitoring software | In progress | 30/09/2017']);
      expect(rows(d)[2].header).toEqual(['Action', 'Status', 'Due']);
    }
  });

  it('XLS and CSV: rows located by sheet and row, a header row, dates day-first', async () => {
    const xls = await run('plan.xls', corpusFile('legacy-excel.xls'));
    expect(rows(xls)[2]).toMatchObject({ location: { sheet: 'Action plan', row: 3 }, header: ['Ref', 'Action', 'Owner', 'Status', 'Due'] });
    expect(rows(xls)[2].cells).toEqual(['1.2', 'Procure IT monitoring software', 'Head of ICT', 'In progress', '30/09/2017']);
    const csv = await run('returns/action-plan.csv', 'Action;Status\nReview;Complete\n');
    expect(rows(csv)[1]).toMatchObject({ cells: ['Review', 'Complete'], location: { sheet: 'action-plan', row: 2 } });
  });

  it('a spreadsheet\'s Status column reaches the stage cues of the rules', async () => {
    const csv = await run('plan.csv', corpusFile('action-plan.csv'));
    const matched = match(segment(csv).segments, ruleset.rules, new Date('2017-06-01'));
    const complete = matched.find((m) => m.segment.cells?.includes('Complete'))!;
    const cues = (hits: typeof complete.hits) => hits.filter((h) => h.role === 'stage').map((h) => h.ruleId);
    // a cue that comes from the column: without the header, it does not fire
    const bare = match([{ ...complete.segment, header: undefined }], ruleset.rules, new Date('2017-06-01'));
    expect(cues(complete.hits).filter((id) => !cues(bare[0].hits).includes(id)).length, cues(complete.hits).join()).toBeGreaterThan(0);
  });

  it('XLSX written by another program is read; a date cell shows day-first', async () => {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Action', 'Due'], ['Go live', new Date(Date.UTC(2017, 4, 2))]], { cellDates: true }), 'Plan');
    const d = await run('plan.xlsx', XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }) as Buffer);
    expect(d.status).toBe('ok');
    expect(rows(d)[1].cells).toEqual(['Go live', '02/05/2017']);
  });

  it('PPTX: slides in presentation order, located by slide, titles as headings', async () => {
    const d = await run('deck.pptx', await pptxFile([{ title: 'First in the file', body: ['Alpha.'] }, { title: 'Shown first', body: ['Beta.'], table: [['Action', 'Status'], ['Vet', 'Done']] }]));
    expect(d.pages).toBe(2);
    expect(d.parts.map((p) => [p.kind, p.text, p.location.page])).toEqual([
      ['heading', 'Shown first', 1], ['paragraph', 'Beta.', 1], ['table-row', 'Action | Status', 1], ['table-row', 'Vet | Done', 1],
      ['heading', 'First in the file', 2], ['paragraph', 'Alpha.', 2],
    ]);
  });

  it('HTML: the declared Windows-1252 charset, headings, table rows; scripts dropped', async () => {
    const html = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"><title>Plan</title><script>alert(1)</script></head><body><h2>Partners</h2><p>The IDVA\x92s service</p><table><tr><th>Action</th><th>Status</th></tr><tr><td>Meet</td><td>Planned</td></tr></table></body></html>', 'latin1')]);
    const d = await run('plan.htm', html);
    expect(d.meta.title).toBe('Plan');
    expect(d.parts.map((p) => [p.kind, p.text])).toEqual([['heading', 'Partners'], ['paragraph', 'The IDVA’s service'], ['table-row', 'Action | Status'], ['table-row', 'Meet | Planned']]);
  });

  it('EML: attachments named uniquely and extracted, inline images counted, body by line', async () => {
    const pdf = await textPdf([['Plan', PLAN_TEXT[0]]]);
    const eml = emlFile({ subject: 'Return', body: 'Line one.\n\nLine three.', attachments: [{ name: 'plan.pdf', type: 'application/pdf', data: pdf }, { name: 'plan.pdf', type: 'application/pdf', data: Buffer.from('not a pdf') }], inlineImage: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    const docs = withEmbedded(await run('in/mail.eml', eml));
    expect(docs.map((d) => [d.file, d.format, d.status])).toEqual([
      ['in/mail.eml', 'eml', 'ok'], ['in/mail.eml › plan.pdf', 'pdf', 'ok'], ['in/mail.eml › plan (2).pdf', 'txt', 'ok'],
    ]);
    expect(docs[0].notes).toEqual(['the message has 2 attachments, each listed as a document of its own', '1 image shown in the message body (such as logos) was not read']);
    expect(docs[0].parts.map((p) => [p.kind, p.text, p.location.line])).toEqual([['heading', 'Return', undefined], ['paragraph', 'Line one.', 1], ['paragraph', 'Line three.', 3]]);
    expect(docs[0].meta).toEqual({ title: 'Return', date: '2017-05-30' });
  });
});

describe('limits', () => {
  it('a file over the size limit is listed, not read', async () => {
    const d = await run('big.txt', 'x'.repeat(2000), { maxBytes: 1000 });
    expect(d).toMatchObject({ status: 'unreadable', notes: ['the file is 2000 bytes, over the size limit of 1000 (raise it with --max-bytes)'] });
  });

  it('archives nest no deeper than the limit, and the outermost file carries a ZIP bomb', async () => {
    const nest = withEmbedded(await run('n.zip', await nestedZip(3, { 'plan.txt': 'Text.' }), { maxDepth: 1 }));
    expect(nest.map((d) => [d.file, d.status])).toEqual([['n.zip', 'ok'], ['n.zip › level-2.zip', 'ok'], ['n.zip › level-2.zip › level-3.zip', 'unreadable']]);
    const inner = await zipOf({ 'big.txt': 'a'.repeat(30_000) });
    const outer = await run('o.zip', await zipOf({ 'plan.txt': 'x', 'inner.zip': inner }), { maxUnzippedBytes: 20_000 });
    expect(outer.status).toBe('unreadable');
    expect(outer.embedded).toBeUndefined();
    expect(outer.notes[0]).toContain('ZIP bomb');
  });

  it('an e-mail with more attachments than the file limit lists the first ones', async () => {
    const eml = emlFile({ subject: 'S', body: 'B', attachments: [1, 2, 3].map((i) => ({ name: `a${i}.txt`, type: 'text/plain', data: Buffer.from(`Attachment ${i}.`) })) });
    const d = await run('m.eml', eml, { maxEntries: 2 });
    expect(d.embedded?.map((x) => x.file)).toEqual(['a1.txt', 'a2.txt']);
    expect(d.notes).toContain('only the first 2 of 3 files inside were read (file limit 2; raise it with --max-entries)');
  });

  it('the extractor id changes with the limits, so a cached extraction under other limits is not reused', () => {
    expect(extractorId({ ...DEFAULT_LIMITS, maxPages: 10 })).not.toBe(extractorId(DEFAULT_LIMITS));
    // turning OCR off changes what is extracted only where OCR could run
    expect(extractorId({ ...DEFAULT_LIMITS, ocr: false }) === extractorId(DEFAULT_LIMITS)).toBe(!ocrAvailable());
    expect(extractorId(DEFAULT_LIMITS)).toBe(extractorId({ ...DEFAULT_LIMITS }));
  });
});

describe('OCR', () => {
  const scanned = () => imagePdf(corpusFile('scanned-note.png'));

  it('without tesseract, a scanned PDF or image is needs_ocr with a note on how to enable OCR', async () => {
    setOcrCommands({ tesseract: '/nonexistent/tesseract' });
    const pdf = await run('scan.pdf', await scanned());
    expect(pdf.status).toBe('needs_ocr');
    expect(pdf.notes.join(' ')).toMatch(/looks scanned.*apt-get install tesseract-ocr tesseract-ocr-eng/);
    const png = await run('scan.png', corpusFile('scanned-note.png'));
    expect(png).toMatchObject({ status: 'needs_ocr', parts: [] });
    expect(png.notes[0]).toContain('install tesseract');
  });

  it('with OCR turned off, a PDF with a page without text among text pages is read, the page noted', async () => {
    const text = await textPdf([['Plan', PLAN_TEXT[0]]]);
    const d = await run('mixed.pdf', await textPdf([['Plan', PLAN_TEXT[0]], ['']]), { ocr: false });
    expect(d.status).toBe('ok');
    expect(d.notes).toEqual(['page 2 had no text layer and was not read; OCR was turned off for this run (run without --no-ocr to recognise it)']);
    expect((await run('t.pdf', text, { ocr: false })).notes).toEqual([]);
  });

  it('renders pages with pdf-parse when pdftoppm is missing, and uses what OCR returns', async () => {
    const dir = tempDir('pa-fake-ocr-');
    const fake = join(dir, 'tesseract');
    // answers like tesseract, but only for a PNG image: the page must have been rendered
    writeFileSync(fake, '#!/bin/sh\nif [ "$1" = "--list-langs" ]; then echo eng; exit 0; fi\nif [ "$(head -c 4 "$1" | tail -c 3)" = "PNG" ]; then echo "Monitoring software went live in May 2017."; else exit 3; fi\n');
    chmodSync(fake, 0o755);
    setOcrCommands({ tesseract: fake, pdftoppm: '/nonexistent/pdftoppm' });
    const d = await run('scan.pdf', await scanned());
    expect(d).toMatchObject({ status: 'ok', notes: ['text recognised by OCR on page 1 (scanned; check quotes against the original)'] });
    expect(d.parts).toEqual([{ kind: 'page', text: 'Monitoring software went live in May 2017.', location: { page: 1 } }]);
  });

  it('stops OCR that runs over the time limit, killing tesseract, and says so', async () => {
    const dir = tempDir('pa-slow-ocr-');
    const slow = join(dir, 'tesseract');
    writeFileSync(slow, '#!/bin/sh\nif [ "$1" = "--list-langs" ]; then echo eng; exit 0; fi\nexec sleep 30\n');
    chmodSync(slow, 0o755);
    setOcrCommands({ tesseract: slow });
    const t0 = Date.now();
    const d = await run('scan.png', corpusFile('scanned-note.png'), { timeoutMs: 1000 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(d).toMatchObject({ status: 'unreadable', notes: ['reading took longer than the limit of 1 s (raise it with --timeout)'] });
  });
});
