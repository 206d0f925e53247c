// Spreadsheets (XLSX) through exceljs: every non-empty row becomes a table-row part located by
// sheet and row; the first non-empty row of a sheet is taken as its header, so that a Status
// or RAG column can be found by name. Dates are shown day-first, as a UK user sees them.
import ExcelJS from 'exceljs';
import type { Part } from '../schemas.js';
import { ExtractionProblem, type Extracted } from './types.js';

export async function readXlsx(bytes: Uint8Array): Promise<Extracted> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (err) {
    throw new ExtractionProblem('unreadable', `not a readable spreadsheet (${(err as Error).message})`);
  }
  const parts: Part[] = [];
  const notes: string[] = [];
  wb.eachSheet((sheet) => {
    let header: string[] | undefined;
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c)));
      while (cells.length && cells[cells.length - 1] === '') cells.pop();
      const nonEmpty = cells.filter((c) => c !== '');
      if (!nonEmpty.length) return;
      parts.push({
        kind: 'table-row',
        text: nonEmpty.join(' | '),
        cells,
        header,
        location: { sheet: sheet.name, row: rowNumber },
      });
      if (!header && nonEmpty.length >= 2) header = cells;
    });
  });
  if (!parts.length) notes.push('the workbook has no text');
  return { format: 'xlsx', status: 'ok', notes, parts, meta: {} };
}

export function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return ukDate(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('').replace(/\s+/g, ' ').trim();
    if ('result' in o) return o.result instanceof Date ? ukDate(o.result) : String(o.result ?? '');
    if ('text' in o) return String(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v).replace(/\s+/g, ' ').trim();
}

function ukDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
