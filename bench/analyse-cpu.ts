// CPU time of segmenting and matching alone, over a run's extraction cache: every cached
// document is segmented and matched against the rules afresh (no analysis memo), in this one
// thread, and the CPU seconds of each stage are printed (process.cpuUsage, so V8's helper
// threads — concurrent GC — count too). With --dump, every passage and every rule hit on it is
// written out, one line each, so two builds can be compared for identical results.
//
//   node dist/bench/analyse-cpu.js <run>/cache/extract [--rules rules] [--review 2017-06-01]
//        [--repeat 3] [--dump hits.txt]
import { readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExtractCache } from '../workers/cache.js';
import { withEmbedded } from '../pipeline/extract/embedded.js';
import { segment } from '../pipeline/segment/index.js';
import { match } from '../pipeline/match/index.js';
import { loadRuleset } from '../pipeline/rules/load.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { rules: { type: 'string', default: 'rules' }, review: { type: 'string', default: '2017-06-01' }, repeat: { type: 'string', default: '1' }, dump: { type: 'string' } },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: analyse-cpu <extract-cache-dir> [--rules dir] [--review date] [--repeat n] [--dump file]');

/** CPU seconds (user + system) since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => { const d = process.cpuUsage(from); return (d.user + d.system) / 1e6; };

const rules = loadRuleset(values.rules!).rules;
const review = new Date(`${values.review}T00:00:00Z`);
const cache = new ExtractCache(dir);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => f.split('.')[0]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seg: number[] = [];
const mat: number[] = [];
for (let r = 0; r < Number(values.repeat); r++) {
  // one document at a time, as a thread does: read (not timed), segment, match, let go
  let segCpu = 0, matCpu = 0, parts = 0, passages = 0;
  const lines: string[] = [];
  for (const sha of files) {
    const docs = withEmbedded(cache.get(sha, sha)!).filter((d) => d.status === 'ok');
    for (const d of docs) {
      let t = process.cpuUsage();
      const segmented = segment(d);
      segCpu += cpuSince(t);
      t = process.cpuUsage();
      const matched = match(segmented.segments, rules, review);
      matCpu += cpuSince(t);
      parts++;
      passages += matched.length;
      if (values.dump && r === 0) for (const { segment: g, hits } of matched) {
        lines.push(`P\t${g.id}\t${g.kind}\t${JSON.stringify(g.location)}\t${JSON.stringify(g.text)}${g.cells ? `\t${JSON.stringify([g.header, g.cells])}` : ''}`);
        for (const h of hits) lines.push(`H\t${g.id}\t${h.ruleId}\t${h.item}\t${h.role}\t${JSON.stringify(h.spans)}`);
      }
    }
  }
  seg.push(segCpu);
  mat.push(matCpu);
  console.log(`round ${r + 1}: segment ${segCpu.toFixed(2)} s, match ${matCpu.toFixed(2)} s CPU (${parts} documents, ${passages} passages)`);
  if (values.dump && r === 0) writeFileSync(values.dump, `${lines.join('\n')}\n`);
}
console.log(`median: segment ${median(seg).toFixed(2)} s, match ${median(mat).toFixed(2)} s CPU`);
