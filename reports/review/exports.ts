// Letters and the national overview as they stand under review: reviewed statuses where an
// inspector has decided, draft statuses (marked as such) where not. Word letters one by one or
// all in a zip; the overview as CSV and as an Excel workbook.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { stringify } from 'csv-stringify/sync';
import type { Letter } from '../../pipeline/draft/index.js';
import type { LetterFile } from '../../pipeline/rules/schema.js';
import { ITEMS } from '../../pipeline/schemas.js';
import { letterDocx, letterFor, letterMarkdown } from '../letters.js';
import { CATEGORY_LABEL, CATEGORY_ORDER, ITEM_LABEL, STATUS_LABEL, categoryCounts } from '../tables.js';
import { REVIEW_STATE_LABEL, type ForceView, type ItemView } from './state.js';

/** The letter from reviewed statuses: final once the force is signed off, otherwise a draft
 * that names the items still on their draft status. */
export function reviewedLetter(v: ForceView, reviewDate: string, wording: LetterFile): Letter {
  const criteria = Object.fromEntries(ITEMS.map((i) => [i, { status: v.items[i].status }])) as Parameters<typeof letterFor>[0]['criteria'];
  return letterFor({ name: v.draft.name, criteria }, reviewDate, wording, v.state === 'signed_off', v.open);
}

/** A file name for a force's letter; force slugs come from folder names, so anything but
 * letters, digits, dot, dash and underscore is replaced. */
/** The paragraphs of a letter that carry its verdicts (the strategy and item sentences),
 * found by the wording's own phrases, so the review page can pick them out. */
export function verdictParagraphs(l: Letter, wording: LetterFile): number[] {
  const phrases = [...Object.values(wording.national_strategy), ...Object.values(wording.items).map((i) => i.phrase)];
  return l.paragraphs.flatMap((p, i) => (phrases.some((x) => p.text.includes(x)) ? [i] : []));
}

export const letterFileName = (v: ForceView, ext: 'docx' | 'md') => `${v.draft.force.replace(/[^A-Za-z0-9._-]/g, '_')}${v.state === 'signed_off' ? '' : '-draft'}.${ext}`;

export function letterMd(v: ForceView, reviewDate: string, wording: LetterFile): string {
  return letterMarkdown(reviewedLetter(v, reviewDate, wording), v.draft.name);
}

export function letterWord(v: ForceView, reviewDate: string, wording: LetterFile): Promise<Buffer> {
  return letterDocx(reviewedLetter(v, reviewDate, wording), v.draft.name);
}

/** Every force's letter, Word and Markdown, in one zip. */
export async function lettersZip(views: ForceView[], reviewDate: string, wording: LetterFile): Promise<Buffer> {
  const zip = new JSZip();
  for (const v of views) {
    zip.file(`letters/${letterFileName(v, 'docx')}`, await letterWord(v, reviewDate, wording));
    zip.file(`letters/${letterFileName(v, 'md')}`, letterMd(v, reviewDate, wording));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const source = (it: ItemView) => (it.recheck.length ? `${it.source}, re-check` : it.source);

/** One row per force: category and review state, then per item the status, where it comes
 * from (draft / accepted / overridden, and whether a rescore flagged it) and the draft's
 * confidence. */
export function overviewRows(views: ForceView[]): (string | number)[][] {
  const header = ['force', 'name', 'category', 'review_state', ...ITEMS.flatMap((i) => [i, `${i}_source`, `${i}_draft_confidence`]), 'documents', 'documents_not_read'];
  const rows = views.map((v) => [
    v.draft.force, v.draft.name, v.category, v.state,
    ...ITEMS.flatMap((i) => [v.items[i].status, source(v.items[i]), Number(v.items[i].draft.confidence.toFixed(2))]),
    v.draft.documents.length, v.draft.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate').length,
  ]);
  return [header, ...rows];
}

export function overviewCsv(views: ForceView[]): string {
  return stringify(overviewRows(views));
}

/** The overview as a workbook: the category counts as the national report gives them, then
 * the forces, readable labels first. */
export async function overviewXlsx(views: ForceView[], reviewDate: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'plan-assessor';
  const summary = wb.addWorksheet('Categories');
  const counts = categoryCounts(views);
  summary.addRow(['Category', 'Forces']).font = { bold: true };
  for (const k of CATEGORY_ORDER) summary.addRow([CATEGORY_LABEL[k], counts[k]]);
  summary.addRow([]);
  summary.addRow(['Review date', reviewDate]);
  summary.addRow(['Forces signed off', views.filter((v) => v.state === 'signed_off').length]);
  summary.getColumn(1).width = 48;

  const sheet = wb.addWorksheet('Forces', { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  sheet.addRow(['Force', 'Category', 'Review state', ...ITEMS.map((i) => ITEM_LABEL[i]), 'Draft (not reviewed)', 'Needs re-check', 'Documents', 'Documents not read']).font = { bold: true };
  for (const v of views) {
    sheet.addRow([
      v.draft.name, CATEGORY_LABEL[v.category], REVIEW_STATE_LABEL[v.state],
      ...ITEMS.map((i) => STATUS_LABEL[v.items[i].status] + (v.items[i].source === 'draft' ? ' (draft)' : '')),
      ITEMS.filter((i) => v.items[i].source === 'draft').map((i) => ITEM_LABEL[i]).join('; '),
      ITEMS.filter((i) => v.items[i].recheck.length).map((i) => ITEM_LABEL[i]).join('; '),
      v.draft.documents.length, v.draft.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate').length,
    ]);
  }
  sheet.columns.forEach((c, i) => { c.width = i === 0 ? 30 : 22; });
  const raw = wb.addWorksheet('Data');
  for (const r of overviewRows(views)) raw.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
