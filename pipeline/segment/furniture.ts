// Page furniture: running headers and footers are not body text. A line is furniture when it
// sits in the top or bottom lines of a page and either repeats (digits aside) on at least half
// of the pages, or is a page number or a protective marking on its own.

const EDGE = 3;
const PAGE_NUMBER = /^(-+\s*)?(page\s+)?\d{1,4}(\s*(of|\/)\s*\d{1,4})?(\s*-+)?$/i;
const MARKING = /^(official([\s–-]*sensitive)?|not protectively marked|protect|restricted|confidential|secret|unclassified|official[\s–-]*sensitive[\s:–-]*[a-z ]*)$/i;

const key = (line: string) => line.trim().toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ');

/** For each page's lines, which line indexes are furniture. */
export function findFurniture(pages: string[][]): Set<number>[] {
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set<string>();
    edges(lines).forEach((i) => {
      const k = key(lines[i]);
      if (k && !seen.has(k)) { seen.add(k); counts.set(k, (counts.get(k) ?? 0) + 1); }
    });
  }
  const threshold = Math.max(2, Math.ceil(pages.length / 2));
  return pages.map((lines) => {
    const out = new Set<number>();
    for (const i of edges(lines)) {
      const t = lines[i].trim();
      if (!t) continue;
      if (PAGE_NUMBER.test(t) || MARKING.test(t) || (pages.length >= 2 && (counts.get(key(t)) ?? 0) >= threshold)) out.add(i);
    }
    return out;
  });
}

function edges(lines: string[]): number[] {
  const nonEmpty = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
  return [...new Set([...nonEmpty.slice(0, EDGE), ...nonEmpty.slice(-EDGE)])];
}
