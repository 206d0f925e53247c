// Tokens and stems, computed once per segment and shared by every rule (re-tokenising per rule
// is the trap the benchmark issue names). Stems are memoised: Porter is slow per call.
import { createRequire } from 'node:module';

// Only natural's Porter stemmer is needed; requiring the package's index loads every module it
// has (storage back ends for MongoDB, Redis, Postgres…), about 1.3 s per process and thread.
const PorterStemmer = createRequire(import.meta.url)('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };

export interface Tokens {
  /** lower-case word tokens */
  words: string[];
  /** Porter stems of `words` */
  stems: string[];
  /** [start, end) character offsets of each token in the source text */
  offsets: [number, number][];
}

const memo = new Map<string, string>();
export function stem(word: string): string {
  let s = memo.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) ? word : PorterStemmer.stem(word);
    if (memo.size > 200_000) memo.clear();
    memo.set(word, s);
  }
  return s;
}

const WORD = /[A-Za-z0-9\u00C0-\u024F]+(?:['’][A-Za-z]+)?/g;

export function tokenize(text: string): Tokens {
  const words: string[] = [];
  const stems: string[] = [];
  const offsets: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    let w = m[0].toLowerCase();
    // possessive and contracted forms: "force's" → "force"; "hasn't" keeps its negation as "not"
    const apos = /['’](s|t|ll|re|ve|d)$/.exec(w);
    if (apos) {
      if (apos[1] === 't' && w.endsWith("n't") || w.endsWith('n’t')) {
        const base = w.slice(0, -3);
        words.push(base); stems.push(stem(base)); offsets.push([m.index!, m.index! + base.length]);
        w = 'not';
        words.push(w); stems.push(w); offsets.push([m.index! + base.length, m.index! + m[0].length]);
        continue;
      }
      w = w.slice(0, apos.index);
    }
    words.push(w);
    stems.push(stem(w));
    offsets.push([m.index!, m.index! + m[0].length]);
  }
  return { words, stems, offsets };
}
