// The review server's pages, as strings. Pure: views in, HTML out. Everything that comes from
// a submission (file names, quotes, paragraphs, explanations, force folder names) and from a
// reviewer (names, reasons) goes through esc(). No scripts: forms and links do all the work,
// and the only stylesheet is /assets/review.css from this server.
import type { Evidence, Findings, Item } from '../../pipeline/schemas.js';
import { ITEMS } from '../../pipeline/schemas.js';
import type { Letter } from '../../pipeline/draft/index.js';
import { BASE_CSS, chip, conf, esc, locationText } from '../html.js';
import { UNREVIEWED_NOTE } from '../letters.js';
import { CATEGORY_LABEL, CATEGORY_ORDER, ITEM_LABEL, STATUS_LABEL, categoryCounts } from '../tables.js';
import { REVIEW_STATE_LABEL, statusesFor, type AuditEntry, type ForceView, type ItemView, type ReviewState, type TriageQuery } from './state.js';
import type { QuoteInContext } from './run-folder.js';

export const REVIEW_CSS = `${BASE_CSS}
body{background:#f6f7f9}
header{background:#fff;position:sticky;top:0;z-index:2;align-items:center}
header nav{display:flex;gap:16px}header nav a{color:var(--fg);text-decoration:none;font-weight:500}
header nav a.on{color:var(--blue);border-bottom:2px solid var(--blue)}
.who{margin-left:auto;display:flex;gap:6px;align-items:center;font-size:14px}
.who input{width:12em}.who.unset{background:#fef0c7;padding:4px 8px;border-radius:6px}
main{max-width:1500px}a{color:var(--blue)}
h2{font-size:20px;margin:4px 0 6px}h3{font-size:16px;margin:0 0 8px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 14px}
input,select,textarea,button{font:inherit}
input,select,textarea{border:1px solid #b9c0c8;border-radius:5px;padding:4px 6px;background:#fff}
textarea{width:100%;min-height:3.2em;resize:vertical}
button{border:1px solid #b9c0c8;border-radius:5px;padding:4px 12px;background:#fff;cursor:pointer}
button:hover{background:#f0f2f5}button.primary{background:var(--blue);border-color:var(--blue);color:#fff}
button.primary:hover{background:#1849a9}
.filters{align-items:end;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.filters label{display:flex;flex-direction:column;font-size:13px;color:var(--muted);gap:2px}
.stats{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0 12px;align-items:stretch}
.stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:6px 12px}
.stat b{font-size:18px;margin-right:6px}.stat span{color:var(--muted);font-size:13px}.stats .sep{width:12px}
table.grid{background:#fff;border:1px solid var(--line);border-radius:8px;border-collapse:separate;border-spacing:0}
table.grid th{background:#f0f2f5;position:sticky;top:58px}
table.grid tr:hover td{background:#fafbfc}
.src{font-size:11px;color:var(--muted);display:block;margin-top:2px}
.src-overridden{color:var(--blue);font-weight:600}.src-accepted{color:var(--green)}.src-recheck{color:var(--red);font-weight:600}
.r-not_started{background:#f0f2f5;color:var(--muted)}.r-in_review{background:#d1e9ff;color:var(--blue)}.r-signed_off{background:#d1fadf;color:var(--green)}
.d-ok{background:#d1fadf;color:var(--green)}.d-duplicate{background:#fef0c7;color:var(--amber)}
.d-unreadable,.d-unsupported,.d-needs_ocr{background:#fee4e2;color:var(--red);font-weight:600}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(340px,2fr);gap:16px;align-items:start}
.cols aside{position:sticky;top:70px;max-height:calc(100vh - 80px);overflow:auto}
@media (max-width:1000px){.cols{grid-template-columns:1fr}.cols aside{position:static;max-height:none}}
.strip{display:flex;gap:8px;flex-wrap:wrap;margin-top:10px}
.strip a{display:flex;gap:6px;align-items:center;text-decoration:none;color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:3px 8px;font-size:13px}
.strip a:hover{background:#f0f2f5}.strip .src{display:inline;margin:0}
.force-head{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.force-head .spacer{flex:1}
.item h3{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.verdict{display:flex;gap:18px;flex-wrap:wrap;margin:2px 0 8px;font-size:14px}
.verdict div{display:flex;gap:6px;align-items:center}
.explanation{color:#333;margin:6px 0}
ol.evidence{padding-left:20px;margin:6px 0}ol.evidence li{margin:0 0 10px}
.loc{font-size:12.5px;color:var(--muted)}
.para{margin:3px 0;padding:6px 10px;background:#f8f9fb;border-left:3px solid var(--line);white-space:pre-wrap;overflow-wrap:anywhere}
.para mark{padding:0 1px}
.rules{font-size:12px;color:var(--muted)}
.actions{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start;border-top:1px dashed var(--line);padding-top:10px;margin-top:8px}
.actions details{flex:1;min-width:260px}.actions details[open]{background:#f8f9fb;padding:6px 10px;border-radius:6px}
.actions form.override{display:grid;gap:6px;margin-top:6px}
article.item,section[id]{scroll-margin-top:72px}
.chip.new{background:#fee4e2;color:var(--red);font-weight:600}
.flag{background:#fee4e2;border:1px solid #fecdca;color:#7a271a;border-radius:6px;padding:6px 10px;margin:6px 0}
.decided{background:#f0f9ff;border:1px solid #b9e6fe;border-radius:6px;padding:6px 10px;margin:6px 0;font-size:14px}
.letter-body{font-family:Georgia,"Times New Roman",serif;font-size:14px;line-height:1.5;max-height:560px;overflow:auto;border:1px solid var(--line);padding:10px 14px;border-radius:6px;background:#fffdf8}
.letter-body p{margin:0 0 9px}.letter-body .heading{font-weight:700}.letter-body .quote{font-style:italic;margin-left:16px}
.letter-body .plain{margin:0}.letter-body .pending{background:#fef0c7;padding:2px 6px}
.letter-body .verdicts{background:#eef4ff;border-left:3px solid var(--blue);padding:4px 8px}
.letter-verdicts{background:#eef4ff;border-left:3px solid var(--blue);border-radius:4px;padding:6px 10px;margin:0 0 10px;font-size:14px}.letter-verdicts p{margin:2px 0}
.audit td,.docs td{font-size:13px}.audit td.why{overflow-wrap:anywhere}
ol.audit-list{list-style:none;padding:0;margin:0}ol.audit-list li{border-bottom:1px solid var(--line);padding:6px 0;font-size:13.5px}
ol.audit-list .why{color:#333;overflow-wrap:anywhere;margin-top:2px}
.signoff{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.notice{background:#d1fadf;border:1px solid #a6f4c5;border-radius:6px;padding:6px 10px}
.exports a{margin-right:12px}
.empty{color:var(--muted);font-style:italic}
`;

export interface PageChrome {
  title: string;
  active?: 'triage' | 'overview' | 'audit';
  reviewer: string;
  /** the session's CSRF token; empty on pages shown before a session exists (no forms) */
  csrf: string;
  /** the path to return to after saving the reviewer's name */
  back: string;
}

const hidden = (csrf: string) => `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
const forceHref = (force: string) => `/force/${encodeURIComponent(force)}`;
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function layout(c: PageChrome, body: string): string {
  const nav = (key: PageChrome['active'], href: string, text: string) => `<a href="${href}"${c.active === key ? ' class="on"' : ''}>${text}</a>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(c.title)} · APSP review</title><link rel="stylesheet" href="/assets/review.css"></head><body>
<header><h1>APSP plans: review</h1><nav>${nav('triage', '/', 'Triage')}${nav('overview', '/overview', 'National overview')}${nav('audit', '/audit', 'Audit trail')}</nav>
${c.csrf ? `<form class="who${c.reviewer ? '' : ' unset'}" method="post" action="/reviewer">${hidden(c.csrf)}<input type="hidden" name="back" value="${esc(c.back)}">
<label for="reviewer-name">${c.reviewer ? 'Reviewing as' : 'Your name, recorded with each decision:'}</label>
<input id="reviewer-name" name="name" required maxlength="80" value="${esc(c.reviewer)}" autocomplete="name"><button type="submit">${c.reviewer ? 'Change' : 'Save'}</button></form>` : ''}</header>
<main>${body}</main></body></html>
`;
}

export function messagePage(c: PageChrome, title: string, message: string): string {
  return layout(c, `<div class="card"><h2>${esc(title)}</h2><p>${esc(message)}</p><p><a href="${esc(c.back)}">Back</a></p></div>`);
}

const stateChip = (s: ReviewState) => `<span class="chip r-${s}">${esc(REVIEW_STATE_LABEL[s])}</span>`;

function sourceNote(it: ItemView): string {
  if (it.recheck.length) return '<span class="src src-recheck">re-check</span>';
  if (it.source === 'overridden') return `<span class="src src-overridden">overridden (draft: ${esc(STATUS_LABEL[it.draft.status])})</span>`;
  if (it.source === 'accepted') return '<span class="src src-accepted">accepted</span>';
  return `<span class="src">draft ${conf(it.draft.confidence)}</span>`;
}

const notRead = (v: ForceView) => v.draft.documents.filter((d) => d.status !== 'ok' && d.status !== 'duplicate');

function options(values: readonly string[], selected: string | undefined, labels: Record<string, string>, any = 'any'): string {
  return [`<option value="">${esc(any)}</option>`, ...values.map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(labels[v] ?? v)}</option>`)].join('');
}

const SORTS = { confidence: 'least certain first', category: 'category, then least certain', name: 'force name' };

export function triagePage(c: PageChrome, f: Findings, all: ForceView[], shown: ForceView[], q: TriageQuery): string {
  const counts = categoryCounts(all);
  const by = (s: ReviewState) => all.filter((v) => v.state === s).length;
  const recheck = all.filter((v) => ITEMS.some((i) => v.items[i].recheck.length)).length;
  const stats = `<div class="stats">
<div class="stat"><b>${by('signed_off')} / ${all.length}</b><span>signed off</span></div>
<div class="stat"><b>${by('in_review')}</b><span>in review</span></div>
<div class="stat"><b>${by('not_started')}</b><span>not started</span></div>
<div class="stat"><b${recheck ? ' class="low"' : ''}>${recheck}</b><span>need a re-check after a rescore</span></div><span class="sep"></span>
${CATEGORY_ORDER.map((k) => `<div class="stat"><b>${counts[k]}</b>${chip(k, 'c')}</div>`).join('\n')}
</div>`;
  const stateLabels = { ...REVIEW_STATE_LABEL, recheck: 'needs re-check' };
  const filters = `<form class="filters" method="get" action="/">
<label>Category<select name="category">${options(CATEGORY_ORDER, q.category, CATEGORY_LABEL)}</select></label>
<label>Any item with status<select name="status">${options(Object.keys(STATUS_LABEL), q.status, STATUS_LABEL)}</select></label>
<label>Review state<select name="state">${options(Object.keys(stateLabels), q.state, stateLabels)}</select></label>
<label>Order<select name="sort">${Object.entries(SORTS).map(([k, t]) => `<option value="${k}"${k === (q.sort ?? 'confidence') ? ' selected' : ''}>${t}</option>`).join('')}</select></label>
<button type="submit" class="primary">Apply</button> <a href="/">Clear</a></form>`;
  const rows = shown.map((v) => {
    const bad = notRead(v);
    const dup = v.draft.documents.filter((d) => d.status === 'duplicate').length;
    return `<tr data-force="${esc(v.draft.force)}"><td><a href="${forceHref(v.draft.force)}"><strong>${esc(v.draft.name)}</strong></a>${v.draft.warnings.length ? `<span class="src src-recheck">${esc(v.draft.warnings.length)} warning${v.draft.warnings.length === 1 ? '' : 's'}</span>` : ''}</td>
<td>${chip(v.category, 'c')}${v.category !== v.draft.category ? `<span class="src">draft: ${esc(CATEGORY_LABEL[v.draft.category])}</span>` : ''}</td>
${ITEMS.map((i) => `<td>${chip(v.items[i].status)}${sourceNote(v.items[i])}</td>`).join('')}
<td>${v.open.length ? conf(v.openConfidence) : '<span class="muted">all reviewed</span>'}</td>
<td>${stateChip(v.state)}${v.signOffStale ? '<span class="src src-recheck">sign-off needs re-check</span>' : ''}</td>
<td>${v.draft.documents.length}${bad.length ? ` <span class="chip d-unreadable">${bad.length} not read</span>` : ''}${dup ? ` <span class="chip d-duplicate">${dup} duplicate${dup === 1 ? '' : 's'}</span>` : ''}</td></tr>`;
  }).join('\n');
  return layout(c, `<p class="muted">Review date ${esc(f.reviewDate)} · ruleset ${esc(f.rulesetVersion)} · ${all.length} forces. Open a force to check each verdict against its evidence, accept or override it, and sign the force off.</p>
${stats}${filters}
<p class="muted">${shown.length} of ${all.length} forces shown. “Lowest open confidence” is the least certain verdict not yet reviewed.</p>
<table class="grid triage"><thead><tr><th>Force</th><th>Category</th>${ITEMS.map((i) => `<th>${esc(ITEM_LABEL[i])}</th>`).join('')}<th>Lowest open confidence</th><th>Review</th><th>Documents</th></tr></thead>
<tbody>${rows || `<tr><td colspan="9" class="empty">No force matches these filters.</td></tr>`}</tbody></table>`);
}

export interface ForcePageData {
  view: ForceView;
  letter: Letter;
  /** indexes of the letter's verdict paragraphs */
  letterVerdicts: number[];
  audit: AuditEntry[];
  blockers: string[];
  context: (e: Evidence) => QuoteInContext;
}

const EVIDENCE_SHOWN = 5;

function evidenceItem(e: Evidence, ctx: QuoteInContext, isNew: boolean): string {
  const para = ctx.found
    ? `${esc(ctx.before)}<mark>${esc(ctx.quote)}</mark>${esc(ctx.after)}`
    : `<mark>${esc(ctx.quote)}</mark>`;
  return `<li><div class="loc">${isNew ? '<span class="chip new">new since the decision</span> ' : ''}${esc(locationText(e))} · shows ${chip(e.stage === 'reflected' ? 'reflected' : e.stage)}${e.cue ? ` · ${esc(e.cue)}` : ''}</div>
<p class="para">${para}</p>${ctx.found ? '' : '<div class="rules">(the paragraph around this quote is not in the run\'s extraction cache)</div>'}
<div class="rules">rules: ${esc(e.ruleIds.join(', '))}</div></li>`;
}

function itemCard(d: ForcePageData, it: ItemView, c: PageChrome): string {
  const f = d.view.draft.force;
  const base = `${forceHref(f)}/items/${it.item}`;
  const ev = it.draft.evidence;
  const dec = it.decision;
  // after a rescore, mark the passages the decision was not made against, and list the ones gone
  const key = (e: { document: string; quote: string }) => `${e.document}\u0000${e.quote}`;
  const then = new Set(dec?.evidence.map(key));
  const now = new Set(ev.map(key));
  const item = (e: Evidence) => evidenceItem(e, d.context(e), !!dec && it.recheck.length > 0 && !then.has(key(e)));
  const gone = it.recheck.length ? (dec?.evidence ?? []).filter((e) => !now.has(key(e))) : [];
  const list = (ev.length
    ? `<ol class="evidence">${ev.slice(0, EVIDENCE_SHOWN).map(item).join('\n')}</ol>${ev.length > EVIDENCE_SHOWN ? `<details><summary>${ev.length - EVIDENCE_SHOWN} more passage${ev.length - EVIDENCE_SHOWN === 1 ? '' : 's'}</summary><ol class="evidence" start="${EVIDENCE_SHOWN + 1}">${ev.slice(EVIDENCE_SHOWN).map(item).join('\n')}</ol></details>` : ''}`
    : '<p class="empty">No passage in the submission was found for this item.</p>')
    + (gone.length ? `<details class="gone"><summary>${gone.length} passage${gone.length === 1 ? '' : 's'} cited when you decided, no longer cited</summary><ul>${gone.map((e) => `<li><span class="loc">${esc(e.document)}</span> ${esc(e.quote)}</li>`).join('')}</ul></details>` : '');
  const decided = dec
    ? `<div class="decided">${dec.action === 'override' ? `<strong>Overridden</strong> to ${chip(dec.status)}` : `<strong>Accepted</strong> ${chip(dec.status)}`} by ${esc(dec.reviewer)}, ${esc(when(dec.at))} · the draft says ${chip(it.draft.status)} ${conf(it.draft.confidence)}${dec.action === 'override' ? `<br>Reason: ${esc(dec.reason)}` : ''}</div>`
    : '';
  const flag = it.recheck.length ? `<div class="flag"><strong>Re-check needed after a rescore:</strong> ${esc(it.recheck.join('; '))}. The decision still stands until you accept, override or keep it.</div>` : '';
  const accept = !dec || dec.action === 'override' || it.recheck.length
    ? `<form method="post" action="${base}/accept">${hidden(c.csrf)}<button type="submit" class="primary" name="accept">Accept draft: ${esc(STATUS_LABEL[it.draft.status])}</button></form>`
    : '';
  const keep = it.recheck.length
    ? `<form method="post" action="${base}/recheck">${hidden(c.csrf)}<button type="submit">Keep my decision (${esc(STATUS_LABEL[it.status])})</button></form>`
    : '';
  const override = `<details><summary>Override…</summary>
<form class="override" method="post" action="${base}/override">${hidden(c.csrf)}
<label>Status <select name="status" required>${statusesFor(it.item).filter((s) => s !== it.status).map((s) => `<option value="${esc(s)}">${esc(STATUS_LABEL[s])}</option>`).join('')}</select></label>
<label>Reason (required, kept in the audit trail)<textarea name="reason" required minlength="3" maxlength="2000" placeholder="What in the submission supports this status?"></textarea></label>
<div><button type="submit" class="primary">Override</button></div></form></details>`;
  return `<article class="card item" id="item-${it.item}"><h3>${esc(ITEM_LABEL[it.item])} ${chip(it.status)}${sourceNote(it)}</h3>
${decided}${flag}
<p class="explanation">${esc(it.draft.explanation)}</p>
${list}
<div class="actions">${accept}${keep}${override}</div></article>`;
}

function documentsCard(v: ForceView): string {
  const rows = v.draft.documents.map((d) => `<tr><td>${esc(d.file)}</td><td><span class="chip d-${esc(d.status)}">${esc(d.status.replace(/_/g, ' '))}</span></td><td>${esc(d.format ?? '')}${d.pages ? ` · ${esc(d.pages)} p.` : ''}</td><td>${d.duplicateOf ? `copy of ${esc(d.duplicateOf)}. ` : ''}${esc(d.notes.join('; '))}</td></tr>`).join('\n');
  const warnings = v.draft.warnings.length ? `<div class="flag">${v.draft.warnings.map(esc).join('<br>')}</div>` : '';
  return `<section class="card docs" id="documents"><h3>Documents (${v.draft.documents.length})</h3>${warnings}
<table><thead><tr><th>File</th><th>Status</th><th>Format</th><th>Notes</th></tr></thead><tbody>${rows || '<tr><td colspan="4" class="empty">No documents were submitted.</td></tr>'}</tbody></table></section>`;
}

function letterCard(d: ForcePageData): string {
  const f = d.view.draft.force;
  const cls = (p: Letter['paragraphs'][number], i: number) => [p.style ?? 'body', d.letterVerdicts.includes(i) ? 'verdicts' : '', p.text.startsWith(UNREVIEWED_NOTE) ? 'pending' : ''].filter(Boolean).join(' ');
  const body = d.letter.paragraphs.map((p, i) => `<p class="${cls(p, i)}">${esc(p.text)}</p>`).join('\n');
  return `<section class="card" id="letter"><h3>Letter ${d.view.state === 'signed_off' ? '<span class="chip r-signed_off">signed off</span>' : '<span class="chip s-planned">draft</span>'}</h3>
<p class="exports"><a href="${forceHref(f)}/letter.docx" download>Download Word (.docx)</a><a href="${forceHref(f)}/letter.md" download>Markdown</a></p>
<div class="letter-verdicts"><div class="loc">What the letter says about the items</div>${d.letterVerdicts.map((i) => `<p>${esc(d.letter.paragraphs[i].text)}</p>`).join('')}</div>
<details class="full-letter" open><summary>Full letter</summary><div class="letter-body">${body}</div></details></section>`;
}

/** The audit trail as a list, for the narrow side column of the force page. */
function auditList(entries: AuditEntry[]): string {
  if (!entries.length) return '<p class="empty">No decisions yet.</p>';
  return `<ol class="audit-list">${entries.map((a) => `<li><div class="loc">${esc(when(a.at))} · <strong>${esc(a.reviewer)}</strong></div>
<div>${a.item ? esc(ITEM_LABEL[a.item]) : 'Whole force'}: ${esc(a.action.replace(/_/g, ' '))} · ${esc(STATUS_LABEL[a.from ?? ''] ?? a.from ?? '')} → ${esc(STATUS_LABEL[a.to ?? ''] ?? a.to ?? '')}</div>
<div class="why">${esc(a.reason)}</div></li>`).join('\n')}</ol>`;
}

function auditTable(entries: AuditEntry[]): string {
  if (!entries.length) return '<p class="empty">No decisions yet.</p>';
  const rows = entries.map((a) => `<tr><td>${esc(when(a.at))}</td><td>${esc(a.reviewer)}</td><td><a href="${forceHref(a.force)}">${esc(a.force)}</a></td><td>${a.item ? esc(ITEM_LABEL[a.item]) : 'whole force'}</td><td>${esc(a.action.replace(/_/g, ' '))}</td><td>${esc(STATUS_LABEL[a.from ?? ''] ?? a.from ?? '')} → ${esc(STATUS_LABEL[a.to ?? ''] ?? a.to ?? '')}</td><td class="why">${esc(a.reason)}</td></tr>`).join('\n');
  return `<table class="audit"><thead><tr><th>When</th><th>Who</th><th>Force</th><th>Item</th><th>Action</th><th>From → to</th><th>Why</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function signOffBar(d: ForcePageData, c: PageChrome): string {
  const v = d.view;
  const f = forceHref(v.draft.force);
  if (v.signOff && !v.signOffStale) {
    return `<div class="signoff"><span class="notice">Signed off by ${esc(v.signOff.reviewer)}, ${esc(when(v.signOff.at))}</span>
<details><summary>Reopen…</summary><form method="post" action="${f}/reopen">${hidden(c.csrf)}<input name="reason" required minlength="3" maxlength="2000" placeholder="Why reopen?"> <button type="submit">Reopen</button></form></details></div>`;
  }
  const stale = v.signOffStale ? `<span class="flag">Signed off by ${esc(v.signOff!.reviewer)}, but a rescore has changed the evidence since: re-check the flagged items and sign off again.</span>` : '';
  if (d.blockers.length) {
    return `<div>${stale}<div class="signoff"><button type="button" disabled title="${esc(d.blockers.join('\n'))}">Sign off force</button><span class="muted">${d.blockers.length} item${d.blockers.length === 1 ? '' : 's'} still to review or re-check</span></div></div>`;
  }
  return `<div>${stale}<form class="signoff" method="post" action="${f}/sign-off">${hidden(c.csrf)}<input name="reason" maxlength="2000" placeholder="Note (optional)"> <button type="submit" class="primary">Sign off force</button></form></div>`;
}

export function forcePage(c: PageChrome, d: ForcePageData): string {
  const v = d.view;
  const bad = notRead(v);
  return layout(c, `<p><a href="/">← Triage</a></p>
<div class="card"><div class="force-head"><h2>${esc(v.draft.name)}</h2>${chip(v.category, 'c')}${v.category !== v.draft.category ? `<span class="muted">draft: ${esc(CATEGORY_LABEL[v.draft.category])}</span>` : ''}${stateChip(v.state)}
<span class="muted">${v.draft.documents.length} document${v.draft.documents.length === 1 ? '' : 's'}</span>${bad.length ? `<a class="chip d-unreadable" href="#documents">${bad.length} not read</a>` : ''}<span class="spacer"></span>${signOffBar(d, c)}</div>
<nav class="strip">${ITEMS.map((i) => `<a href="#item-${i}">${esc(ITEM_LABEL[i])} ${chip(v.items[i].status)}${sourceNote(v.items[i])}</a>`).join('')}</nav></div>
<div class="cols"><section>${ITEMS.map((i: Item) => itemCard(d, v.items[i], c)).join('\n')}</section>
<aside>${documentsCard(v)}${letterCard(d)}<section class="card" id="audit"><h3>Audit trail</h3>${auditList(d.audit)}</section></aside></div>`);
}

export function overviewPage(c: PageChrome, f: Findings, views: ForceView[]): string {
  const counts = categoryCounts(views);
  const signed = views.filter((v) => v.state === 'signed_off').length;
  const rows = views.map((v) => `<tr><td><a href="${forceHref(v.draft.force)}">${esc(v.draft.name)}</a></td><td>${chip(v.category, 'c')}</td>${ITEMS.map((i) => `<td>${chip(v.items[i].status)}${v.items[i].source === 'draft' ? '<span class="src">draft</span>' : v.items[i].recheck.length ? '<span class="src src-recheck">re-check</span>' : ''}</td>`).join('')}<td>${stateChip(v.state)}</td></tr>`).join('\n');
  return layout(c, `<div class="card"><h2>National overview ${signed === views.length ? '' : '<span class="chip s-planned">draft</span>'}</h2>
<p class="muted">From reviewed statuses where an inspector has decided; draft statuses, marked “draft”, where not. ${signed} of ${views.length} forces signed off. Review date ${esc(f.reviewDate)}.</p>
<p class="exports"><a href="/export/overview.xlsx" download>Overview as Excel (.xlsx)</a><a href="/export/overview.csv" download>Overview as CSV</a><a href="/export/letters.zip" download>All letters (.zip)</a><a href="/export/audit.csv" download>Audit trail as CSV</a></p>
<table><thead><tr><th>Category</th><th>Forces</th></tr></thead><tbody>${CATEGORY_ORDER.map((k) => `<tr><td>${chip(k, 'c')} ${esc(CATEGORY_LABEL[k])}</td><td>${counts[k]}</td></tr>`).join('')}</tbody></table></div>
<table class="grid"><thead><tr><th>Force</th><th>Category</th>${ITEMS.map((i) => `<th>${esc(ITEM_LABEL[i])}</th>`).join('')}<th>Review</th></tr></thead><tbody>${rows}</tbody></table>`);
}

export function auditPage(c: PageChrome, entries: AuditEntry[]): string {
  return layout(c, `<div class="card"><h2>Audit trail</h2><p class="muted">Every decision on this run, newest first. The trail is append-only. <a href="/export/audit.csv" download>Download as CSV</a></p>${auditTable(entries)}</div>`);
}
