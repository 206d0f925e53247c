// Tokens and stems, computed once per segment and shared by every rule (re-tokenising per rule
// is the trap the benchmark issue names). Words and stems are interned to integer ids in a
// Lexicon, and a segment's tokens are four Int32Arrays (word id, stem id, start, end) rather
// than an object per token: the matcher compares integers, and tokenising a document leaves
// little garbage. What a raw word becomes (lower case, possessive cut, stem) is worked out
// once per distinct spelling; Porter is slow per call.
import { createRequire } from 'node:module';

// Only natural's Porter stemmer is needed; requiring the package's index loads every module it
// has (storage back ends for MongoDB, Redis, Postgres…), about 1.3 s per process and thread.
const PorterStemmer = createRequire(import.meta.url)('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };

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

/** One segment's tokens, in text order: token i is the word `words[i]` (lower case), whose
 * Porter stem is `stems[i]` (both ids in `lexicon`), at characters [starts[i], ends[i]) of the
 * text. A contraction "hasn't" gives two tokens: "has" and "not". */
export class Tokens {
  constructor(
    readonly lexicon: Lexicon,
    readonly words: Int32Array,
    readonly stems: Int32Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
  ) {}
  get length(): number { return this.words.length; }
}

/** What one raw word (as written, case kept) becomes: a word and its stem, or for a "n't"
 * contraction a base word of `split` characters followed by "not". */
interface Form { word: number; stem: number; split: number }

/** [A-Za-z0-9\u00C0-\u024F]: the characters a word is made of. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0x24f);
}
function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
const APOSTROPHE = 39;
const RIGHT_QUOTE = 0x2019;

/** Strings interned to dense integer ids (never reused within one lexicon), and the tokeniser
 * that produces them. Ids mean nothing outside the lexicon that gave them: they are not kept
 * on disk nor sent between threads. */
export class Lexicon {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  /** the id of "not", the second token of a "n't" contraction (word and stem alike) */
  private readonly not = this.id('not');
  /** Pseudo-negation: "not only", "not just", "no later than", "no doubt"… deny nothing, so
   * their "not" or "no" becomes this word, which no rule's term can name (the tokeniser never
   * makes it): `$negations` and a none-list's "not" then pass over them, as a reader does. */
  private readonly pseudo = this.id('(not: pseudo-negation)');
  private readonly no = this.id('no');
  /** words after which "not" denies nothing: "not only … but also" */
  private readonly afterNot = new Set(['only', 'just', 'least', 'merely', 'simply', 'solely'].map((w) => this.id(w)));
  /** words after which "no" denies nothing: "no doubt", "no matter how" */
  private readonly afterNo = new Set(['doubt', 'matter'].map((w) => this.id(w)));
  /** comparatives that, between "no" and "than", deny nothing: "no later than 30 June" */
  private readonly comparatives = new Set(['later', 'sooner', 'earlier', 'longer', 'less', 'more', 'fewer'].map((w) => this.id(w)));
  private readonly than = this.id('than');
  private forms = new Map<string, Form>();
  /** growable scratch columns, copied out per segment */
  private columns = Lexicon.columns(256);

  /** how many strings are interned */
  get size(): number { return this.texts.length; }

  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(s);
      this.ids.set(s, i);
    }
    return i;
  }

  text(id: number): string {
    return this.texts[id];
  }

  /** The tokens of `text`: runs of [A-Za-z0-9\u00C0-\u024F], each optionally followed by an
   * apostrophe (' or ’) and ASCII letters; "force's" reads as "force", "hasn't" as "has" "not". */
  tokens(text: string): Tokens {
    const n = this.scan(text, 0);
    const c = this.columns;
    return new Tokens(this, c.words.slice(0, n), c.stems.slice(0, n), c.starts.slice(0, n), c.ends.slice(0, n));
  }

  /** The tokens of each of `texts` (a document's passages), as views into one set of columns:
   * four arrays for the document rather than four per passage. */
  tokensOfAll(texts: readonly string[]): Tokens[] {
    const bounds = new Int32Array(texts.length + 1);
    texts.forEach((t, i) => { bounds[i + 1] = this.scan(t, bounds[i]); });
    const n = bounds[texts.length];
    const c = this.columns;
    const [words, stems, starts, ends] = [c.words.slice(0, n), c.stems.slice(0, n), c.starts.slice(0, n), c.ends.slice(0, n)];
    return texts.map((_, i) => {
      const [a, b] = [bounds[i], bounds[i + 1]];
      return new Tokens(this, words.subarray(a, b), stems.subarray(a, b), starts.subarray(a, b), ends.subarray(a, b));
    });
  }

  /** Writes the tokens of `text` into the scratch columns from row `count` on; the rows used. */
  private scan(text: string, count: number): number {
    const n = text.length;
    const start = count;
    let c = this.columns;
    let i = 0;
    while (i < n) {
      if (!isWordChar(text.charCodeAt(i))) { i++; continue; }
      let j = i + 1;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
      const q = j < n ? text.charCodeAt(j) : 0;
      if ((q === APOSTROPHE || q === RIGHT_QUOTE) && j + 1 < n && isAsciiLetter(text.charCodeAt(j + 1))) {
        j += 2;
        while (j < n && isAsciiLetter(text.charCodeAt(j))) j++;
      }
      const f = this.form(text.slice(i, j));
      if (count + 2 > c.words.length) c = this.grow();
      if (f.split < 0) {
        c.words[count] = f.word; c.stems[count] = f.stem; c.starts[count] = i; c.ends[count] = j; count++;
      } else {
        c.words[count] = f.word; c.stems[count] = f.stem; c.starts[count] = i; c.ends[count] = i + f.split; count++;
        c.words[count] = this.not; c.stems[count] = this.not; c.starts[count] = i + f.split; c.ends[count] = j; count++;
      }
      this.unmarkPseudoNegation(c.words, c.stems, start, count);
      i = j;
    }
    return count;
  }

  /** Rewrites the "not" or "no" of a pseudo-negation ending at row `count - 1` (rows from
   * `start` belong to this text). */
  private unmarkPseudoNegation(words: Int32Array, stems: Int32Array, start: number, count: number): void {
    const k = count - 1;
    if (k - 1 >= start) {
      const [prev, w] = [words[k - 1], words[k]];
      if ((prev === this.not && this.afterNot.has(w)) || (prev === this.no && this.afterNo.has(w))) {
        words[k - 1] = stems[k - 1] = this.pseudo;
        return;
      }
    }
    if (k - 2 >= start && words[k] === this.than && this.comparatives.has(words[k - 1]) && words[k - 2] === this.no) {
      words[k - 2] = stems[k - 2] = this.pseudo;
    }
  }

  private static columns(n: number) {
    return { words: new Int32Array(n), stems: new Int32Array(n), starts: new Int32Array(n), ends: new Int32Array(n) };
  }

  /** doubles the scratch columns, keeping what they hold */
  private grow() {
    const old = this.columns;
    this.columns = Lexicon.columns(old.words.length * 2);
    this.columns.words.set(old.words); this.columns.stems.set(old.stems); this.columns.starts.set(old.starts); this.columns.ends.set(old.ends);
    return this.columns;
  }

  /** What the raw word `raw` becomes (worked out once per spelling). */
  private form(raw: string): Form {
    let f = this.forms.get(raw);
    if (!f) {
      let w = raw.toLowerCase();
      // possessive and contracted forms: "force's" → "force"; "hasn't" keeps its negation as "not"
      const apos = /['’](s|t|ll|re|ve|d)$/.exec(w);
      if (apos && ((apos[1] === 't' && w.endsWith("n't")) || w.endsWith('n’t'))) {
        const base = w.slice(0, -3);
        f = { word: this.id(base), stem: this.id(stem(base)), split: base.length };
      } else {
        if (apos) w = w.slice(0, apos.index);
        f = { word: this.id(w), stem: this.id(stem(w)), split: -1 };
      }
      if (this.forms.size > 200_000) this.forms = new Map();
      this.forms.set(raw, f);
    }
    return f;
  }
}

/** Past this many strings the lexicon is replaced by a new one (see renewLexicon). */
const LEXICON_LIMIT = 2_000_000;
let current = new Lexicon();

/** The lexicon that new segment views intern their words in. */
export function lexicon(): Lexicon {
  return current;
}

/** Starts a new lexicon once the current one has grown past LEXICON_LIMIT, so a long-lived
 * thread does not keep every word it ever read. Called where no tokens of the old lexicon are
 * about to be mixed with new ones (at the start of matching a document): tokens keep a
 * reference to their lexicon, and compiled rules are per lexicon. */
export function renewLexicon(): Lexicon {
  if (current.size > LEXICON_LIMIT) current = new Lexicon();
  return current;
}

/** A segment's tokens as strings (tests, tools). */
export interface TokenTexts {
  /** lower-case word tokens */
  words: string[];
  /** Porter stems of `words` */
  stems: string[];
  /** [start, end) character offsets of each token in the source text */
  offsets: [number, number][];
}

export function tokenize(text: string): TokenTexts {
  const t = current.tokens(text);
  return {
    words: Array.from(t.words, (w) => t.lexicon.text(w)),
    stems: Array.from(t.stems, (s) => t.lexicon.text(s)),
    offsets: Array.from(t.starts, (s, i) => [s, t.ends[i]] as [number, number]),
  };
}
