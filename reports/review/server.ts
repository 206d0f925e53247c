// The review server: an express app over a run folder and a SQLite store. Routes are thin:
// parse the request, build views (state.ts), render (pages.ts) or record (store.ts).
//
//   GET  /                              triage (?category=&status=&state=&sort=)
//   GET  /force/:force                  items with evidence in context, documents, letter, audit
//   POST /force/:force/items/:item/accept | override (status, reason) | recheck
//   POST /force/:force/sign-off | reopen (reason)
//   POST /reviewer                      the reviewer's name (kept in a cookie)
//   GET  /force/:force/letter.docx|md   the letter from reviewed statuses
//   GET  /overview, /audit              the national overview and the run's audit trail
//   GET  /export/letters.zip | overview.csv | overview.xlsx | audit.csv
import express, { type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { Ruleset } from '../../pipeline/rules/load.js';
import { Category, Item, Status, type Findings } from '../../pipeline/schemas.js';
import { ReviewStore } from './store.js';
import { RunFolder, quoteInContext } from './run-folder.js';
import { evidenceRefs, forceView, reviewedStatuses, signOffBlockers, statusesFor, triage, type ForceView, type TriageQuery } from './state.js';
import { REVIEW_CSS, auditPage, forcePage, messagePage, overviewPage, triagePage, type PageChrome } from './pages.js';
import { letterFileName, letterMd, letterWord, lettersZip, overviewCsv, overviewXlsx, reviewedLetter, verdictParagraphs } from './exports.js';
import { REVIEWER_COOKIE, checkListen, cookie, guards, parseCookies } from './security.js';

export interface ReviewOptions {
  runDir: string;
  /** the SQLite file; default <runDir>/review.sqlite */
  dbFile?: string;
  /** letter wording and the category mapping */
  ruleset: Ruleset;
  host?: string;
  port?: number;
  /** required when host is not loopback */
  token?: string;
  now?: () => Date;
}

export interface ReviewServer { url: string; store: ReviewStore; close: () => Promise<void> }

export const defaultDbFile = (runDir: string) => join(runDir, 'review.sqlite');

const TriageParams = z.object({
  category: Category.optional().catch(undefined),
  status: Status.optional().catch(undefined),
  state: z.enum(['not_started', 'in_review', 'signed_off', 'recheck']).optional().catch(undefined),
  sort: z.enum(['confidence', 'name', 'category']).optional().catch(undefined),
});
const Reason = z.string().trim().min(3, 'give a reason of at least a few words').max(2000, 'keep the reason under 2000 characters');
const ReviewerName = z.string().trim().min(1).max(80);

export function reviewApp(run: RunFolder, store: ReviewStore, ruleset: Ruleset, o: { host: string; token?: string }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const refuse = (res: Response, status: number, title: string, message: string) => {
    const chrome: PageChrome = { title, reviewer: '', csrf: (res.locals.csrf as string | undefined) ?? '', back: '/' };
    res.status(status).type('html').send(messagePage(chrome, title, message));
  };
  const g = guards({ host: o.host, token: o.token, secret: store.secret(), refuse });
  app.use(g.headers, g.access, express.urlencoded({ extended: false, limit: '32kb' }), g.session, g.csrf);

  const reviewerOf = (req: Request) => ReviewerName.safeParse(parseCookies(req.headers.cookie)[REVIEWER_COOKIE]).data ?? '';
  const chrome = (req: Request, res: Response, title: string, active?: PageChrome['active']): PageChrome =>
    ({ title, active, reviewer: reviewerOf(req), csrf: g.csrfToken(res), back: req.originalUrl });

  const allViews = (f: Findings): ForceView[] => {
    const decisions = store.decisions();
    const signOffs = new Map(store.signOffs().map((s) => [s.force, s]));
    return f.forces.map((x) => forceView(x, decisions, signOffs.get(x.force), ruleset.outcome));
  };
  const oneView = (force: string): ForceView | undefined => {
    const x = run.findings().forces.find((y) => y.force === force);
    return x && forceView(x, store.decisions(force), store.signOffs().find((s) => s.force === force), ruleset.outcome);
  };
  /** The force (and item) a request names, or a 404 page and undefined. */
  const target = (req: Request, res: Response): { v: ForceView; item?: Item } | undefined => {
    const v = oneView(String(req.params.force));
    const item = req.params.item === undefined ? undefined : Item.safeParse(req.params.item).data;
    if (!v || (req.params.item !== undefined && !item)) { refuse(res, 404, 'Not found', 'There is no such force or item in this run.'); return undefined; }
    return { v, item };
  };
  /** The reviewer's name, or a page asking for it and undefined. */
  const reviewer = (req: Request, res: Response): string | undefined => {
    const name = reviewerOf(req);
    if (!name) refuse(res, 400, 'Your name is needed', 'Enter your name at the top of the page first: it is recorded with each decision.');
    return name || undefined;
  };
  const back = (res: Response, v: ForceView, anchor = '') => res.redirect(303, `/force/${encodeURIComponent(v.draft.force)}${anchor}`);

  app.get('/assets/review.css', (_req, res) => { res.type('css').send(REVIEW_CSS); });

  app.get('/', (req, res) => {
    const f = run.findings();
    const q = TriageParams.parse(req.query) as TriageQuery;
    const views = allViews(f);
    res.type('html').send(triagePage(chrome(req, res, 'Triage', 'triage'), f, views, triage(views, q), q));
  });

  app.get('/force/:force', (req, res) => {
    const t = target(req, res);
    if (!t) return;
    const { v } = t;
    const reviewDate = run.findings().reviewDate;
    const shaOf = new Map(v.draft.documents.map((d) => [d.file, d.sha256]));
    const letter = reviewedLetter(v, reviewDate, ruleset.letter);
    res.type('html').send(forcePage(chrome(req, res, v.draft.name), {
      view: v,
      letter,
      letterVerdicts: verdictParagraphs(letter, ruleset.letter),
      audit: store.audit(v.draft.force),
      blockers: signOffBlockers(v),
      context: (e) => quoteInContext(run.segmented(shaOf.get(e.document) ?? ''), e.quote),
    }));
  });

  app.post('/force/:force/items/:item/:action', (req, res) => {
    const t = target(req, res);
    if (!t?.item) return;
    const name = reviewer(req, res);
    if (!name) return;
    const { v, item } = t;
    const it = v.items[item];
    const base = { force: v.draft.force, item, reviewer: name, draftStatus: it.draft.status, evidence: evidenceRefs(it.draft), rulesetVersion: run.findings().rulesetVersion };
    switch (req.params.action) {
      case 'accept':
        store.decide({ ...base, action: 'accept', status: it.draft.status, reason: 'accepted the draft status' }, it.status);
        break;
      case 'override': {
        const body = req.body as Record<string, unknown>;
        const status = statusesFor(item).includes(String(body.status)) ? (String(body.status) as ForceView['items'][Item]['status']) : undefined;
        const reason = Reason.safeParse(body.reason);
        if (!status) return refuse(res, 400, 'Choose a status', `“${String(body.status ?? '')}” is not a status for this item; choose one of ${statusesFor(item).join(', ')}.`);
        if (!reason.success) return refuse(res, 400, 'A reason is needed', `An override needs a reason: ${reason.error.issues[0].message}.`);
        store.decide({ ...base, action: 'override', status, reason: reason.data }, it.status);
        break;
      }
      case 'recheck':
        if (!it.decision || !it.recheck.length) return refuse(res, 409, 'Nothing to re-check', 'This item has no decision flagged by a rescore.');
        store.decide({ ...base, action: it.decision.action, status: it.decision.status, reason: it.decision.reason }, it.status,
          { action: 'recheck', reason: `kept after re-check: ${it.recheck.join('; ')}` });
        break;
      default:
        return refuse(res, 404, 'Not found', 'Items can be accepted, overridden or re-checked.');
    }
    back(res, v, `#item-${item}`);
  });

  app.post('/force/:force/sign-off', (req, res) => {
    const t = target(req, res);
    const name = t && reviewer(req, res);
    if (!t || !name) return;
    const blockers = signOffBlockers(t.v);
    if (blockers.length) return refuse(res, 409, 'Not ready to sign off', blockers.join('. '));
    const note = z.string().trim().max(2000).catch('').parse((req.body as Record<string, unknown>).reason);
    store.signOff(t.v.draft.force, reviewedStatuses(t.v), name, note || 'signed off', run.findings().rulesetVersion);
    back(res, t.v);
  });

  app.post('/force/:force/reopen', (req, res) => {
    const t = target(req, res);
    const name = t && reviewer(req, res);
    if (!t || !name) return;
    const reason = Reason.safeParse((req.body as Record<string, unknown>).reason);
    if (!reason.success) return refuse(res, 400, 'A reason is needed', `Reopening a signed-off force needs a reason: ${reason.error.issues[0].message}.`);
    store.reopen(t.v.draft.force, name, reason.data, run.findings().rulesetVersion);
    back(res, t.v);
  });

  app.post('/reviewer', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const name = ReviewerName.safeParse(body.name);
    if (!name.success) return refuse(res, 400, 'Enter a name', 'Your name (up to 80 characters) is recorded with each decision.');
    const to = typeof body.back === 'string' && /^\/(?![/\\])/.test(body.back) ? body.back : '/';
    res.setHeader('Set-Cookie', cookie(REVIEWER_COOKIE, name.data, { maxAge: 365 * 24 * 3600 }));
    res.redirect(303, to);
  });

  app.get('/force/:force/letter.:ext', async (req, res) => {
    const t = target(req, res);
    if (!t) return;
    const reviewDate = run.findings().reviewDate;
    if (req.params.ext === 'docx') {
      res.attachment(letterFileName(t.v, 'docx')).send(await letterWord(t.v, reviewDate, ruleset.letter));
    } else if (req.params.ext === 'md') {
      res.attachment(letterFileName(t.v, 'md')).type('text/markdown; charset=utf-8').send(letterMd(t.v, reviewDate, ruleset.letter));
    } else refuse(res, 404, 'Not found', 'Letters come as .docx or .md.');
  });

  app.get('/overview', (req, res) => {
    const f = run.findings();
    res.type('html').send(overviewPage(chrome(req, res, 'National overview', 'overview'), f, allViews(f)));
  });

  app.get('/audit', (req, res) => {
    res.type('html').send(auditPage(chrome(req, res, 'Audit trail', 'audit'), store.audit()));
  });

  app.get('/export/letters.zip', async (_req, res) => {
    const f = run.findings();
    res.attachment('letters.zip').send(await lettersZip(allViews(f), f.reviewDate, ruleset.letter));
  });
  app.get('/export/overview.csv', (_req, res) => {
    res.attachment('overview.csv').type('text/csv; charset=utf-8').send(overviewCsv(allViews(run.findings())));
  });
  app.get('/export/overview.xlsx', async (_req, res) => {
    const f = run.findings();
    res.attachment('overview.xlsx').send(await overviewXlsx(allViews(f), f.reviewDate));
  });
  app.get('/export/audit.csv', (_req, res) => {
    const rows = store.audit().reverse().map((a) => [a.at, a.reviewer, a.force, a.item ?? '', a.action, a.from ?? '', a.to ?? '', a.reason, a.rulesetVersion]);
    res.attachment('audit.csv').type('text/csv; charset=utf-8').send(stringify([['at', 'reviewer', 'force', 'item', 'action', 'from', 'to', 'reason', 'ruleset_version'], ...rows]));
  });

  app.use((_req: Request, res: Response) => refuse(res, 404, 'Not found', 'There is no such page. Start from the triage page.'));
  app.use((err: Error, _req: Request, res: Response, _next: express.NextFunction) => {
    // the message only: a stack or request body could carry submission text into the log
    console.error(`review: ${err.name}: ${err.message.split('\n')[0]}`);
    if (!res.headersSent) refuse(res, 500, 'Something went wrong', 'The request could not be completed. Reload the page; if it happens again, restart the review server.');
  });
  return app;
}

/** Opens the run and its store and listens. Refuses a non-loopback address without a token. */
export async function startReviewServer(o: ReviewOptions): Promise<ReviewServer> {
  const host = o.host ?? '127.0.0.1';
  checkListen(host, o.token);
  const run = new RunFolder(o.runDir);
  const store = new ReviewStore(o.dbFile ?? defaultDbFile(o.runDir), o.now);
  const server: Server = createServer(reviewApp(run, store, o.ruleset, { host, token: o.token }));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 8080, host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    store,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { store.close(); resolve(); });
    }),
  };
}
