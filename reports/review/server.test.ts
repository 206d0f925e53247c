// The review server over HTTP, without a browser: the guards (loopback, token, host names,
// CSRF, headers), decisions and their audit trail, what happens to decisions when a rescore
// rewrites findings.json, and the exports. The run folder is written by hand (findings.json and
// one cached extraction), so these tests need no extraction and run in a second or two.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleset } from '../../pipeline/rules/load.js';
import { EXTRACTOR_VERSION } from '../../pipeline/extract/index.js';
import type { ExtractedDocument, Findings, ForceAssessment } from '../../pipeline/schemas.js';
import { findingsJson } from '../findings.js';
import { startReviewServer, type ReviewServer } from './server.js';
import { checkListen } from './security.js';
import { main } from '../../cli/main.js';

const ruleset = loadRuleset('rules');
const SHA = 'ab'.repeat(32);
const PARAGRAPH = 'Section 4 sets out monitoring. The force bought protective monitoring software in April 2017 and it goes live in July 2017. Training follows.';
const QUOTE = 'The force bought protective monitoring software in April 2017 and it goes live in July 2017.';

function force(overrides: { itStatus?: 'commenced' | 'planned'; quote?: string } = {}): ForceAssessment {
  const none = { status: 'no_information' as const, confidence: 0.9, explanation: 'Nothing found.', evidence: [] };
  return {
    force: 'cleveland', name: 'Cleveland Police', category: 'plans_commenced', warnings: [],
    criteria: {
      national_strategy: { status: 'not_reflected', confidence: 0.8, explanation: 'No reference.', evidence: [] },
      ccu_capability: none,
      partner_relationships: { ...none, status: 'planned', confidence: 0.6 },
      it_monitoring: {
        status: overrides.itStatus ?? 'commenced', confidence: 0.55, explanation: 'Procured, not live.',
        evidence: [{ document: 'plan.txt', line: 3, quote: overrides.quote ?? QUOTE, ruleIds: ['it_monitoring.monitoring-software'], stage: 'commenced' }],
      },
    },
    documents: [
      { file: 'plan.txt', sha256: SHA, status: 'ok', format: 'txt', notes: [] },
      { file: 'scan.pdf', sha256: 'cd'.repeat(32), status: 'needs_ocr', format: 'pdf', notes: ['no text layer; run with OCR'] },
    ],
  };
}

function writeFindings(dir: string, f: ForceAssessment): void {
  const findings: Findings = { schemaVersion: 1, reviewDate: '2017-06-01', rulesetVersion: 'sha256:test', forces: [f] };
  writeFileSync(join(dir, 'findings.json'), findingsJson(findings));
}

/** A fetch client that keeps cookies and reads the CSRF token from the last page. */
function client(base: string) {
  const jar = new Map<string, string>();
  let csrf = '';
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(path, base), { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); }
    return res;
  };
  return {
    jar,
    get token() { return csrf; },
    async page(path: string) {
      const res = await send(path);
      const html = await res.text();
      csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
      return { res, html };
    },
    post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
      return send(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    },
    send,
  };
}

/** A raw request, for headers fetch will not let us set (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
  });
}

let dir: string;
let server: ReviewServer;
let clock: Date;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-review-'));
  mkdirSync(join(dir, 'cache', 'extract'), { recursive: true });
  const doc: ExtractedDocument = {
    file: 'plan.txt', sha256: SHA, bytes: 200, format: 'txt', status: 'ok', notes: [], meta: {}, extractor: 'test',
    parts: [
      { kind: 'heading', text: '4. Monitoring', level: 1, location: { line: 1 } },
      { kind: 'paragraph', text: PARAGRAPH, location: { line: 3 } },
    ],
  };
  writeFileSync(join(dir, 'cache', 'extract', `${SHA}.${EXTRACTOR_VERSION}.json`), JSON.stringify(doc));
  writeFindings(dir, force());
  clock = new Date('2017-06-12T09:30:00Z');
  server = await startReviewServer({ runDir: dir, ruleset, port: 0, now: () => clock });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client with a session and a reviewer name. */
async function inspector(name = 'Inspector Bo') {
  const c = client(server.url);
  await c.page('/');
  expect((await c.post('/reviewer', { _csrf: c.token, name, back: '/force/cleveland' })).status).toBe(303);
  await c.page('/force/cleveland');
  return c;
}

describe('where the review server listens', () => {
  it('listens on loopback by default, and refuses any other address without a token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(startReviewServer({ runDir: dir, ruleset, host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs an access token/);
    expect(() => checkListen('0.0.0.0', 'short')).toThrow(/too short/);
    expect(() => checkListen('0.0.0.0', 'a-long-enough-token-1234')).not.toThrow();
  });

  it('the review command refuses a non-loopback --host without --token or PLAN_ASSESSOR_TOKEN (exit 2)', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const saved = process.env.PLAN_ASSESSOR_TOKEN;
    delete process.env.PLAN_ASSESSOR_TOKEN;
    try {
      expect(await main(['node', 'plan-assessor', 'review', dir, '--host', '0.0.0.0', '--port', '0'])).toBe(2);
      expect(err.mock.calls.flat().join(' ')).toMatch(/PLAN_ASSESSOR_TOKEN/);
    } finally {
      err.mockRestore();
      if (saved !== undefined) process.env.PLAN_ASSESSOR_TOKEN = saved;
    }
  });

  it('answers only to loopback host names when it has no token (no DNS rebinding)', async () => {
    expect(await rawGet(server.url, { host: 'evil.example' })).toBe(421);
    expect(await rawGet(server.url, { host: `localhost:${new URL(server.url).port}` })).toBe(200);
  });

  it('with a token, asks for it, takes it once from the address and then from a cookie or a bearer header', async () => {
    const token = 'review-token-0123456789abcdef';
    const guarded = await startReviewServer({ runDir: dir, dbFile: join(dir, 'guarded.sqlite'), ruleset, port: 0, token });
    try {
      const c = client(guarded.url);
      expect((await c.page('/')).res.status).toBe(401);
      expect((await c.page('/force/cleveland?token=wrong-token-0123456789')).res.status).toBe(401);
      const enter = await c.send(`/force/cleveland?token=${token}`);
      expect(enter.status).toBe(303);
      expect(enter.headers.get('location')).toBe('/force/cleveland');
      expect((await c.page('/force/cleveland')).res.status).toBe(200);
      expect((await fetch(guarded.url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(guarded.url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});

describe('requests', () => {
  it('sends a strict Content-Security-Policy and loads nothing from elsewhere', async () => {
    const c = client(server.url);
    for (const path of ['/', '/force/cleveland', '/overview', '/audit']) {
      const { res, html } = await c.page(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//i);
    }
    const first = await fetch(server.url);
    expect(first.headers.getSetCookie().join()).toMatch(/pa_session=[^;]+; Path=\/; SameSite=Strict; HttpOnly/);
  });

  it('refuses a state-changing request without the CSRF token, with a wrong one, or from another origin', async () => {
    const c = await inspector();
    const form = { status: 'in_place', reason: 'The software went live in May.' };
    const path = '/force/cleveland/items/it_monitoring/override';
    expect((await c.post(path, form)).status).toBe(403);
    expect((await c.post(path, { ...form, _csrf: `${c.token.slice(0, -2)}xx` })).status).toBe(403);
    expect((await c.post(path, { ...form, _csrf: c.token }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await c.post(path, { ...form, _csrf: c.token }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // a token is tied to its session: another session's token does not work
    const other = client(server.url);
    await other.page('/');
    expect((await c.post(path, { ...form, _csrf: other.token })).status).toBe(403);
    expect(server.store.decisions()).toEqual([]);
    expect((await c.post(path, { ...form, _csrf: c.token }, { origin: new URL(server.url).origin })).status).toBe(303);
    expect(server.store.decisions().map((d) => d.status)).toEqual(['in_place']);
  });

  it('needs a reviewer name, a valid status and a reason for an override', async () => {
    const anonymous = client(server.url);
    await anonymous.page('/force/cleveland');
    const path = '/force/cleveland/items/it_monitoring/override';
    expect((await anonymous.post(path, { _csrf: anonymous.token, status: 'in_place', reason: 'went live' })).status).toBe(400);
    const c = await inspector();
    expect((await c.post(path, { _csrf: c.token, status: 'reflected', reason: 'went live' })).status).toBe(400);
    expect((await c.post(path, { _csrf: c.token, status: 'in_place', reason: '  ' })).status).toBe(400);
    expect((await c.post('/force/cleveland/items/no_such_item/override', { _csrf: c.token, status: 'in_place', reason: 'went live' })).status).toBe(404);
    expect((await c.post('/force/nowhere/items/it_monitoring/accept', { _csrf: c.token })).status).toBe(404);
    expect(server.store.decisions()).toEqual([]);
  });
});

describe('decisions', () => {
  it('shows each quote inside its paragraph, highlighted, with the document and where in it', async () => {
    const { html } = await client(server.url).page('/force/cleveland');
    expect(html).toContain('Section 4 sets out monitoring. <mark>The force bought protective monitoring software in April 2017 and it goes live in July 2017.</mark> Training follows.');
    expect(html).toContain('plan.txt · line 3');
    expect(html).toMatch(/scan\.pdf<\/td><td><span class="chip d-needs_ocr">needs ocr/);
  });

  it('records who decided what, when and why, in an append-only audit trail', async () => {
    const c = await inspector('Inspector Bo');
    await c.post('/force/cleveland/items/it_monitoring/override', { _csrf: c.token, status: 'planned', reason: 'The go-live is after the review date.' });
    clock = new Date('2017-06-12T10:00:00Z');
    await c.post('/force/cleveland/items/ccu_capability/accept', { _csrf: c.token });
    expect(server.store.audit('cleveland').map(({ at, reviewer, item, action, from, to, reason }) => ({ at, reviewer, item, action, from, to, reason }))).toEqual([
      { at: '2017-06-12T10:00:00.000Z', reviewer: 'Inspector Bo', item: 'ccu_capability', action: 'accept', from: 'no_information', to: 'no_information', reason: 'accepted the draft status' },
      { at: '2017-06-12T09:30:00.000Z', reviewer: 'Inspector Bo', item: 'it_monitoring', action: 'override', from: 'commenced', to: 'planned', reason: 'The go-live is after the review date.' },
    ]);
    const { html } = await c.page('/force/cleveland');
    expect(html).toContain('The go-live is after the review date.');
    const db = new Database(join(dir, 'review.sqlite'));
    try {
      expect(() => db.prepare("UPDATE audit SET reason = 'nothing to see'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(server.store.audit()).toHaveLength(2);
  });

  it('keeps decisions through a rescore and flags those whose draft status or evidence changed', async () => {
    const c = await inspector();
    for (const item of ['national_strategy', 'ccu_capability', 'partner_relationships']) await c.post(`/force/cleveland/items/${item}/accept`, { _csrf: c.token });
    await c.post('/force/cleveland/items/it_monitoring/override', { _csrf: c.token, status: 'planned', reason: 'Not live by 1 June.' });
    expect((await c.post('/force/cleveland/sign-off', { _csrf: c.token })).status).toBe(303);
    expect((await c.page('/?state=signed_off')).html).toContain('data-force="cleveland"');

    // a rescore: the IT item now reads "planned" from a different quote
    writeFindings(dir, force({ itStatus: 'planned', quote: 'Training follows.' }));
    const { html } = await c.page('/force/cleveland');
    expect(html).toContain('Re-check needed after a rescore');
    expect(html).toContain('the draft status is now “planned”; it was “commenced” when decided');
    expect(html).toContain('1 new passage, 1 passage no longer cited');
    expect(html).toContain('<span class="chip new">new since the decision</span> plan.txt · line 3');
    expect(html).toContain(`no longer cited</summary><ul><li><span class="loc">plan.txt</span> ${QUOTE}</li>`);
    expect(html).toContain('Section 4 sets out monitoring. The force bought protective monitoring software in April 2017 and it goes live in July 2017. <mark>Training follows.</mark>');
    expect((await c.page('/?state=recheck')).html).toContain('data-force="cleveland"');
    expect((await c.page('/?state=signed_off')).html).not.toContain('data-force="cleveland"');
    // the decision still stands, and the letter still follows it
    expect(server.store.decisions('cleveland').find((d) => d.item === 'it_monitoring')?.status).toBe('planned');
    expect((await c.post('/force/cleveland/sign-off', { _csrf: c.token })).status).toBe(409);

    expect((await c.post('/force/cleveland/items/it_monitoring/recheck', { _csrf: c.token })).status).toBe(303);
    const after = await c.page('/force/cleveland');
    expect(after.html).not.toContain('Re-check needed');
    const [reopened, rechecked] = server.store.audit('cleveland');
    expect(reopened).toMatchObject({ action: 'reopen', item: null, reason: 'sign-off withdrawn: it_monitoring was changed' });
    expect(rechecked).toMatchObject({ action: 'recheck', item: 'it_monitoring', from: 'planned', to: 'planned' });
    expect((await c.post('/force/cleveland/sign-off', { _csrf: c.token })).status).toBe(303);
  });
});

describe('exports', () => {
  it('writes the letter, all letters and the overview from reviewed statuses, marking drafts', async () => {
    const c = await inspector();
    await c.post('/force/cleveland/items/it_monitoring/override', { _csrf: c.token, status: 'in_place', reason: 'Live since May per annex.' });
    await c.post('/force/cleveland/items/partner_relationships/override', { _csrf: c.token, status: 'no_information', reason: 'The meetings are about victims.' });
    const phrase = ruleset.letter.items.it_monitoring.phrase;
    const inPlace = ruleset.letter.statuses.in_place.split('{{items}}')[0];

    const md = await (await c.send('/force/cleveland/letter.md')).text();
    expect(md).toContain(`${inPlace.charAt(0).toUpperCase()}${inPlace.slice(1)}${phrase}`);
    expect(md).toContain('Not yet reviewed by an inspector (draft findings): National strategy; CCU capability and capacity.');

    const zip = await JSZip.loadAsync(Buffer.from(await (await c.send('/export/letters.zip')).arrayBuffer()));
    expect(Object.keys(zip.files).sort()).toEqual(['letters/', 'letters/cleveland-draft.docx', 'letters/cleveland-draft.md']);
    expect(await zip.file('letters/cleveland-draft.md')!.async('string')).toBe(md);

    const csv = (await (await c.send('/export/overview.csv')).text()).trim().split('\n');
    const header = csv[0].split(',');
    const row = csv[1].split(',');
    expect(row[header.indexOf('it_monitoring')]).toBe('in_place');
    expect(row[header.indexOf('it_monitoring_source')]).toBe('overridden');
    expect(row[header.indexOf('ccu_capability_source')]).toBe('draft');
    expect(row[header.indexOf('review_state')]).toBe('in_review');
    // the draft said plans_commenced; with two progress items now no_information the outcome
    // mapping (rules/outcome.yaml) makes it insufficient_information
    expect(row[header.indexOf('category')]).toBe('insufficient_information');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await c.send('/export/overview.xlsx')).arrayBuffer()) as unknown as ArrayBuffer);
    const forces = wb.getWorksheet('Forces')!;
    expect(forces.getRow(2).getCell(1).value).toBe('Cleveland Police');
    expect(forces.getRow(2).getCell(6).value).toBe('in place');
    expect(forces.getRow(2).getCell(5).value).toBe('no information (draft)');
  });
});
