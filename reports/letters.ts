// Draft letters, as Markdown and as Word (docx). The words come from rules/letter.yaml.
import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import type { Item, Status } from '../pipeline/schemas.js';
import type { LetterFile } from '../pipeline/rules/schema.js';
import { draftLetter, type Letter } from '../pipeline/draft/index.js';
import { ITEM_LABEL } from './tables.js';

/** The statuses a letter is written from: a force's draft criteria, or the review server's
 * reviewed statuses. */
export interface LetterSubject { name: string; criteria: Record<Item, { status: Status }> }

export const UNREVIEWED_NOTE = 'Not yet reviewed by an inspector (draft findings):';

/** The letter for a force. `reviewed` drops the draft notice (an inspector has signed the
 * force off); while it is not, `unreviewed` names the items whose statuses are still the
 * draft's, in a line under the notice, so a letter never passes a draft verdict off as checked. */
export function letterFor(f: LetterSubject, reviewDate: string, wording: LetterFile, reviewed = false, unreviewed: Item[] = []): Letter {
  const letter = draftLetter({
    forceName: f.name,
    reviewDate,
    nationalStrategy: f.criteria.national_strategy.status as 'reflected' | 'not_reflected',
    statuses: {
      ccu_capability: f.criteria.ccu_capability.status as never,
      it_monitoring: f.criteria.it_monitoring.status as never,
      partner_relationships: f.criteria.partner_relationships.status as never,
    },
    reviewed,
  }, wording);
  if (reviewed || !unreviewed.length) return letter;
  const at = letter.paragraphs.findIndex((p) => p.style === 'heading') + 1;
  const note = `${UNREVIEWED_NOTE} ${unreviewed.map((i) => ITEM_LABEL[i]).join('; ')}.`;
  return { ...letter, paragraphs: [...letter.paragraphs.slice(0, at), { text: note }, ...letter.paragraphs.slice(at)] };
}

export function letterMarkdown(l: Letter, forceName: string): string {
  const out = ['Chief Constable  ', `${forceName}  `, '', 'Copied to: Police and Crime Commissioner', ''];
  for (const p of l.paragraphs) {
    if (p.style === 'heading') out.push(`**${p.text}**`, '');
    else if (p.style === 'quote') out.push(`*${p.text}*`, '');
    else if (p.style === 'plain') out.push(`${p.text}  `);
    else out.push(p.text, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export async function letterDocx(l: Letter, forceName: string): Promise<Buffer> {
  const para = (text: string, opts: { bold?: boolean; italics?: boolean } = {}) =>
    new Paragraph({ children: [new TextRun({ text, ...opts })], spacing: { after: 200 }, alignment: AlignmentType.LEFT });
  const children = [
    para('Chief Constable'), para(forceName), para('Copied to: Police and Crime Commissioner'),
    ...l.paragraphs.map((p) => para(p.text, { bold: p.style === 'heading', italics: p.style === 'quote' })),
  ];
  const doc = new Document({
    creator: 'plan-assessor',
    title: l.subject,
    styles: { default: { document: { run: { font: 'Arial', size: 22 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
