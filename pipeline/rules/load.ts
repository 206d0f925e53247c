// Reads a rules folder into a Ruleset. Every problem in every file is collected and reported
// together, each as `file:line:col key.path: what is wrong. what to write instead`, so that a
// reviewer who edits a rule file sees at once where it is wrong and how to put it right.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ITEMS } from '../schemas.js';
import { CONDITION_KEYS, ItemsFile, LetterFile, OutcomeFile, RuleFile, VOCABULARY_NAME, VocabularyFile, type Condition, type Rule } from './schema.js';

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
/** Optional: named term lists that any terms list in a rule file may use as "$name". */
export const VOCABULARY = 'vocabulary.yaml';
export const RULE_FOLDERS = [...ITEMS, 'stage'] as const;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Loads and validates every rule file under `dir`; throws RuleErrors listing all problems. */
export function loadRuleset(dir: string): Ruleset {
  const errors: string[] = [];
  const files = listYaml(dir, errors);
  const rules: Rule[] = [];
  const settings: Record<string, unknown> = {};
  // paths as the reviewer would type them: relative to where they are, unless that climbs out
  const rel = relative(process.cwd(), dir);
  const display = (f: string) => join(rel.startsWith('..') || isAbsolute(rel) ? dir : rel || '.', f).split(sep).join('/');
  const fileError = (f: string, what: string) => errors.push(`${display(f)}:1:1 (file): ${what}`);
  const ids = new Map<string, string>();
  const vocabulary = files.includes(VOCABULARY)
    ? loadVocabulary(display(VOCABULARY), readFileSync(join(dir, VOCABULARY), 'utf8'), errors)
    : new Map<string, string[]>();
  const vocabularyFile = display(VOCABULARY);

  for (const f of files) {
    const parts = f.split('/');
    const text = readFileSync(join(dir, f), 'utf8');
    if (parts.length === 1) {
      if (parts[0] === VOCABULARY) continue;
      const schema = SETTINGS[parts[0] as keyof typeof SETTINGS];
      if (!schema) {
        fileError(f, `unknown settings file${guessThen(parts[0], [...Object.keys(SETTINGS), VOCABULARY])}The top of the rules folder holds only ${Object.keys(SETTINGS).join(', ')}; a rule goes in an item folder, as <item>/<rule>.yaml`);
        continue;
      }
      const v = validate(display(f), text, schema as z.ZodType, errors);
      if (v !== undefined) settings[parts[0]] = v;
      continue;
    }
    const [folder, base] = parts;
    if (parts.length > 2) { fileError(f, `rules sit one level deep, as <item>/<rule>.yaml; move it to ${folder}/${parts[parts.length - 1]}`); continue; }
    if (!(RULE_FOLDERS as readonly string[]).includes(folder)) {
      fileError(f, `folder "${folder}" is not an item${guessThen(folder, RULE_FOLDERS)}Rule folders are named after an item: ${RULE_FOLDERS.join(', ')}`);
      continue;
    }
    const name = base.replace(/\.ya?ml$/, '');
    if (!KEBAB.test(name)) {
      const fixed = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      fileError(f, `rule file names are lower-case words joined by hyphens (a-z, 0-9, -); rename it ${fixed || 'monitoring-software'}.yaml`);
      continue;
    }
    const id = `${folder}.${name}`;
    if (ids.has(id)) { fileError(f, `${ids.get(id)} already defines the rule ${id}; keep one of the two files`); continue; }
    ids.set(id, display(f));
    const v = validate(display(f), text, RuleFile, errors, (data, raw, report) => checkRule(folder, data as RuleFile, raw, report),
      (raw, report) => expandVocabulary(raw, vocabulary, vocabularyFile, report)) as RuleFile | undefined;
    if (!v) continue;
    const role = v.role ?? (folder === 'stage' ? 'stage' : 'evidence');
    rules.push({ ...v, role, id, item: folder === 'stage' ? null : folder, file: display(f) });
  }
  for (const k of Object.keys(SETTINGS)) {
    if (!files.includes(k)) fileError(k, `missing; every rules folder has ${Object.keys(SETTINGS).join(', ')} at its top (copy it from the project's rules/ folder)`);
  }
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

/** Every .yaml/.yml file under `dir`, as sorted paths relative to it with forward slashes. */
export function listYaml(dir: string, errors: string[] = []): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try { entries = readdirSync(d); } catch { errors.push(`${dir}: the rules folder does not exist or cannot be read; give a folder such as rules/ with --rules <dir>`); return; }
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
export function rulesetVersion(dir: string, files: string[] = listYaml(dir)): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return `sha256:${h.digest('hex').slice(0, 16)}`;
}

type Path = (string | number)[];
/** Reports a problem at a key path of the file being checked (located like schema errors). */
type Report = (path: Path, message: string) => void;

/** Parses YAML and validates it, pushing located messages into `errors`. `check` adds the
 * rules that a schema cannot state (it runs only when the schema is satisfied). */
export function validate(
  file: string,
  text: string,
  schema: z.ZodType,
  errors: string[],
  check?: (data: unknown, raw: Record<string, unknown>, report: Report) => void,
  /** runs on the parsed YAML before the schema; its reports point at a value */
  prepare?: (raw: unknown, report: Report) => void,
): unknown {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    // one message per line: later errors on a line are usually echoes of the first
    const lines = new Set<number>();
    for (const e of doc.errors) {
      const pos = yamlErrorPos(text, lc, e.code, e.pos[0]);
      if (lines.has(pos.line)) continue;
      lines.add(pos.line);
      errors.push(`${file}:${pos.line}:${pos.col} (yaml): ${yamlMessage(e.code, e.message.split('\n')[0])}`);
    }
    return undefined;
  }
  const raw = doc.toJS() as unknown;
  if (prepare) {
    const before = errors.length;
    prepare(raw, (path, msg) => {
      const pos = locate(doc, lc, path, 'value');
      errors.push(`${file}:${pos.line}:${pos.col} ${formatPath(path) || '(top)'}: ${msg}`);
    });
    if (errors.length > before) return undefined;
  }
  const r = schema.safeParse(raw, { reportInput: true });
  if (!r.success) {
    const issues = r.error.issues as Issue[];
    const unknownAt = new Set(issues.filter((i) => i.code === 'unrecognized_keys').map((i) => formatPath(i.path as Path)));
    for (const issue of issues) {
      // "a condition needs one of …" says nothing new after "unknown key" at the same place
      if (issue.code === 'custom' && unknownAt.has(formatPath(issue.path as Path))) continue;
      for (const key of issue.code === 'unrecognized_keys' ? issue.keys ?? [] : [undefined]) {
        const path = key === undefined ? (issue.path as Path) : [...(issue.path as Path), key];
        const mode = issue.code === 'unrecognized_keys' ? 'key' : issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : 'value';
        const pos = locate(doc, lc, path, mode);
        errors.push(`${file}:${pos.line}:${pos.col} ${formatPath(path) || '(top)'}: ${message(issue, path, schema, key)}`);
      }
    }
    return undefined;
  }
  if (check) {
    check(r.data, (raw ?? {}) as Record<string, unknown>, (path, msg) => {
      const pos = locate(doc, lc, path, 'key');
      errors.push(`${file}:${pos.line}:${pos.col} ${formatPath(path) || '(top)'}: ${msg}`);
    });
  }
  return r.data;
}

/** Reads vocabulary.yaml: each key names a list of terms; a list may use another as "$name".
 * Returns the lists with every reference expanded (problems go into `errors`). */
export function loadVocabulary(file: string, text: string, errors: string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const v = validate(file, text, VocabularyFile, errors, (data, _raw, report) => {
    const raw = data as VocabularyFile;
    for (const name of Object.keys(raw)) {
      if (!VOCABULARY_NAME.test(name)) report([name], `a list name is lower-case letters, digits and underscores, starting with a letter; rename it ${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '') || 'unit_names'}`);
    }
  }) as VocabularyFile | undefined;
  if (!v) return lists;
  // lists may use one another: expand depth first, refusing a list that (through others) uses itself
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const at = (path: Path) => { const p = locate(doc, lc, path, 'value'); return `${file}:${p.line}:${p.col} ${formatPath(path)}`; };
  const state = new Map<string, 'busy' | 'done'>();
  const resolveList = (name: string): string[] => {
    if (state.get(name) === 'done') return lists.get(name)!;
    state.set(name, 'busy');
    const out: string[] = [];
    v[name].forEach((t, i) => {
      if (!t.startsWith('$')) { out.push(t); return; }
      const ref = t.slice(1);
      if (!(ref in v)) errors.push(`${at([name, i])}: unknown vocabulary list "${t}"${listGuess(ref, Object.keys(v))}Lists defined here: ${Object.keys(v).map((k) => `$${k}`).join(', ')}`);
      else if (state.get(ref) === 'busy') errors.push(`${at([name, i])}: "${t}" uses the list ${name} itself (through ${ref}), so it can never be written out. Remove one of the two references`);
      else out.push(...resolveList(ref));
    });
    state.set(name, 'done');
    lists.set(name, [...new Set(out)]);
    return lists.get(name)!;
  };
  for (const name of Object.keys(v)) resolveList(name);
  return lists;
}

/** `; did you mean "$x"? ` when a list name is close to what was written, else `. `. */
function listGuess(name: string, known: string[]): string {
  const g = suggest(name, known);
  return g ? `${g.replace(/"([^"]+)"\?$/, '"$$$1"?')} ` : '. ';
}

/** Replaces every "$name" in a rule's term lists (terms:, near/not_after terms:, column name:
 * and terms:, starts:) by the vocabulary list of that name, in place; reports unknown names. */
function expandVocabulary(raw: unknown, vocabulary: Map<string, string[]>, vocabularyFile: string, report: Report): void {
  const LISTS = new Set(['terms', 'starts', 'name']);
  const walk = (node: unknown, path: Path) => {
    if (Array.isArray(node)) { node.forEach((x, i) => walk(x, [...path, i])); return; }
    if (!node || typeof node !== 'object') return;
    for (const [k, val] of Object.entries(node as Record<string, unknown>)) {
      if (LISTS.has(k) && Array.isArray(val)) {
        if (!val.some((t) => typeof t === 'string' && t.trim().startsWith('$'))) { walk(val, [...path, k]); continue; }
        const out: unknown[] = [];
        val.forEach((t, i) => {
          if (typeof t !== 'string' || !t.trim().startsWith('$')) { out.push(t); return; }
          const name = t.trim().slice(1);
          const list = vocabulary.get(name);
          if (list) { out.push(...list); return; }
          const known = [...vocabulary.keys()];
          report([...path, k, i], known.length
            ? `unknown vocabulary list "${t.trim()}"${listGuess(name, known)}The lists in ${vocabularyFile} are ${known.map((n) => `$${n}`).join(', ')}; add one named ${name} there, or write the words themselves`
            : `"${t.trim()}" names a vocabulary list, but there is no ${vocabularyFile}. Create it with a list named ${name} (${name}: [word, "a phrase"]), or write the words themselves`);
          out.push(t);
        });
        (node as Record<string, unknown>)[k] = [...new Set(out)];
      } else walk(val, [...path, k]);
    }
  };
  if (raw && typeof raw === 'object') walk((raw as Record<string, unknown>).match, ['match']);
}

/** Line and column of a key path. `key` points at a mapping entry's key (an unknown key, a
 * key that has no effect), `value` at what was written after it (`within: eight` points at
 * "eight"), `missing` at the key of the mapping that lacks the entry. A path that does not
 * exist falls back to its nearest existing ancestor. */
function locate(doc: Document, lc: LineCounter, path: Path, mode: 'key' | 'value' | 'missing'): { line: number; col: number } {
  let p = mode === 'missing' ? path.slice(0, -1) : path;
  let m = mode === 'missing' ? 'key' : mode;
  while (p.length) {
    const parent = p.length > 1 ? doc.getIn(p.slice(0, -1), true) : doc.contents;
    const last = p[p.length - 1];
    const pair = isMap(parent) ? parent.items.find((it) => isScalar(it.key) && it.key.value === last) : undefined;
    const node = (m === 'key' && pair ? pair.key : pair ? pair.value : doc.getIn(p, true)) as { range?: [number, number] } | undefined;
    if (node?.range) return lc.linePos(node.range[0]);
    p = p.slice(0, -1);
    m = 'key';
  }
  return { line: 1, col: 1 };
}

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

type Issue = z.core.$ZodIssue & { input?: unknown; keys?: string[]; values?: unknown[]; expected?: string; minimum?: number | bigint; maximum?: number | bigint; origin?: string };

const WANT: Record<string, string> = { number: 'a number', string: 'text', array: 'a list', object: 'a mapping of keys', boolean: 'true or false' };

/** What to write instead, by the key being written. */
const HINTS: Record<string, string> = {
  message: 'write one sentence saying what the rule recognises, e.g. message: Names software that monitors force IT systems',
  match: 'say when the rule matches, e.g. match: { any: [ { phrase: protective monitoring } ] }',
  examples: 'give examples the rule is tested on: examples: { hit: [a sentence it must match], miss: [a sentence it must not match] }',
  hit: 'give at least one hit example: a sentence the rule must match',
  miss: 'give at least one miss example: a sentence the rule must not match',
  known_gap: 'write each known gap as - { text: a sentence the rule misses, why: the reason }',
  why: 'say in a few words why the rule cannot match it yet, e.g. why: no monitoring word',
  text: 'write the example passage after text:',
  within: 'write a whole number of words, e.g. within: 8',
  terms: 'list the words, e.g. terms: [monitor, audit]',
  name: 'list the column names, e.g. name: [status, progress]',
  starts: 'list the opening words, e.g. starts: [we will]',
  phrase: 'write the words in order, e.g. phrase: protective monitoring',
  near: 'write near: { terms: [software, system], within: 8 }',
  not_after: 'write not_after: { terms: [will, not], within: 4 }',
  column: 'write column: { name: [status], terms: [complete, green] }',
  weight: 'write a number from 0 to 5, e.g. weight: 2',
  priority: 'write a whole number from 0 to 9, e.g. priority: 5',
  all: 'write a list of conditions, each on a line starting with "- "',
  any: 'write a list of conditions, each on a line starting with "- "',
  none: 'write a list of conditions, each on a line starting with "- "',
  scope: 'write a list, e.g. scope: [sentence, table-row]',
  because: 'say in a few words why a force falls in this category, e.g. because: the force had plans but had not started them',
  header: 'write the column names as a list, e.g. header: [Ref, Action, Status]',
};

function message(issue: Issue, path: Path, schema: z.ZodType, key?: string): string {
  const last = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const hint = (last !== undefined && HINTS[last]) || '';
  const then = (s: string) => (s ? `. ${s[0].toUpperCase()}${s.slice(1)}` : '');
  switch (issue.code) {
    case 'invalid_type': {
      const want = WANT[issue.expected ?? ''] ?? issue.expected;
      if (path.length === 0) return issue.input == null ? `the file is empty. ${schema === RuleFile ? 'A rule needs message:, match: and examples:' : 'Write the keys this file needs'} (see rules/README.md)` : `expected ${want} of keys, got ${JSON.stringify(issue.input)}`;
      if (issue.input === undefined) return `required${then(hint || `write ${want} here`)}`;
      if (issue.input === null) return `has no value${then(hint || `write ${want} after the colon`)}`;
      const asList = issue.expected === 'array' && typeof issue.input === 'string' ? `write [${issue.input}] for a list of one` : '';
      return `expected ${want}, got ${JSON.stringify(issue.input)}${then(asList || hint)}`;
    }
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, path.slice(0, -1));
      const k = key ?? '';
      const isCondition = (CONDITION_KEYS as readonly string[]).includes(k);
      if (isCondition && allowed.includes('match')) return `unknown key "${k}": conditions go under match:, e.g. match: { any: [ { ${k}: … } ] }`;
      if (isCondition && !allowed.includes(k) && allowed.includes('none')) return `unknown key "${k}" here: a condition goes in a list under all:, any: or none:, e.g. any: [ { ${k}: … } ]`;
      return `unknown key "${k}"${allowed.length ? `${guessThen(k, allowed)}Allowed here: ${allowed.join(', ')}` : ''}`;
    }
    case 'invalid_value':
      return `expected one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}${suggest(String(issue.input), (issue.values ?? []).map(String))}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}${then(hint)}`;
      if (issue.origin === 'string') return `cannot be empty${then(hint)}`;
      return `must be at least ${issue.minimum}, got ${JSON.stringify(issue.input)}${then(hint)}`;
    case 'too_big':
      return `must be at most ${issue.maximum}, got ${JSON.stringify(issue.input)}${then(hint)}`;
    case 'invalid_union':
      return `expected text, or a mapping with text: (and optionally header:), got ${JSON.stringify(issue.input)}`;
    default:
      return issue.message;
  }
}

/** The keys a strict object accepts at `path` of `schema`, read from the schema itself. */
function keysAt(schema: z.ZodType, path: Path): string[] {
  type Def = { type: string; shape?: Record<string, unknown>; innerType?: unknown; getter?: () => unknown; in?: unknown; element?: unknown; options?: unknown[] };
  const def = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;
  const unwrap = (s: unknown): unknown => {
    for (let d = def(s); ; d = def(s)) {
      if (d.innerType) s = d.innerType;
      else if (d.getter) s = d.getter();
      else if (d.type === 'pipe') s = d.in;
      else return s;
    }
  };
  const objectOf = (s: unknown, key?: string) => {
    const d = def(s);
    if (d.type === 'object') return s;
    if (d.type === 'union') return d.options!.map(unwrap).find((o) => def(o).type === 'object' && (key === undefined || key in def(o).shape!));
    return undefined;
  };
  let s: unknown = unwrap(schema);
  for (const p of path) {
    if (typeof p === 'number') {
      if (def(s).type !== 'array') return [];
      s = unwrap(def(s).element);
    } else {
      const o = objectOf(s, p);
      if (!o || !(p in def(o).shape!)) return [];
      s = unwrap(def(o).shape![p]);
    }
  }
  const o = objectOf(s);
  return o ? Object.keys(def(o).shape!) : [];
}

/** Checks a rule file needs beyond its schema: keys that would have no effect for the rule's
 * role, and conditions that can never match as placed. */
function checkRule(folder: string, rule: RuleFile, raw: Record<string, unknown>, report: Report): void {
  const role = rule.role ?? (folder === 'stage' ? 'stage' : 'evidence');
  if (folder === 'stage' && rule.role && rule.role !== 'stage') {
    report(['role'], `rules in stage/ are stage cues shared by every item; remove role: ${rule.role}, or move the rule into an item folder`);
  }
  if (role === 'stage' && !rule.stage && !rule.cap) {
    report(['stage'], 'a stage rule needs stage: (planned, commenced or in_place), cap:, or both. Add a line such as stage: commenced');
  }
  const onlyFor = (key: string, roles: string[], use: string) => {
    if (raw[key] !== undefined && !roles.includes(role)) report([key], `has no effect on ${role} rules (${use}). Remove it${roles.includes('stage') ? ', or move the rule to rules/stage/' : ''}`);
  };
  onlyFor('weight', ['evidence'], 'only evidence rules add weight to a passage');
  onlyFor('cap', ['stage'], 'only stage cues cap a passage\'s stage');
  onlyFor('priority', ['stage'], 'only stage cues are ranked by priority');
  onlyFor('reach', ['exclude'], 'only an exclusion sets passages or cells aside');
  onlyFor('stage', ['stage', 'evidence'], 'a passage an exclude rule matches does not count at all');
  const scope = rule.scope;
  const conditions = (key: 'all' | 'any' | 'none') => rule.match[key] ?? [];
  // near: and not_after: look at what earlier conditions of the same all: list matched
  const walk = (list: Condition[], path: Path, kind: 'all' | 'any' | 'none', anchored: boolean) => {
    let before = anchored;
    list.forEach((c, i) => {
      const at = [...path, i];
      if ((c.near || c.not_after) && !before) {
        const k = c.near ? 'near' : 'not_after';
        report([...at, k], `has no earlier match to look ${k === 'near' ? 'near' : 'before'}, so it can never ${k === 'near' ? 'match' : 'pass'}. Put it after a terms: or phrase: condition in the same all: list`);
      }
      if (c.column && !scope.includes('table-row')) report([...at, 'column'], 'looks at table rows, but the rule\'s scope: leaves them out. Add table-row to scope:');
      if (c.all) walk(c.all, [...at, 'all'], 'all', before);
      if (c.any) walk(c.any, [...at, 'any'], 'any', before);
      if (c.none) walk(c.none, [...at, 'none'], 'none', before);
      if (kind === 'all' && positional(c)) before = true;
    });
  };
  walk(conditions('all'), ['match', 'all'], 'all', false);
  walk(conditions('any'), ['match', 'any'], 'any', conditions('all').some(positional));
  walk(conditions('none'), ['match', 'none'], 'none', false);
}

/** Whether a condition yields word positions for a later near: or not_after: to use. */
function positional(c: Condition): boolean {
  if (c.phrase || c.terms || c.starts || c.near || c.not_after) return true;
  if (c.all) return c.all.some(positional);
  if (c.any) return c.any.some(positional);
  return false; // none:, date: and column: match without a position
}

function yamlErrorPos(text: string, lc: LineCounter, code: string, offset: number): { line: number; col: number } {
  // an unclosed quote is reported where the file ends; point at the quote that opens it
  if (code === 'MISSING_CHAR') {
    const lines = text.slice(0, offset).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const q = openQuote(lines[i]);
      if (q >= 0) return { line: i + 1, col: q + 1 };
    }
  }
  return lc.linePos(offset);
}

/** Index of a quote that opens a value and is not closed on its line, or -1. */
function openQuote(line: string): number {
  const m = /^(\s*(?:-\s+)?(?:[^#'"]*?:\s+)?)(["'])/.exec(line);
  if (!m) return -1;
  const start = m[1].length;
  const rest = line.slice(start + 1);
  return m[2] === '"' ? (/(^|[^\\])(\\\\)*"/.test(rest) ? -1 : start) : (rest.replace(/''/g, '').includes("'") ? -1 : start);
}

/** YAML's own message, and what to do about it in words a reviewer can act on. */
function yamlMessage(code: string, msg: string): string {
  const first = msg.replace(/\s+at line \d+, column \d+.*$/, '').replace(/\.$/, '');
  if (code === 'MISSING_CHAR' && /quote/.test(first)) return 'a quoted text starts here but its closing quote is missing. End the text with the same quote mark on this line';
  if (code === 'TAB_AS_INDENT') return 'a tab is used to indent this line. Indent with spaces only';
  if (code === 'DUPLICATE_KEY') return 'this key appears twice in the same mapping. Keep one (several words go in one list: terms: [a, b])';
  const hint = {
    BAD_INDENT: 'Check the indentation: a key\'s contents are indented further than the key, and the items of one list line up',
    BLOCK_AS_IMPLICIT_KEY: 'Check the indentation (the items of one list line up); text that contains ": " needs quotes',
    MULTILINE_IMPLICIT_KEY: 'Check the indentation, and that every key ends with a colon',
    UNEXPECTED_TOKEN: 'Check the brackets and quotes on this line',
  }[code] ?? 'Check the indentation and quoting on this line';
  return `${first}. ${hint}`;
}

/** `; did you mean "x"? ` when a known word is close to what was written, else `. `: the
 * joint between "what is wrong" and the sentence that follows. */
function guessThen(word: string, known: readonly string[]): string {
  const g = suggest(word, known);
  return g ? `${g} ` : '. ';
}

/** `; did you mean "x"?` when a known word is within two edits of what was written, or one
 * starts with the other ("it_monitor" → "it_monitoring"). */
function suggest(word: string, known: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = norm(word);
  const score = (k: string) => (norm(k) === w ? 0 : w.length >= 4 && (norm(k).startsWith(w) || w.startsWith(norm(k))) ? 1 : distance(k, word));
  const best = known.filter((k) => k !== word).map((k) => [k, score(k)] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= Math.min(2, Math.max(1, Math.floor(word.length / 3))) ? `; did you mean "${best[0]}"?` : '';
}

/** Edit distance (optimal string alignment: insert, delete, replace, swap two neighbours). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    // two letters swapped ("wieght") is one slip, not two
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
  }
  return d[a.length][b.length];
}

