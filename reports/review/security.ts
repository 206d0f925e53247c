// The review server's guards. The pages show untrusted submission text and record decisions
// that end up in letters to chief constables, so:
//  - it listens on loopback unless told otherwise, and anywhere else only with an access token
//    (sent as `Authorization: Bearer …`, or once as ?token=… which sets an HttpOnly cookie);
//  - on loopback without a token it answers only to loopback host names, so a web page cannot
//    reach it through DNS rebinding;
//  - every state-changing request needs the session's CSRF token (a hidden form field, an HMAC
//    of the session cookie) and, when the browser says where it came from, the same origin;
//    cookies are SameSite=Strict;
//  - every response carries a Content-Security-Policy that allows no scripts at all and styles
//    only from this server, so escaped text stays text even if an escape were missed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** Throws a message for the user when the address and token do not go together. */
export function checkListen(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 16) {
    throw new Error('the access token is too short: use at least 16 characters, for example the output of `openssl rand -hex 24`.');
  }
  if (!isLoopback(host) && !token) {
    throw new Error(`listening on ${host} lets other machines reach the review server, so it needs an access token: pass --token <secret> or set PLAN_ASSESSOR_TOKEN (for example to the output of \`openssl rand -hex 24\`), or leave --host at 127.0.0.1.`);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const k = part.slice(0, i).trim();
    try { out[k] = decodeURIComponent(part.slice(i + 1).trim()); } catch { /* a malformed cookie is ignored */ }
  }
  return out;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const SESSION_COOKIE = 'pa_session';
export const AUTH_COOKIE = 'pa_auth';
export const REVIEWER_COOKIE = 'pa_reviewer';

export interface Guards {
  headers: (req: Request, res: Response, next: NextFunction) => void;
  access: (req: Request, res: Response, next: NextFunction) => void;
  session: (req: Request, res: Response, next: NextFunction) => void;
  csrf: (req: Request, res: Response, next: NextFunction) => void;
  /** the CSRF token for this request's session, for hidden form fields */
  csrfToken: (res: Response) => string;
}

export function cookie(name: string, value: string, opts: { httpOnly?: boolean; maxAge?: number } = {}): string {
  return [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Strict', opts.httpOnly === false ? '' : 'HttpOnly', opts.maxAge ? `Max-Age=${opts.maxAge}` : '']
    .filter(Boolean).join('; ');
}

export function guards(o: { host: string; token?: string; secret: Buffer; refuse: (res: Response, status: number, title: string, message: string) => void }): Guards {
  const mac = (what: string) => createHmac('sha256', o.secret).update(what).digest('base64url');
  const authValue = o.token ? mac(`auth:${o.token}`) : '';
  const checkHost = !o.token && isLoopback(o.host);

  return {
    headers(_req, res, next) {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', 'no-store');
      next();
    },

    access(req, res, next) {
      if (checkHost) {
        const name = (req.headers.host ?? '').replace(/:\d+$/, '');
        if (!isLoopback(name)) return o.refuse(res, 421, 'Wrong address', 'This review server answers only to http://127.0.0.1 or http://localhost on this machine.');
      }
      if (!o.token) return next();
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer && same(bearer, o.token)) return next();
      if (same(parseCookies(req.headers.cookie)[AUTH_COOKIE] ?? '', authValue)) return next();
      const given = typeof req.query.token === 'string' ? req.query.token : undefined;
      if (req.method === 'GET' && given && same(given, o.token)) {
        res.setHeader('Set-Cookie', cookie(AUTH_COOKIE, authValue));
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.delete('token');
        return res.redirect(303, url.pathname + url.search);
      }
      o.refuse(res, 401, 'Access token needed', 'This review server needs its access token. Open the address it printed when it started (ending in ?token=…), or ask whoever started it.');
    },

    session(req, res, next) {
      let sid = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      if (!sid || !/^[A-Za-z0-9_-]{32,64}$/.test(sid)) {
        sid = randomBytes(24).toString('base64url');
        res.append('Set-Cookie', cookie(SESSION_COOKIE, sid));
      }
      res.locals.csrf = mac(`csrf:${sid}`);
      next();
    },

    csrf(req, res, next) {
      if (req.method === 'GET' || req.method === 'HEAD') return next();
      const site = req.headers['sec-fetch-site'];
      const origin = req.headers.origin;
      const crossSite = (site && site !== 'same-origin' && site !== 'none') || (origin && origin !== `${req.protocol}://${req.headers.host}`);
      const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
      if (crossSite || typeof sent !== 'string' || !same(sent, res.locals.csrf as string)) {
        return o.refuse(res, 403, 'Request refused', 'This form came from another site or has expired. Go back, reload the page and try again.');
      }
      next();
    },

    csrfToken: (res) => res.locals.csrf as string,
  };
}
