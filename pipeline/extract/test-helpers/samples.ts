// Builders of small documents in every format the extractor reads, and of broken ones, for
// the tests and for fixtures/bad-input/generate.ts. Deterministic where the libraries allow
// (pdfkit and docx stamp dates, so those are fixed here); nothing is fetched.
import { deflateRawSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import JSZip from 'jszip';
import CFB from 'cfb';
import { Document, Packer, Paragraph, HeadingLevel, TextRun, Header, ImageRun, InsertedTextRun, DeletedTextRun, Table, TableRow, TableCell } from 'docx';

export const FIXED_DATE = new Date(Date.UTC(2017, 4, 30, 9, 0, 0));

/** Sentences that the rules recognise, so that a document read in any format gives evidence. */
export const PLAN_TEXT = [
  'The counter corruption unit review was completed in March 2017 and two analysts were recruited.',
  'Monitoring software went live on 2 May 2017 on all force desktops.',
  'We will meet the local IDVA service and sexual violence advisers from September 2017 to seek intelligence about officers.',
];

/** A small PDF with a heading and one paragraph per page. */
export function textPdf(pages: string[][], opts: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const d = new PDFDocument({ size: 'A4', margin: 60, info: { CreationDate: FIXED_DATE, Title: 'APSP plan' }, ...opts });
    const chunks: Buffer[] = [];
    d.on('data', (c: Buffer) => chunks.push(c));
    d.on('end', () => resolve(Buffer.concat(chunks)));
    pages.forEach((lines, i) => {
      if (i > 0) d.addPage();
      d.font('Helvetica-Bold').fontSize(16).text(lines[0]);
      d.moveDown().font('Helvetica').fontSize(11);
      for (const l of lines.slice(1)) d.text(l).moveDown(0.5);
    });
    d.end();
  });
}

/** A PDF whose one page is the given PNG (a scan: no text layer). */
export function imagePdf(png: Uint8Array): Promise<Buffer> {
  return new Promise((resolve) => {
    const d = new PDFDocument({ size: 'A4', margin: 0, info: { CreationDate: FIXED_DATE } });
    const chunks: Buffer[] = [];
    d.on('data', (c: Buffer) => chunks.push(c));
    d.on('end', () => resolve(Buffer.concat(chunks)));
    d.image(Buffer.from(png), 0, 0, { width: 595.28 });
    d.end();
  });
}

/** A hand-written PDF: `pages` pages that share one content stream (so a few thousand pages
 * stay a few hundred KB); 0 pages gives a well-formed PDF with an empty page tree. */
export function manyPagePdf(pages: number, line = 'Appendix C: incident log, one entry per page.'): Buffer {
  const objs: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${i + 5} 0 R`).join(' ');
  const content = `BT /F1 12 Tf 72 760 Td (${line}) Tj ET`;
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> >>`);
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  objs.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  for (let i = 0; i < pages; i++) objs.push('<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export interface DocxOptions { header?: string; image?: Uint8Array; tracked?: boolean; table?: string[][]; paragraphs?: string[]; heading?: string }

/** A Word document through the `docx` package, with the features whose loss is reported. */
export async function docxFile(o: DocxOptions = {}): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [new Paragraph({ text: o.heading ?? 'Abuse of position: delivery plan', heading: HeadingLevel.HEADING_1 })];
  for (const p of o.paragraphs ?? PLAN_TEXT) children.push(new Paragraph(p));
  if (o.tracked) {
    children.push(new Paragraph({ children: [
      new TextRun('The vetting review '),
      new DeletedTextRun({ text: 'will start', id: 1, author: 'PSD', date: FIXED_DATE.toISOString() }),
      new InsertedTextRun({ text: 'started in April 2017', id: 2, author: 'PSD', date: FIXED_DATE.toISOString() }),
      new TextRun('.'),
    ] }));
  }
  if (o.table) {
    children.push(new Table({ rows: o.table.map((r) => new TableRow({ children: r.map((c) => new TableCell({ children: [new Paragraph(c)] })) })) }));
  }
  if (o.image) children.push(new Paragraph({ children: [new ImageRun({ type: 'png', data: Buffer.from(o.image), transformation: { width: 200, height: 100 } })] }));
  const doc = new Document({
    creator: 'plan-assessor tests',
    sections: [{ headers: o.header ? { default: new Header({ children: [new Paragraph(o.header)] }) } : undefined, children }],
  });
  return normaliseZipDates(await Packer.toBuffer(doc));
}

/** docx stamps the time of writing into the package; fix it so the bytes repeat. */
function normaliseZipDates(buf: Buffer): Promise<Buffer> {
  return rezip(buf, (name, content) => (name === 'docProps/core.xml' ? content.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '2017-05-30T09:00:00Z') : content));
}

/** Replaces one part of a ZIP package (to break a DOCX's XML, say). */
export function replaceZipPart(buf: Uint8Array, name: string, edit: (s: string) => string): Promise<Buffer> {
  return rezip(buf, (n, content) => (n === name ? edit(content) : content));
}

/** Writes a ZIP package again, every entry dated FIXED_DATE and no folder entries, so that the
 * same content gives the same bytes; `edit` may change the text of any entry on the way. */
async function rezip(buf: Uint8Array, edit: (name: string, content: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(buf);
  const out = new JSZip();
  for (const f of Object.values(zip.files)) {
    if (f.dir) continue;
    const binary = !/\.(xml|rels)$/.test(f.name);
    const content = binary ? await f.async('uint8array') : edit(f.name, await f.async('string'));
    out.file(f.name, content, { date: FIXED_DATE, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A ZIP archive of the given files (path → bytes). */
export function zipOf(files: Record<string, Uint8Array | string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) zip.file(name, data, { date: FIXED_DATE, createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Archives nested `depth` deep: level1.zip › level2.zip › … › plan.txt. */
export async function nestedZip(depth: number, inner: Record<string, Uint8Array | string>): Promise<Buffer> {
  let cur = await zipOf(inner);
  for (let d = depth; d > 1; d--) cur = await zipOf({ [`level-${d}.zip`]: cur });
  return cur;
}

/** A ZIP bomb in the manner of 42.zip: `layers` of archives, each holding `fanout` copies of
 * the layer below, the innermost holding `size` zero bytes. Each archive declares honest,
 * modest sizes; only the whole nest expands hugely (fanout^(layers-1) × size). */
export async function nestedBomb(layers: number, fanout: number, size: number): Promise<Buffer> {
  let cur = await zipOf({ 'zeros.bin': Buffer.alloc(size) });
  for (let l = 2; l <= layers; l++) {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < fanout; i++) files[`layer-${l - 1}-${String(i).padStart(2, '0')}.zip`] = cur;
    cur = await zipOf(files);
  }
  return cur;
}

/** A ZIP bomb: `entries` central-directory entries that all point at one deflated block of
 * `size` zero bytes (overlapping entries), so the file stays small while it expands to
 * entries × size. With `lie`, every header declares 1 KB instead of the real size. */
export function zipBomb(entries: number, size: number, lie = false): Buffer {
  const data = deflateRawSync(Buffer.alloc(size), { level: 9 });
  const crc = crc32(Buffer.alloc(size));
  const declared = lie ? 1024 : size;
  const name = Buffer.from('zeros.bin');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
  const head = Buffer.concat([local, name, data]);
  const central: Buffer[] = [];
  for (let i = 0; i < entries; i++) {
    const n = Buffer.from(`zeros-${String(i).padStart(3, '0')}.bin`);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(0, 8); c.writeUInt16LE(8, 10);
    c.writeUInt32LE(0, 12); c.writeUInt32LE(crc, 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(declared, 24);
    c.writeUInt16LE(n.length, 28); c.writeUInt32LE(0, 42); // every entry's data is the one block at offset 0
    central.push(c, n);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries, 8); end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(head.length, 16);
  return Buffer.concat([head, cd, end]);
}

/** Sets the "encrypted" flag on every entry of a ZIP (JSZip, like most readers, then refuses
 * it as password-protected; real encryption would need the zip tool). */
export function flagEncrypted(zip: Buffer): Buffer {
  const b = Buffer.from(zip);
  for (let i = 0; i + 4 <= b.length; i++) {
    const sig = b.readUInt32LE(i);
    if (sig === 0x04034b50) b.writeUInt16LE(b.readUInt16LE(i + 6) | 1, i + 6);
    else if (sig === 0x02014b50) b.writeUInt16LE(b.readUInt16LE(i + 8) | 1, i + 8);
  }
  return b;
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A minimal but well-formed PPTX: slides with a title and body text, one with a table. */
export async function pptxFile(slides: { title: string; body: string[]; table?: string[][] }[]): Promise<Buffer> {
  const zip = new JSZip();
  const opt = { date: FIXED_DATE, createFolders: false };
  const ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  zip.file('[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>${slides.map((_, i) => `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join('')}</Types>`, opt);
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>', opt);
  // slides listed in reverse file order, to show that the presentation's order is followed
  const order = slides.map((_, i) => i).reverse();
  zip.file('ppt/presentation.xml', `<?xml version="1.0" encoding="UTF-8"?><p:presentation ${ns}><p:sldIdLst>${order.map((i, k) => `<p:sldId id="${256 + k}" r:id="rId${i + 1}"/>`).join('')}</p:sldIdLst></p:presentation>`, opt);
  zip.file('ppt/_rels/presentation.xml.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`, opt);
  order.forEach((i) => {
    const s = slides[i];
    const para = (t: string) => `<a:p><a:r><a:rPr lang="en-GB"/><a:t>${esc(t)}</a:t></a:r></a:p>`;
    const table = s.table ? `<p:graphicFrame><a:graphic><a:graphicData><a:tbl>${s.table.map((r) => `<a:tr>${r.map((c) => `<a:tc><a:txBody>${para(c)}</a:txBody></a:tc>`).join('')}</a:tr>`).join('')}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>` : '';
    zip.file(`ppt/slides/slide${i + 1}.xml`, `<?xml version="1.0" encoding="UTF-8"?><p:sld ${ns}><p:cSld><p:spTree><p:sp><p:nvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody>${para(s.title)}</p:txBody></p:sp><p:sp><p:nvSpPr><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:txBody>${s.body.map(para).join('')}</p:txBody></p:sp>${table}</p:spTree></p:cSld></p:sld>`, opt);
  });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A MIME message with a plain-text body, attachments, an inline image and optionally an
 * attached message (message/rfc822). */
export function emlFile(o: { subject: string; body: string; attachments: { name: string; type: string; data: Uint8Array }[]; inlineImage?: Uint8Array; attachedMessage?: string }): Buffer {
  const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64').replace(/.{76}/g, '$&\r\n');
  const parts: string[] = [];
  parts.push(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${o.body.replace(/\n/g, '\r\n')}\r\n`);
  if (o.inlineImage) parts.push(`Content-Type: image/png; name="image001.png"\r\nContent-Disposition: inline; filename="image001.png"\r\nContent-ID: <image001@plan>\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(o.inlineImage)}\r\n`);
  for (const a of o.attachments) parts.push(`Content-Type: ${a.type}; name="${a.name}"\r\nContent-Disposition: attachment; filename="${a.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(a.data)}\r\n`);
  if (o.attachedMessage) parts.push(`Content-Type: message/rfc822; name="forwarded.eml"\r\nContent-Disposition: attachment; filename="forwarded.eml"\r\n\r\n${o.attachedMessage.replace(/\r?\n/g, '\r\n')}\r\n`);
  const boundary = '----=_plan_assessor_boundary';
  const head = [
    'From: PSD Business Manager <psd@example.police.uk>',
    'To: APSP returns <returns@example.gov.uk>',
    `Subject: ${o.subject}`,
    'Date: Tue, 30 May 2017 16:42:00 +0100',
    'Message-ID: <apsp-return-2017@example.police.uk>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\nThis is a multi-part message in MIME format.\r\n${parts.map((p) => `--${boundary}\r\n${p}`).join('')}--${boundary}--\r\n`, 'utf8');
}

/** An Outlook MSG (an OLE compound file of MAPI property streams), with attachments. Only
 * the properties a reader needs: subject, body, and per attachment its name and data. */
export function msgFile(o: { subject: string; body: string; attachments: { name: string; data: Uint8Array }[] }): Buffer {
  const cfb = CFB.utils.cfb_new();
  const utf16 = (s: string) => Buffer.from(s, 'utf16le');
  const props = (count: { recipients: number; attachments: number }) => {
    // the top-level property stream: 32-byte header (next ids and counts), no fixed properties
    const b = Buffer.alloc(32);
    b.writeUInt32LE(count.recipients, 8); b.writeUInt32LE(count.attachments, 12);
    b.writeUInt32LE(count.recipients, 16); b.writeUInt32LE(count.attachments, 20);
    return b;
  };
  CFB.utils.cfb_add(cfb, '/__properties_version1.0', props({ recipients: 0, attachments: o.attachments.length }));
  CFB.utils.cfb_add(cfb, '/__substg1.0_0037001F', utf16(o.subject));
  CFB.utils.cfb_add(cfb, '/__substg1.0_1000001F', utf16(o.body));
  CFB.utils.cfb_add(cfb, '/__substg1.0_001A001F', utf16('IPM.Note'));
  o.attachments.forEach((a, i) => {
    const dir = `/__attach_version1.0_#${String(i).padStart(8, '0')}`;
    // attachment property stream: 8-byte header, then one fixed property, PR_ATTACH_METHOD = 1 (by value)
    const p = Buffer.alloc(8 + 16);
    p.writeUInt16LE(0x0003, 8); p.writeUInt16LE(0x3705, 10); p.writeUInt32LE(6, 12); p.writeUInt32LE(1, 16);
    CFB.utils.cfb_add(cfb, `${dir}/__properties_version1.0`, p);
    CFB.utils.cfb_add(cfb, `${dir}/__substg1.0_3707001F`, utf16(a.name));
    CFB.utils.cfb_add(cfb, `${dir}/__substg1.0_3704001F`, utf16(a.name));
    CFB.utils.cfb_add(cfb, `${dir}/__substg1.0_37010102`, Buffer.from(a.data));
  });
  CFB.utils.cfb_del(cfb, '/\u0001Sh33tJ5');
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/** An OLE file holding an encrypted Office package, as Word saves a password-protected DOCX. */
export function encryptedOffice(): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0, ...Buffer.from('<?xml version="1.0"?><encryption/>')]));
  CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(4096, 0x5a));
  CFB.utils.cfb_del(cfb, '/\u0001Sh33tJ5');
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(n: number, seed = 2017): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
