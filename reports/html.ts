// Shared HTML helpers for the static triage page and the review server. Submission text is
// untrusted: everything from findings goes through esc().

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const BASE_CSS = `
:root{--fg:#1b1f24;--muted:#5b6570;--line:#d8dde3;--bg:#fff;--chip:#eef1f4;--red:#b42318;--amber:#b54708;--green:#067647;--blue:#175cd3}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{padding:14px 24px;border-bottom:1px solid var(--line);display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:19px;margin:0}main{padding:16px 24px;max-width:1300px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{font-size:13px;color:var(--muted);font-weight:600}
.chip{display:inline-block;padding:1px 8px;border-radius:10px;background:var(--chip);font-size:13px;white-space:nowrap}
.s-no_information,.s-not_reflected,.c-insufficient_information{background:#fee4e2;color:var(--red)}
.s-planned,.c-plans_not_commenced{background:#fef0c7;color:var(--amber)}
.s-commenced,.c-plans_commenced{background:#d1e9ff;color:var(--blue)}
.s-in_place,.s-reflected,.c-all_in_place{background:#d1fadf;color:var(--green)}
.conf{color:var(--muted);font-size:12px}.low{color:var(--red);font-weight:600}
.muted{color:var(--muted)}blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid var(--line);background:#f8f9fb}
mark{background:#fff3a3}details{margin:4px 0}summary{cursor:pointer}
.doc-bad{color:var(--red)}.filters{display:flex;gap:12px;margin:8px 0 14px;flex-wrap:wrap}
`;

export const STATUS_TEXT: Record<string, string> = {
  reflected: 'reflected', not_reflected: 'not reflected', no_information: 'no information', planned: 'planned', commenced: 'commenced', in_place: 'in place',
};

export function chip(status: string, prefix = 's'): string {
  return `<span class="chip ${prefix}-${esc(status)}">${esc(STATUS_TEXT[status] ?? status.replace(/_/g, ' '))}</span>`;
}

export function conf(c: number): string {
  return `<span class="conf${c < 0.7 ? ' low' : ''}">${Math.round(c * 100)}%</span>`;
}

export function locationText(e: { document: string; page?: number; section?: string; sheet?: string; row?: number; line?: number }): string {
  const at = e.page ? `page ${e.page}` : e.sheet ? `sheet ${e.sheet}, row ${e.row}` : e.line ? `line ${e.line}` : e.row ? `table row ${e.row}` : '';
  return [e.document, at, e.section ? `§ ${e.section}` : ''].filter(Boolean).join(' · ');
}
