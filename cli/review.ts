// `plan-assessor review <run-dir>`: serves the inspector review workspace for a run folder.
// A thin adapter: check the arguments, start reports/review/server.ts, stop on Ctrl+C.
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_RULES, UsageError, rulesArg } from './main.js';
import { readManifest } from '../workers/manifest.js';
import { checkListen } from '../reports/review/security.js';

const portArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${v}"`);
  return n;
};

export function reviewCommand(): Command {
  return new Command('review')
    .description('serve the review workspace for a run: triage, evidence in context, accept or override with a reason, sign-off, letters and overview exports')
    .argument('<run-dir>', 'a folder written by `plan-assessor run` (holds findings.json)')
    .option('--port <n>', 'port to listen on', portArg, 8080)
    .option('--host <address>', 'address to listen on; anything other than loopback needs a token', '127.0.0.1')
    .option('--db <file>', 'SQLite file that keeps the decisions (default: <run-dir>/review.sqlite)')
    .option('--token <secret>', 'access token, at least 16 characters (default: $PLAN_ASSESSOR_TOKEN); required off loopback')
    .option('--rules <dir>', 'rules folder for the letter wording and categories (default: the one the run used)')
    .action(async (dir: string, o: { port: number; host: string; db?: string; token?: string; rules?: string }) => {
      const runDir = resolve(dir);
      if (!existsSync(join(runDir, 'findings.json'))) {
        throw new UsageError(`"${dir}" has no findings.json. Give a folder written by \`plan-assessor run <submissions> --out <dir>\`.`);
      }
      const token = o.token ?? (process.env.PLAN_ASSESSOR_TOKEN || undefined);
      try { checkListen(o.host, token); } catch (err) { throw new UsageError((err as Error).message); }
      const runRules = existsSync(join(runDir, 'run.json')) ? readManifest(runDir).rulesDir : undefined;
      const ruleset = rulesArg(o.rules ?? (runRules && existsSync(runRules) ? runRules : DEFAULT_RULES));
      const { defaultDbFile, startReviewServer } = await import('../reports/review/server.js');
      const dbFile = resolve(o.db ?? defaultDbFile(runDir));
      let server;
      try {
        server = await startReviewServer({ runDir, dbFile, ruleset, host: o.host, port: o.port, token });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${o.port} is already in use on ${o.host}; pass another with --port <n>.`);
        if (code === 'EADDRNOTAVAIL') throw new UsageError(`${o.host} is not an address of this machine; pass --host 127.0.0.1 or one of its addresses.`);
        throw err;
      }
      console.log(`Review workspace for ${runDir}\n  open ${server.url}${token ? `?token=${encodeURIComponent(token)}` : ''}\n  decisions kept in ${dbFile}\nPress Ctrl+C to stop.`);
      await new Promise<void>((done) => {
        const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });
}
