// Finds the forces and files of a submissions folder: <dir>/<force-slug>/<any files, any depth>.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SubmittedFile { file: string; path: string }
export interface SubmittedForce { slug: string; name: string; files: SubmittedFile[]; warnings: string[] }

let forceNames: Map<string, string> | undefined;
export function knownForces(): Map<string, string> {
  if (!forceNames) {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const csvPath = [join(here, '../pipeline/forces.csv'), join(here, '../../pipeline/forces.csv')].find((p) => { try { return statSync(p).isFile(); } catch { return false; } })!;
    forceNames = new Map(readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((l) => {
      const i = l.indexOf(',');
      return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')] as [string, string];
    }));
  }
  return forceNames;
}

export function discover(dir: string): { forces: SubmittedForce[]; warnings: string[] } {
  const warnings: string[] = [];
  const forces: SubmittedForce[] = [];
  const names = knownForces();
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const p = join(dir, entry);
    if (!statSync(p).isDirectory()) { warnings.push(`${entry}: a file at the top of the submissions folder is not in a force folder; it was ignored`); continue; }
    const files: SubmittedFile[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d).sort()) {
        if (e.startsWith('.')) continue;
        const q = join(d, e);
        const st = statSync(q);
        if (st.isDirectory()) walk(q);
        else if (st.isFile()) files.push({ file: relative(p, q).split(sep).join('/'), path: q });
      }
    };
    walk(p);
    const fw: string[] = [];
    const name = names.get(entry);
    if (!name) fw.push(`“${entry}” is not one of the 43 force slugs; assessed under its folder name`);
    if (!files.length) fw.push('the force folder has no documents');
    forces.push({ slug: entry, name: name ?? entry, files, warnings: fw });
  }
  return { forces, warnings };
}
