// index.html: a self-contained triage page (no scripts, fonts or styles from elsewhere).
// Forces whose submissions are weakest and whose verdicts are least certain come first.
import type { Findings, ForceAssessment } from '../pipeline/schemas.js';
import { ITEMS } from '../pipeline/schemas.js';
import { CATEGORY_LABEL, CATEGORY_ORDER, ITEM_LABEL } from './tables.js';
import { BASE_CSS, chip, conf, esc, locationText } from './html.js';

export function triageOrder(forces: ForceAssessment[]): ForceAssessment[] {
  const minConf = (f: ForceAssessment) => Math.min(...ITEMS.map((i) => f.criteria[i].confidence));
  return [...forces].sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || minConf(a) - minConf(b) || a.force.localeCompare(b.force));
}

export function triageHtml(f: Findings): string {
  const forces = triageOrder(f.forces);
  const rows = forces.map((x) => {
    const bad = x.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate');
    return `<tr id="row-${esc(x.force)}"><td><a href="#force-${esc(x.force)}">${esc(x.name)}</a></td><td>${chip(x.category, 'c')}</td>${ITEMS.map((i) => `<td>${chip(x.criteria[i].status)} ${conf(x.criteria[i].confidence)}</td>`).join('')}<td>${x.documents.length}${bad.length ? ` <span class="doc-bad">(${bad.length} not read)</span>` : ''}</td><td><a href="letters/${esc(x.force)}.md">md</a> · <a href="letters/${esc(x.force)}.docx">docx</a></td></tr>`;
  }).join('\n');
  const details = forces.map((x) => `
<section id="force-${esc(x.force)}"><h2>${esc(x.name)} ${chip(x.category, 'c')}</h2>
${x.warnings.length ? `<p class="doc-bad">${x.warnings.map(esc).join('<br>')}</p>` : ''}
${ITEMS.map((i) => {
    const c = x.criteria[i];
    return `<details${c.confidence < 0.7 ? ' open' : ''}><summary><strong>${esc(ITEM_LABEL[i])}</strong> ${chip(c.status)} ${conf(c.confidence)}</summary>
<p>${esc(c.explanation)}</p>
${c.evidence.slice(0, 5).map((e) => `<blockquote>${esc(e.quote)}<br><span class="muted">${esc(locationText(e))} · ${esc(e.stage)} · ${esc(e.ruleIds.join(', '))}</span></blockquote>`).join('\n')}
</details>`;
  }).join('\n')}
<p class="muted">Documents: ${x.documents.map((d) => `${esc(d.file)} <span class="${d.status === 'ok' ? '' : 'doc-bad'}">(${esc(d.status)}${d.duplicateOf ? ` of ${esc(d.duplicateOf)}` : ''}${d.notes.length ? `: ${esc(d.notes.join('; '))}` : ''})</span>`).join(' · ')}</p>
</section>`).join('\n');
  const counts = CATEGORY_ORDER.map((k) => `${esc(CATEGORY_LABEL[k])}: ${f.forces.filter((x) => x.category === k).length}`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>APSP plans: triage</title><style>${BASE_CSS}</style></head><body>
<header><h1>APSP plans: triage (draft)</h1><span class="muted">review date ${esc(f.reviewDate)} · ruleset ${esc(f.rulesetVersion)} · ${f.forces.length} forces</span></header>
<main><p>${counts}</p>
<table><thead><tr><th>Force</th><th>Category</th>${ITEMS.map((i) => `<th>${esc(ITEM_LABEL[i])}</th>`).join('')}<th>Documents</th><th>Letter</th></tr></thead><tbody>
${rows}
</tbody></table>
${details}
</main></body></html>
`;
}
