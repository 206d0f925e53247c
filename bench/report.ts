// The benchmark's results: their shape (results.json), the ratios against the targets of
// issue 8, and the printed tables. Pure: results in, text out.
import { z } from 'zod';

export const Row = z.object({
  name: z.string(),
  /** `not available` when the command does not exist in this checkout yet; `skipped` when not asked for. */
  status: z.enum(['ok', 'not available', 'skipped', 'failed']),
  seconds: z.number().optional(),
  pages: z.number().optional(),
  peakRssMb: z.number().optional(),
  note: z.string().optional(),
});
export type Row = z.infer<typeof Row>;

/** Milliseconds. `extract` and `render` are wall times; `extractCpu` (thread time spent in the
 * parsers), `segment`, `match` and `judge` are summed over documents and forces. */
export const Stages = z.object({ extract: z.number(), extractCpu: z.number().optional(), segment: z.number(), match: z.number(), judge: z.number(), render: z.number(), total: z.number().optional() });
export type Stages = z.infer<typeof Stages>;

export const Ratio = z.object({
  target: z.string(),
  measured: z.number().nullable(),
  limit: z.number(),
  /** `max`: measured must be ≤ limit; `min`: ≥ limit. */
  kind: z.enum(['max', 'min']),
  verdict: z.enum(['met', 'missed', 'not measured']),
});
export type Ratio = z.infer<typeof Ratio>;

export const BenchResults = z.object({
  date: z.string(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), loadBefore: z.number(), loadAfter: z.number() }),
  drop: z.object({ seed: z.number(), profile: z.string(), forces: z.number(), documents: z.number(), pdfs: z.number(), docx: z.number(), pages: z.number(), pdfPages: z.number(), longPdfs: z.number(), bigPdfPages: z.number(), generateMs: z.number() }),
  rows: z.array(Row),
  stages: z.record(z.string(), Stages),
  ratios: z.array(Ratio),
});
export type BenchResults = z.infer<typeof BenchResults>;

export const ROW = {
  baseline: 'pdftotext, every PDF one after another (baseline)',
  baselineBig: 'pdftotext, the largest PDF (1,000 pages in the full drop)',
  cold: 'plan-assessor run, embedded, cold cache',
  warm: 'plan-assessor run, embedded, warm cache',
  cold1: 'plan-assessor run, embedded, cold cache, 1 thread',
  queued1: 'plan-assessor run --redis, 1 worker process',
  queued2: 'plan-assessor run --redis, 2 worker processes',
  rescore: 'plan-assessor rescore after a one-line rule change',
  bigWorker: 'a worker extracting the largest PDF',
} as const;

const after = (s: Stages) => s.segment + s.match + s.judge + s.render;

function ratio(target: string, measured: number | undefined, limit: number, kind: 'max' | 'min'): Ratio {
  if (measured === undefined || !Number.isFinite(measured)) return { target, measured: null, limit, kind, verdict: 'not measured' };
  const ok = kind === 'max' ? measured <= limit : measured >= limit;
  return { target, measured, limit, kind, verdict: ok ? 'met' : 'missed' };
}

/** The five targets of issue 8, from the rows and stage timings of one run. */
export function ratios(rows: Row[], stages: Record<string, Stages>): Ratio[] {
  const s = (name: string) => rows.find((r) => r.name === name && r.status === 'ok')?.seconds;
  const baseline = s(ROW.baseline);
  const cold = s(ROW.cold);
  const cold1 = s(ROW.cold1);
  const q1 = s(ROW.queued1);
  const q2 = s(ROW.queued2);
  const rescore = s(ROW.rescore);
  const workerRows = rows.filter((r) => r.status === 'ok' && (r.name === ROW.bigWorker || r.name === ROW.queued1 || r.name === ROW.queued2) && r.peakRssMb !== undefined);
  return [
    ratio('full embedded run ÷ pdftotext baseline', cold !== undefined && baseline ? cold / baseline : undefined, 2.5, 'max'),
    // the share of the run's work done after extraction; segmenting and matching run in the
    // extraction threads beside the parser, so this is thread time, not wall time
    ratio('work after extraction ÷ all work of the full run (segment+match+judge+render)', stages.cold?.extractCpu !== undefined ? after(stages.cold) / (after(stages.cold) + stages.cold.extractCpu) : undefined, 0.15, 'max'),
    ratio('rescore ÷ full run', rescore !== undefined && cold ? rescore / cold : undefined, 0.05, 'max'),
    ratio('throughput of 2 workers ÷ 1 worker', q1 !== undefined && q2 ? q1 / q2 : undefined, 1.7, 'min'),
    ratio('embedded run on 2 threads: speed-up over 1 thread (issue 3)', cold1 !== undefined && cold ? cold1 / cold : undefined, 1.5, 'min'),
    ratio('peak memory of a worker, MB (1,000-page PDF included)', workerRows.length ? Math.max(...workerRows.map((r) => r.peakRssMb!)) : undefined, 500, 'max'),
  ];
}

function table(head: string[], body: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

const num = (n: number | undefined | null, digits = 1) => (n === undefined || n === null ? '' : n.toFixed(digits));

export function formatResults(r: BenchResults): string {
  const d = r.drop;
  const head = `Drop: ${d.forces} forces, ${d.documents} documents (${d.pdfs} PDF, ${d.docx} DOCX), ${d.pages} pages (${d.pdfPages} in PDFs, ${d.longPdfs} PDFs of 300+ pages), seed ${d.seed}\n`
    + `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}; load average ${r.machine.loadBefore.toFixed(1)} before, ${r.machine.loadAfter.toFixed(1)} after`;
  const rows = table(['measurement', 'seconds', 'pages/s', 'peak RSS MB', 'note'], r.rows.map((x) => [
    x.name,
    x.status === 'ok' ? num(x.seconds, 2) : x.status,
    x.status === 'ok' && x.pages && x.seconds ? num(x.pages / x.seconds, 0) : '',
    x.status === 'ok' ? num(x.peakRssMb, 0) : '',
    x.note ?? '',
  ]), [false, true, true, true, false]);
  const stageNames = ['extract', 'segment', 'match', 'judge', 'render'] as const;
  const stages = table(['run', ...stageNames, 'after extraction'], Object.entries(r.stages).map(([k, s]) => [k, ...stageNames.map((n) => num(s[n] / 1000, 2)), num(after(s) / 1000, 2)]), [false, true, true, true, true, true, true]);
  const rat = table(['target', 'measured', 'limit', 'verdict'], r.ratios.map((x) => [x.target, x.measured === null ? '—' : num(x.measured, x.measured < 1 ? 3 : 2), `${x.kind === 'max' ? '≤' : '≥'} ${x.limit}`, x.verdict]), [false, true, true, false]);
  return `${head}\n\n${rows}\n\nStage times (s; extract is wall time, the others summed over forces):\n${stages}\n\nTargets (issue 8):\n${rat}\n`;
}
