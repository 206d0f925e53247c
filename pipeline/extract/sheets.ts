// Spreadsheets other than XLSX — Excel 97–2003 (XLS), OpenDocument (ODS) and CSV — through
// SheetJS (`xlsx`). Like XLSX (xlsx.ts), every non-empty row becomes a table-row part located
// by sheet and row, with the sheet's first row of two or more cells as its header, so that a
// Status or RAG column can be found by name. Dates are shown day-first, as a UK user sees
// them, whatever the machine's time zone.
import * as XLSX from 'xlsx';
import type { Part } from '../schemas.js';
import { decodeText } from './text.js';
import { checkPackage } from './zip.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

export interface SheetRow { row: number; cells: string[] }

/** Rows of one sheet → table-row parts. The first row with two or more non-empty cells is the
 * header of the rows after it. */
export function rowsToParts(sheet: string | undefined, rows: SheetRow[]): Part[] {
  const parts: Part[] = [];
  let header: string[] | undefined;
  for (const { row, cells: raw } of rows) {
    const cells = raw.map((c) => c.replace(/\s+/g, ' ').trim());
    while (cells.length && cells[cells.length - 1] === '') cells.pop();
    const nonEmpty = cells.filter((c) => c !== '');
    if (!nonEmpty.length) continue;
    parts.push({ kind: 'table-row', text: nonEmpty.join(' | '), cells, header, location: sheet === undefined ? { row } : { sheet, row } });
    if (!header && nonEmpty.length >= 2) header = cells;
  }
  return parts;
}

export function ukDate(y: number, m: number, d: number): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d)}/${p(m)}/${y}`;
}

export async function readSheets(bytes: Uint8Array, format: 'xls' | 'ods' | 'xlsx', ctx?: ReadContext): Promise<Extracted> {
  if (format === 'ods' && ctx) await checkPackage(bytes, ctx, 'the spreadsheet');
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(Buffer.from(bytes), { type: 'buffer', cellDates: false, cellHTML: false, cellFormula: false });
  } catch (err) {
    if (/password|encrypt/i.test(reason(err))) throw new ExtractionProblem('unreadable', 'the workbook is password-protected: ask the force for an unprotected copy');
    throw new ExtractionProblem('unreadable', `not a readable spreadsheet (${reason(err)})`);
  }
  return workbookParts(wb, format, (name) => name);
}

export function readCsv(bytes: Uint8Array, file = ''): Extracted {
  const { text, notes } = decodeText(bytes);
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(text, { type: 'string', raw: true, cellDates: false });
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not readable as comma-separated values (${reason(err)})`);
  }
  // Excel names a CSV file's one sheet after the file; so does the location here
  const base = file.split(/[/›]/).pop()?.trim().replace(/\.[^.]*$/, '') || 'CSV';
  const out = workbookParts(wb, 'csv', () => base);
  return { ...out, notes: [...notes, ...out.notes] };
}

function workbookParts(wb: XLSX.WorkBook, format: string, sheetName: (name: string) => string): Extracted {
  const parts: Part[] = [];
  const notes: string[] = [];
  for (const name of wb.SheetNames) {
    const sheet = wb.Sheets[name];
    if (!sheet) continue;
    const byRow = new Map<number, string[]>();
    for (const addr of Object.keys(sheet)) {
      if (addr.startsWith('!')) continue;
      const { r, c } = XLSX.utils.decode_cell(addr);
      const t = cellText(sheet[addr] as XLSX.CellObject);
      if (!t) continue;
      let row = byRow.get(r);
      if (!row) byRow.set(r, (row = []));
      while (row.length < c) row.push('');
      row[c] = t;
    }
    const rows = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([r, cells]) => ({ row: r + 1, cells: Array.from(cells, (x) => x ?? '') }));
    parts.push(...rowsToParts(sheetName(name), rows));
  }
  if (!parts.length) notes.push('the workbook has no text');
  return { format, status: 'ok', notes, parts, meta: {} };
}

function cellText(cell: XLSX.CellObject): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  if (cell.t === 'n' && cell.z && XLSX.SSF.is_date(cell.z)) {
    const d = XLSX.SSF.parse_date_code(cell.v as number);
    if (d) return ukDate(d.y, d.m, d.d);
  }
  if (cell.t === 'd' && cell.v instanceof Date) return ukDate(cell.v.getUTCFullYear(), cell.v.getUTCMonth() + 1, cell.v.getUTCDate());
  return String(cell.w ?? cell.v).replace(/\s+/g, ' ').trim();
}
