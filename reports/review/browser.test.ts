// End-to-end in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
// browser download): an inspector triages a small run, overrides a verdict with a reason,
// sees the letter change, finds the decision kept and audited, exports the letter as Word, and
// signs the force off. A hostile submission's text is shown as text, and a forged request is
// refused. One browser launch and one small run (two devset forces and a hostile one) for the
// whole file; screenshots go to test-artifacts/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import mammoth from 'mammoth';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRuleset } from '../../pipeline/rules/load.js';
import { runEmbedded } from '../../workers/run.js';
import { startReviewServer, type ReviewServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const ruleset = loadRuleset(fileURLToPath(new URL('../../rules', import.meta.url)));
const wording = ruleset.letter;

// The hostile forces: a file name, a text and a force folder name that carry markup and
// scripts, which must stay text.
const HOSTILE_FORCE = 'x"><svg onload=alert(2)>';
const HOSTILE_FILE = 'plan <img src=x onerror=alert(1)>.txt';
const HOSTILE_TEXT = `Abuse of position plan <script>window.__pwned = 1</script>

The force has adopted the NPCC national strategy <script>window.__pwned = 2</script> on abuse of position for a sexual purpose <b>agreed in April 2017</b>.

Active monitoring software <img src=x onerror="window.__pwned=3"> has been live on all force IT systems since March 2016 and audits every search made on Niche.

The capability and capacity of the Counter Corruption Unit <iframe src="http://127.0.0.1:9/"></iframe> will be reviewed in September 2017.
`;

let tmp: string;
let server: ReviewServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

describe('review workspace in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}; install it with apt-get install chromium (.ci/run does)`);
    tmp = mkdtempSync(join(tmpdir(), 'pa-review-e2e-'));
    const submissions = join(tmp, 'submissions');
    for (const force of ['bedfordshire', 'dyfed-powys']) cpSync(`fixtures/devset/submissions/${force}`, join(submissions, force), { recursive: true });
    mkdirSync(join(submissions, 'wiltshire'), { recursive: true });
    writeFileSync(join(submissions, 'wiltshire', HOSTILE_FILE), HOSTILE_TEXT);
    mkdirSync(join(submissions, HOSTILE_FORCE));
    writeFileSync(join(submissions, HOSTILE_FORCE, 'note.txt'), HOSTILE_TEXT);
    const out = join(tmp, 'run');
    await runEmbedded({ submissions, out, reviewDate: '2017-06-01', ruleset, threads: 2 });
    server = await startReviewServer({ runDir: out, ruleset, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Clicks something that submits a form or follows a link, and waits for the next page. */
  const follow = async (click: Promise<void>) => {
    await Promise.all([page.waitForEvent('framenavigated'), click]);
    await page.waitForLoadState('domcontentloaded');
  };
  const text = (selector: string) => page.locator(selector).first().innerText();
  /** A tall viewport rather than fullPage: the sticky header and side column would repeat. */
  const screenshot = async (name: string) => {
    await page.setViewportSize({ width: 1400, height: 1500 });
    await page.screenshot({ path: join(ARTIFACTS, name) });
    await page.setViewportSize({ width: 1400, height: 900 });
  };

  /** The letter sentence about an item, found by the item's phrase in rules/letter.yaml. */
  const sentenceAbout = (letter: string, phrase: string) => letter.split(/(?<=\.)\s+/).find((s) => s.includes(phrase)) ?? '';

  it('triage → force → override with a reason → letter, reload, audit trail, Word export, sign-off', async () => {
    await page.goto(server.url);
    expect(await page.locator('table.triage tbody tr').count()).toBe(4);

    await page.fill('#reviewer-name', 'Inspector Ada');
    await follow(page.click('form.who button'));
    expect(await text('form.who label')).toContain('Reviewing as');

    await follow(page.click('a:has-text("Bedfordshire Police")'));
    expect(new URL(page.url()).pathname).toBe('/force/bedfordshire');
    const item = page.locator('#item-it_monitoring');
    const draft = (await item.locator('h3 .chip').first().innerText()).trim();
    const target = draft === 'planned' ? 'in_place' : 'planned';
    const phrase = wording.items.it_monitoring.phrase;
    const expected = wording.statuses[target].split('{{items}}')[1].trim();
    const before = sentenceAbout(await page.locator('#letter .letter-body').innerText(), phrase);
    expect(before).not.toContain(expected);

    await item.locator('summary:has-text("Override")').click();
    await item.locator('select[name=status]').selectOption(target);
    await item.locator('textarea[name=reason]').fill('Annex B says the monitoring <b>tender</b> closes in July.');
    await follow(item.locator('button:has-text("Override")').click());

    expect(sentenceAbout(await page.locator('#letter .letter-body').innerText(), phrase)).toContain(expected);
    await page.reload();
    const decided = await text('#item-it_monitoring .decided');
    expect(decided).toContain('Overridden');
    expect(decided).toContain('Annex B says the monitoring <b>tender</b> closes in July.');
    expect(await text('#item-it_monitoring h3 .chip')).toBe(target.replace(/_/g, ' '));
    const row = await text('#audit li');
    for (const part of ['Inspector Ada', 'IT monitoring', 'override', `${draft} → ${target.replace(/_/g, ' ')}`, 'Annex B says the monitoring']) expect(row).toContain(part);
    await screenshot('review-force.png');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download Word")')]);
    const docx = (await mammoth.extractRawText({ path: (await download.path())! })).value;
    expect(sentenceAbout(docx.replace(/\n+/g, ' '), phrase)).toContain(expected);
    expect(docx).toContain('Bedfordshire Police');
    expect(docx).toContain('Not yet reviewed by an inspector');

    // accept the other three items, then sign off: the letter loses its draft notice
    for (const other of ['national_strategy', 'ccu_capability', 'partner_relationships']) {
      await follow(page.locator(`#item-${other} button:has-text("Accept draft")`).click());
    }
    expect(await text('#letter .letter-body')).toContain(wording.draft_notice);
    await follow(page.click('button:has-text("Sign off force")'));
    expect(await text('.force-head .notice')).toContain('Signed off by Inspector Ada');
    expect(await text('#letter .letter-body')).not.toContain(wording.draft_notice);
    await page.goto(server.url);
    expect(await text('tr[data-force="bedfordshire"]')).toContain('signed off');
    await screenshot('review-triage.png');
  });

  it('shows a hostile submission\'s markup and scripts as text', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    for (const path of ['', 'overview', 'force/wiltshire', `force/${encodeURIComponent(HOSTILE_FORCE)}`]) {
      await page.goto(server.url + path);
      expect(await page.locator('script, iframe, svg, main img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    expect(await text('h2')).toBe(HOSTILE_FORCE);
    expect(await text('#letter .letter-body')).toContain(HOSTILE_FORCE);
    await page.goto(`${server.url}force/wiltshire`);
    expect(await text('#documents')).toContain(HOSTILE_FILE);
    expect(await text('#item-national_strategy .para')).toContain('<script>window.__pwned = 2</script>');
    expect(await text('#item-it_monitoring .para mark')).toContain('<img src=x onerror="window.__pwned=3">');
    expect(dialogs).toEqual([]);
  });

  it('refuses a state-changing request without the CSRF token, and one from another site', async () => {
    await page.goto(`${server.url}force/dyfed-powys`);
    const url = `${server.url}force/dyfed-powys/items/ccu_capability/override`;
    const form = { status: 'in_place', reason: 'forged request' };
    // same browser session and cookies, no token
    const noToken = await page.request.post(url, { form, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    // a page on another origin that posts a form to the review server
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="post" action="${url}"><input name="status" value="in_place"><input name="reason" value="forged request"><input name="_csrf" value="guess"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    try {
      const port = (attacker.address() as { port: number }).port;
      const [response] = await Promise.all([page.waitForResponse(url), page.goto(`http://localhost:${port}/`)]);
      expect(response.status()).toBe(403);
    } finally {
      attacker.close();
    }
    expect(server.store.decisions('dyfed-powys')).toEqual([]);
    // the same request with the page's token goes through
    await page.goto(`${server.url}force/dyfed-powys`);
    const token = await page.locator('#item-ccu_capability input[name=_csrf]').first().inputValue();
    const ok = await page.request.post(url, { form: { ...form, _csrf: token }, maxRedirects: 0 });
    expect(ok.status()).toBe(303);
    expect(server.store.decisions('dyfed-powys').map((d) => [d.item, d.status, d.reviewer])).toEqual([['ccu_capability', 'in_place', 'Inspector Ada']]);
  });
});
