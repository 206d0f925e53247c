// Rule trees for tests: a temporary folder holding the project's settings files (items.yaml,
// outcome.yaml, letter.yaml), or a copy of the whole rules/ folder, plus the files a test writes.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PROJECT_RULES = 'rules';

/** `files` maps paths inside the tree (e.g. "it_monitoring/x.yaml") to their text. */
export function ruleTree(files: Record<string, string>, base: 'settings' | 'rules' = 'settings'): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-rules-'));
  if (base === 'rules') cpSync(PROJECT_RULES, dir, { recursive: true, filter: (src) => !src.endsWith('.ts') && !src.endsWith('.md') });
  else for (const f of ['items.yaml', 'outcome.yaml', 'letter.yaml']) cpSync(join(PROJECT_RULES, f), join(dir, f));
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
