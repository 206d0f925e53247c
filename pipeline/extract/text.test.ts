// Plain text: paragraphs, and tables pasted into e-mails and text files.
import { describe, expect, it } from 'vitest';
import { pastedCells, textToParts } from './text.js';

describe('plain text', () => {
  it('reads a table pasted with tabs as rows under its header, and the prose around it as paragraphs', () => {
    const text = [
      'Please see our tracker below.',
      'Ref\tAction\tOwner\tStatus',
      'A1\tReview CCU capacity\tHead of PSD\tIn progress',
      'A2\tProcure monitoring software\tHead of ICT\tNot started',
      'Regards,',
      'DI Smith',
    ].join('\n');
    const parts = textToParts(text, false);
    expect(parts.map((p) => p.kind)).toEqual(['paragraph', 'table-row', 'table-row', 'table-row', 'paragraph']);
    expect(parts[2]).toMatchObject({ cells: ['A1', 'Review CCU capacity', 'Head of PSD', 'In progress'], header: ['Ref', 'Action', 'Owner', 'Status'], location: { line: 3 } });
    expect(parts[3].text).toBe('A2 | Procure monitoring software | Head of ICT | Not started');
    expect(parts[4]).toMatchObject({ kind: 'paragraph', text: 'Regards, DI Smith', location: { line: 5 } });
  });

  it('reads quoted CSV records, with doubled quotes inside a cell', () => {
    expect(pastedCells('"LEG16-04","PEEL Legitimacy 2016","Head of PSD","30/06/2018","Not started"')).toEqual(['LEG16-04', 'PEEL Legitimacy 2016', 'Head of PSD', '30/06/2018', 'Not started']);
    expect(pastedCells('"A3","The ""Bad Apple"" line","Live"')).toEqual(['A3', 'The "Bad Apple" line', 'Live']);
    const parts = textToParts('"Ref","Action","Status"\n"A1","Review CCU capacity","Complete"', false);
    expect(parts[1]).toMatchObject({ kind: 'table-row', cells: ['A1', 'Review CCU capacity', 'Complete'], header: ['Ref', 'Action', 'Status'] });
  });

  it('keeps prose as prose: a stray tab, a quotation, two cells', () => {
    expect(pastedCells('The unit\thas two analysts.')).toBeUndefined();
    expect(pastedCells('"We will," said the DCC, "review the unit."')).toBeUndefined();
    expect(pastedCells('"A1","Review"')).toBeUndefined();
    expect(textToParts('The DCC said "yes", "no" and "maybe" in turn.', false)[0].kind).toBe('paragraph');
  });
});
