// run.json: what a run was made of (forces, their documents by content hash, review date, rules
// folder), written beside its outputs; rescore and the review workspace start from it. Kept
// apart from the runner so that reading it loads nothing else.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunManifest {
  reviewDate: string;
  rulesDir: string;
  forces: { slug: string; name: string; warnings: string[]; documents: { file: string; sha256: string }[] }[];
  warnings: string[];
}

export function readManifest(runDir: string): RunManifest {
  return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
}

export function writeManifest(runDir: string, m: RunManifest): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(m, null, 2)}\n`);
}
