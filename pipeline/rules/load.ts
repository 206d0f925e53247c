// Reads a rules folder into a Ruleset. Every problem in every file is collected and reported
// together, each as `file:line:col key.path: what is wrong. what to write instead`.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ITEMS } from '../schemas.js';
import { ItemsFile, LetterFile, OutcomeFile, RuleFile, type Rule } from './schema.js';

export interface Ruleset {
  dir: string;
  version: string;
  rules: Rule[];
  items: ItemsFile;
  outcome: OutcomeFile;
  letter: LetterFile;
}

export class RuleErrors extends Error {
  constructor(public readonly errors: string[]) {
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the rule files:\n${errors.join('\n')}`);
    this.name = 'RuleErrors';
  }
}

const SETTINGS = { 'items.yaml': ItemsFile, 'outcome.yaml': OutcomeFile, 'letter.yaml': LetterFile } as const;

/** Loads and validates every rule file under `dir`; throws RuleErrors listing all problems. */
export function loadRuleset(dir: string): Ruleset {
  const errors: string[] = [];
  const files = listYaml(dir, errors);
  const rules: Rule[] = [];
  const settings: Record<string, unknown> = {};
  const display = (f: string) => join(relative(process.cwd(), dir) || '.', f).split(sep).join('/');

  for (const f of files) {
    const parts = f.split('/');
    const text = readFileSync(join(dir, f), 'utf8');
    if (parts.length === 1) {
      const schema = SETTINGS[parts[0] as keyof typeof SETTINGS];
      if (!schema) { errors.push(`${display(f)}:1:1 (file): unknown settings file; expected one of ${Object.keys(SETTINGS).join(', ')}, or a rule inside an item folder`); continue; }
      const v = validate(display(f), text, schema as z.ZodType, errors);
      if (v !== undefined) settings[parts[0]] = v;
      continue;
    }
    const [folder, base] = parts;
    if (parts.length > 2) { errors.push(`${display(f)}:1:1 (file): rules sit one level deep, as rules/<item>/<rule>.yaml`); continue; }
    if (folder !== 'stage' && !(ITEMS as readonly string[]).includes(folder)) {
      errors.push(`${display(f)}:1:1 (file): folder "${folder}" is not an item; use one of ${[...ITEMS, 'stage'].join(', ')}`);
      continue;
    }
    const name = base.replace(/\.ya?ml$/, '');
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
      errors.push(`${display(f)}:1:1 (file): rule file names are kebab-case (a-z, 0-9, -), e.g. monitoring-software.yaml`);
      continue;
    }
    const v = validate(display(f), text, RuleFile, errors) as RuleFile | undefined;
    if (!v) continue;
    const role = v.role ?? (folder === 'stage' ? 'stage' : 'evidence');
    if (role === 'stage' && !v.stage && !v.cap) errors.push(`${display(f)}:1:1 stage: a stage rule needs stage: (planned, commenced or in_place) or cap:`);
    rules.push({ ...v, role, id: `${folder}.${name}`, item: folder === 'stage' ? null : folder, file: display(f) });
  }
  for (const k of Object.keys(SETTINGS)) if (!(k in settings) && !errors.some((e) => e.includes(k))) errors.push(`${display(k)}:1:1 (file): missing; every rules folder has ${Object.keys(SETTINGS).join(', ')}`);
  if (errors.length) throw new RuleErrors(errors);
  rules.sort((a, b) => a.id.localeCompare(b.id));
  return {
    dir,
    version: rulesetVersion(dir, files),
    rules,
    items: settings['items.yaml'] as ItemsFile,
    outcome: settings['outcome.yaml'] as OutcomeFile,
    letter: settings['letter.yaml'] as LetterFile,
  };
}

function listYaml(dir: string, errors: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try { entries = readdirSync(d); } catch { errors.push(`${dir}: the rules folder does not exist or cannot be read`); return; }
    for (const e of entries.sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** sha256 over every YAML file's path and bytes: any change to the rules changes it. */
export function rulesetVersion(dir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return `sha256:${h.digest('hex').slice(0, 16)}`;
}

/** Parses YAML and validates it, pushing located messages into `errors`. */
export function validate(file: string, text: string, schema: z.ZodType, errors: string[]): unknown {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0]);
      errors.push(`${file}:${pos.line}:${pos.col} (yaml): ${e.message.split('\n')[0]}. Check the indentation and quoting on this line`);
    }
    return undefined;
  }
  const data = doc.toJS();
  const r = schema.safeParse(data, { reportInput: true });
  if (r.success) return r.data;
  for (const issue of r.error.issues) errors.push(describe(file, doc, lc, issue as Issue, data));
  return undefined;
}

type Issue = z.core.$ZodIssue & { input?: unknown; keys?: string[]; values?: unknown[]; expected?: string; minimum?: number; maximum?: number; origin?: string };

function describe(file: string, doc: Document, lc: LineCounter, issue: Issue, data: unknown): string {
  const path = issue.path as (string | number)[];
  let node = path.length ? doc.getIn(path, true) : doc.contents;
  let nodePath = path;
  // unknown keys: point at the key itself
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === issue.keys![0]);
      if (pair?.key) node = pair.key;
    }
    nodePath = [...path, issue.keys[0]];
  }
  while (!node && nodePath.length) { nodePath = nodePath.slice(0, -1); node = doc.getIn(nodePath, true); }
  const range = (node as { range?: [number, number] } | undefined)?.range;
  const pos = range ? lc.linePos(range[0]) : { line: 1, col: 1 };
  const where = formatPath(issue.code === 'unrecognized_keys' && issue.keys?.length ? [...path, issue.keys[0]] : path) || '(top)';
  return `${file}:${pos.line}:${pos.col} ${where}: ${message(issue, path, data)}`;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function message(issue: Issue, path: (string | number)[], data: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const got = issue.input === undefined ? 'nothing' : JSON.stringify(issue.input);
      const want = { number: 'a number', string: 'text', array: 'a list', object: 'a mapping of keys', boolean: 'true or false' }[issue.expected ?? ''] ?? issue.expected;
      return issue.input === undefined ? `required; write ${want} here` : `expected ${want}, got ${got}`;
    }
    case 'unrecognized_keys': {
      const parent = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], data);
      const allowed = allowedKeys(path);
      const k = issue.keys?.[0] ?? '';
      const guess = allowed.map((a) => [a, distance(a, k)] as const).sort((a, b) => a[1] - b[1])[0];
      void parent;
      return `unknown key "${k}"${guess && guess[1] <= 2 ? `; did you mean "${guess[0]}"?` : ''}${allowed.length ? ` Allowed here: ${allowed.join(', ')}` : ''}`;
    }
    case 'invalid_value':
      return `expected one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `${issue.message.startsWith('give') ? issue.message : `give at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`}`;
      if (issue.origin === 'string') return issue.message.startsWith('Too small') ? 'cannot be empty' : issue.message;
      return `must be at least ${issue.minimum}, got ${JSON.stringify(issue.input)}`;
    case 'too_big':
      return `must be at most ${issue.maximum}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_union':
      return `expected text, or a mapping with text: (and optionally header:), got ${JSON.stringify(issue.input)}`;
    default:
      return issue.message;
  }
}

function allowedKeys(path: (string | number)[]): string[] {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (path.length === 0) return ['message', 'role', 'scope', 'weight', 'stage', 'cap', 'priority', 'match', 'examples'];
  if (last === 'examples') return ['hit', 'miss', 'known_gap'];
  if (last === 'near' || last === 'not_after') return ['terms', 'within'];
  if (last === 'column') return ['name', 'terms'];
  if (last === 'match' && typeof path[path.length - 1] === 'string') return ['all', 'any', 'none'];
  if (typeof path[path.length - 1] === 'number') return ['phrase', 'terms', 'near', 'not_after', 'all', 'any', 'none', 'column', 'date', 'starts'];
  return [];
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

export { isSeq };
