// Spreadsheets (XLSX) through exceljs: every non-empty row becomes a table-row part located by
// sheet and row (sheets.ts says how, and reads the other spreadsheet formats). A workbook that
// exceljs cannot read is tried with SheetJS, which accepts more of what other programs write.
import ExcelJS from 'exceljs';
import { rowsToParts, readSheets, ukDate, type SheetRow } from './sheets.js';
import { checkPackage } from './zip.js';
import { wellFormed } from './docx.js';
import { ExtractionProblem, reason, type Extracted, type ReadContext } from './types.js';

export async function readXlsx(bytes: Uint8Array, ctx: ReadContext): Promise<Extracted> {
  const pkg = await checkPackage(bytes, ctx, 'the workbook');
  for (const [name, xml] of pkg) if (/^xl\/(worksheets\/[^/]+|sharedStrings|workbook)\.xml$/.test(name)) wellFormed(Buffer.from(xml).toString('utf8'), name, 'the workbook');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (err) {
    try {
      const out = await readSheets(bytes, 'xlsx');
      return { ...out, notes: [`the workbook is not quite standard (${reason(err)}); it was read with a more lenient reader`, ...out.notes] };
    } catch {
      throw new ExtractionProblem('unreadable', `not a readable spreadsheet (${reason(err)})`);
    }
  }
  const parts: Extracted['parts'] = [];
  wb.eachSheet((sheet) => {
    const rows: SheetRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c)));
      rows.push({ row: rowNumber, cells });
    });
    parts.push(...rowsToParts(sheet.name, rows));
  });
  return { format: 'xlsx', status: 'ok', notes: parts.length ? [] : ['the workbook has no text'], parts, meta: {} };
}

export function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('').replace(/\s+/g, ' ').trim();
    if ('result' in o) return o.result instanceof Date ? dateText(o.result) : String(o.result ?? '');
    if ('text' in o) return String(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v).replace(/\s+/g, ' ').trim();
}

/** exceljs gives dates as UTC midnight. */
const dateText = (d: Date) => ukDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
