// The review store: inspectors' decisions, sign-offs and the audit trail, in one SQLite file
// (by default <run>/review.sqlite). The audit table is append-only: triggers refuse UPDATE and
// DELETE, so the trail of who changed what, when and why cannot be rewritten through the app.
// Every change is one transaction that writes its audit row with it.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Item } from '../../pipeline/schemas.js';
import { AuditEntry, Decision, SignOff, type AuditAction } from './state.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  force TEXT NOT NULL, item TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('accept', 'override')),
  status TEXT NOT NULL, reason TEXT NOT NULL, reviewer TEXT NOT NULL, at TEXT NOT NULL,
  draft_status TEXT NOT NULL, evidence TEXT NOT NULL, ruleset_version TEXT NOT NULL,
  PRIMARY KEY (force, item));
CREATE TABLE IF NOT EXISTS signoffs (
  force TEXT PRIMARY KEY, reviewer TEXT NOT NULL, at TEXT NOT NULL, statuses TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, reviewer TEXT NOT NULL,
  force TEXT NOT NULL, item TEXT, action TEXT NOT NULL, from_status TEXT, to_status TEXT,
  reason TEXT NOT NULL, ruleset_version TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_force ON audit (force, id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`;

interface DecisionRow { force: string; item: string; action: string; status: string; reason: string; reviewer: string; at: string; draft_status: string; evidence: string; ruleset_version: string }
interface AuditRow { id: number; at: string; reviewer: string; force: string; item: string | null; action: string; from_status: string | null; to_status: string | null; reason: string; ruleset_version: string }

export interface AuditInput { force: string; item: Item | null; action: AuditAction; from: string | null; to: string | null; reason: string; reviewer: string; rulesetVersion: string }

export class ReviewStore {
  private db: Database.Database;
  /** `now` is injectable so tests can pin time; everything else is real. */
  constructor(file: string, private now: () => Date = () => new Date()) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void { this.db.close(); }

  /** A random secret kept with the decisions, so CSRF tokens outlive a server restart. */
  secret(): Buffer {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('secret') as { value: string } | undefined;
    if (row) return Buffer.from(row.value, 'hex');
    const value = randomBytes(32).toString('hex');
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('secret', value);
    return this.secret();
  }

  decisions(force?: string): Decision[] {
    const rows = (force
      ? this.db.prepare('SELECT * FROM decisions WHERE force = ? ORDER BY item').all(force)
      : this.db.prepare('SELECT * FROM decisions ORDER BY force, item').all()) as DecisionRow[];
    return rows.map((r) => Decision.parse({
      force: r.force, item: r.item, action: r.action, status: r.status, reason: r.reason, reviewer: r.reviewer, at: r.at,
      draftStatus: r.draft_status, evidence: JSON.parse(r.evidence), rulesetVersion: r.ruleset_version,
    }));
  }

  signOffs(): SignOff[] {
    return (this.db.prepare('SELECT * FROM signoffs ORDER BY force').all() as { force: string; reviewer: string; at: string; statuses: string }[])
      .map((r) => SignOff.parse({ ...r, statuses: JSON.parse(r.statuses) }));
  }

  /** The audit trail, newest first; one force's, or the whole run's. */
  audit(force?: string): AuditEntry[] {
    const rows = (force
      ? this.db.prepare('SELECT * FROM audit WHERE force = ? ORDER BY id DESC').all(force)
      : this.db.prepare('SELECT * FROM audit ORDER BY id DESC').all()) as AuditRow[];
    return rows.map((r) => AuditEntry.parse({
      id: r.id, at: r.at, reviewer: r.reviewer, force: r.force, item: r.item, action: r.action,
      from: r.from_status, to: r.to_status, reason: r.reason, rulesetVersion: r.ruleset_version,
    }));
  }

  /** Records an accept, override or re-check of one item. The audit row says `from` → the
   * new status and why (`audit` when the trail's wording differs from the decision's, as for
   * a re-check). A change to a signed-off force withdraws its sign-off (audited), since what
   * was signed is no longer what stands. */
  decide(d: Omit<Decision, 'at'>, from: string, audit: { action: AuditAction; reason: string } = { action: d.action, reason: d.reason }): void {
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO decisions (force, item, action, status, reason, reviewer, at, draft_status, evidence, ruleset_version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (force, item) DO UPDATE SET action = excluded.action, status = excluded.status, reason = excluded.reason,
          reviewer = excluded.reviewer, at = excluded.at, draft_status = excluded.draft_status, evidence = excluded.evidence,
          ruleset_version = excluded.ruleset_version`)
        .run(d.force, d.item, d.action, d.status, d.reason, d.reviewer, at, d.draftStatus, JSON.stringify(d.evidence), d.rulesetVersion);
      this.log({ force: d.force, item: d.item, action: audit.action, from, to: d.status, reason: audit.reason, reviewer: d.reviewer, rulesetVersion: d.rulesetVersion }, at);
      const signed = this.db.prepare('DELETE FROM signoffs WHERE force = ?').run(d.force);
      if (signed.changes) this.log({ force: d.force, item: null, action: 'reopen', from: 'signed off', to: 'in review', reason: `sign-off withdrawn: ${d.item} was changed`, reviewer: d.reviewer, rulesetVersion: d.rulesetVersion }, at);
    })();
  }

  signOff(force: string, statuses: Record<string, string>, reviewer: string, reason: string, rulesetVersion: string): void {
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO signoffs (force, reviewer, at, statuses) VALUES (?, ?, ?, ?) ON CONFLICT (force) DO UPDATE SET reviewer = excluded.reviewer, at = excluded.at, statuses = excluded.statuses')
        .run(force, reviewer, at, JSON.stringify(statuses));
      this.log({ force, item: null, action: 'sign_off', from: 'in review', to: 'signed off', reason, reviewer, rulesetVersion }, at);
    })();
  }

  reopen(force: string, reviewer: string, reason: string, rulesetVersion: string): boolean {
    const at = this.now().toISOString();
    return this.db.transaction(() => {
      const r = this.db.prepare('DELETE FROM signoffs WHERE force = ?').run(force);
      if (r.changes) this.log({ force, item: null, action: 'reopen', from: 'signed off', to: 'in review', reason, reviewer, rulesetVersion }, at);
      return r.changes > 0;
    })();
  }

  private log(a: AuditInput, at: string): void {
    this.db.prepare('INSERT INTO audit (at, reviewer, force, item, action, from_status, to_status, reason, ruleset_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(at, a.reviewer, a.force, a.item, a.action, a.from, a.to, a.reason, a.rulesetVersion);
  }
}
