/**
 * One scale point of the benchmark, run by `bench.ts` in a fresh child
 * process (`child_process.fork` with `--trace-gc --expose-gc`), so each point
 * starts from an empty heap and its memory figures are its own.
 *
 *   node --trace-gc --expose-gc dist/bench/scale-point.js <records> [seed]
 *
 * Pushes `records` records (10 batches of records/10) through the default
 * topology with the fault-free happy-path scenario and sends its result to the
 * parent over the IPC channel (or prints it as JSON when run by hand).
 *
 * Memory: a run is one synchronous call, so nothing can sample the heap while
 * it runs without editing the model. Instead the parent reads V8's own
 * `--trace-gc` lines from this process's stdout: each GC prints the used heap
 * before and after it. The heap only grows between GCs, so the largest
 * "before" figure (or the heap at the end, if larger) is the peak of
 * `heapUsed` (garbage not yet collected included); the largest "after" figure
 * of a full mark-compact GC is what was really alive then. Here we add the
 * heap at the end of the run (before any GC) and the process's peak resident
 * set (`process.resourceUsage().maxRSS`). The warm-up run below is tiny, so the
 * peaks are the measured run's.
 */
import { happyPathSteps } from '../system/scenarios/happy-path';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { simulate } from '../system/simulation';

export interface ScalePointResult {
  records: number;
  seed: number;
  batches: { count: number; size: number };
  verdict: 'pass' | 'fail';
  delivered: number;
  messages: number;
  virtualTimeMs: number;
  wallMs: number;
  messagesPerSecond: number;
  heapAtEndMB: number;
  peakRssMB: number;
}

const MB = 1024 * 1024;

export function batchesFor(records: number): { count: number; size: number } {
  const count = records >= 10 ? 10 : 1;
  if (records % count !== 0) throw new Error(`records must be a multiple of ${count}`);
  return { count, size: records / count };
}

function main(): void {
  const records = Number(process.argv[2]);
  const seed = Number(process.argv[3] ?? 1);
  if (!Number.isInteger(records) || records < 1) throw new Error(`usage: scale-point.js <records> [seed]`);
  const batches = batchesFor(records);
  const steps = happyPathSteps;

  // A small warm-up run so the JIT has compiled the hot paths; then collect it
  // (when --expose-gc is given) so the measured run starts from a clean heap.
  simulate(steps, { seed: seed + 1, batches: { count: 2, size: 50 } });
  (globalThis as { gc?: () => void }).gc?.();

  const result = simulate(steps, { seed, batches });
  const heapAtEndMB = process.memoryUsage().heapUsed / MB;
  const out: ScalePointResult = {
    records,
    seed,
    batches,
    verdict: result.verdict,
    delivered: result.records.delivered,
    messages: result.stats.messages,
    virtualTimeMs: result.stats.virtualTimeMs,
    wallMs: result.stats.wallMs,
    messagesPerSecond: result.stats.messages / (result.stats.wallMs / 1000),
    heapAtEndMB,
    // maxRSS is in kilobytes
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  if (process.send) process.send(out, () => process.exit(0));
  else console.log(JSON.stringify(out));
}

if (require.main === module) {
  tuneGcForSimulation();
  main();
}
