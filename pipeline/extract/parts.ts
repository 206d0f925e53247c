// Building blocks shared by the readers.
import type { Location, Part } from '../schemas.js';

/** A table's rows → table-row parts: empty rows dropped, the first row the header of the
 * others (when there are others). `locate` gives the location of row i (0-based). */
export function tableParts(rows: string[][], locate: (i: number) => Location = (i) => ({ row: i + 1 })): Part[] {
  const header = rows.length > 1 ? rows[0] : undefined;
  const parts: Part[] = [];
  rows.forEach((cells, i) => {
    const nonEmpty = cells.filter((c) => c !== '');
    if (nonEmpty.length) parts.push({ kind: 'table-row', text: nonEmpty.join(' | '), cells, header: i > 0 ? header : undefined, location: locate(i) });
  });
  return parts;
}
