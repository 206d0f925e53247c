// Draft letters, as Markdown and as Word (docx). The words come from rules/letter.yaml.
import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import type { ForceAssessment } from '../pipeline/schemas.js';
import type { LetterFile } from '../pipeline/rules/schema.js';
import { draftLetter, type Letter } from '../pipeline/draft/index.js';

export function letterFor(f: Pick<ForceAssessment, 'name' | 'criteria'>, reviewDate: string, wording: LetterFile, reviewed = false): Letter {
  return draftLetter({
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
