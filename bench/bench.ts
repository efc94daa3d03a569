/**
 * `npm run bench`: measures, in one run, how fast the model goes and how it
 * scales; prints a table and writes bench/results.json. Figures are
 * informational: a missed target is printed as MISS, never an exit code.
 * See docs/benchmarks.md for what each figure means.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { happyPathSteps } from '../system/scenarios/happy-path';
import { simulate } from '../system/simulation';
import { checkScenario } from '../system/checker/check';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { pingPong, type PingPongResult } from './ping-pong';
import type { ScalePointResult } from './scale-point';

const benchStarted = performance.now();
const cores = availableParallelism();
/** BENCH_QUICK=1: a smoke run of the bench itself with tiny sizes; its figures mean nothing */
const quick = process.env.BENCH_QUICK === '1';

export const settings = {
  quick,
  f2: { scenario: 'f2-fail-database', from: 1, count: quick ? 8 : 300, warmupCount: quick ? 2 : 20, allWorkers: cores },
  pipeline: {
    scenario: 'happy-path',
    seed: 1,
    batches: { count: 5, size: quick ? 20 : 1000 },
    warmupBatches: { count: 10, size: quick ? 2 : 100 },
  },
  pingPong: { roundTrips: quick ? 1_000 : 50_000, warmupRuns: 3, virtualClockDelayMs: 1 },
  /**
   * The machine's speed drifts within minutes, so the pipeline and the
   * ping-pong are measured in alternating rounds and the overhead ratio is
   * the median of the rounds' ratios.
   */
  rounds: 3,
  scale: {
    scenario: 'happy-path',
    seed: 1,
    records: quick ? [100, 200] : [1_000, 10_000, 100_000],
    batches: 'count 10, size records/10',
    childExecArgv: ['--trace-gc', '--expose-gc', '--max-old-space-size=4096'],
    /** per point, at most; each also gets no more than what is left of the budget */
    timeoutMs: { 1000: 60_000, 10000: 120_000, 100000: 240_000 } as Record<number, number>,
  },
  /** the whole bench (after the build) stops starting work past this; keeps `npm run bench` under 5 minutes */
  budgetMs: 270_000,
};

export const targets = {
  f2SchedulesPerSecondPerCore: 200,
  overheadRatio: 0.5,
  maxWallRatio100kTo10k: 11,
  maxPeakHeapMB100k: 1024,
};

const MB = 1024 * 1024;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n)
    ? '-'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const left = () => settings.budgetMs - (performance.now() - benchStarted);
const log = (line: string) => process.stderr.write(`  ... ${line}\n`);

// ---------------------------------------------------------------- F2 schedules

/**
 * F2 schedules per wall second through the checker (`tps check`'s API), on
 * `workers` worker threads. Each call starts fresh workers, so the figure
 * includes their start-up and JIT warm-up, amortised over `count` seeds; the
 * untimed warm-up call before it (seeds after the measured range) warms the
 * build, the disk cache and the main thread.
 */
async function f2(workers: number) {
  const s = settings.f2;
  await checkScenario({ scenario: s.scenario, from: s.from + s.count, count: s.warmupCount, workers });
  const report = await checkScenario({ scenario: s.scenario, from: s.from, count: s.count, workers });
  return {
    workers: report.workers,
    wallMs: report.wallMs,
    schedulesPerSecond: report.schedulesPerSecond,
    failedSeeds: report.failingSeeds,
  };
}

// ---------------------------------------------------------------- pipeline and ping-pong

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pipelineRun(batches: { count: number; size: number }, seed: number) {
  const result = simulate(happyPathSteps, { seed, batches });
  const { messages, wallMs } = result.stats;
  return { verdict: result.verdict, messages, wallMs, messagesPerSecond: messages / (wallMs / 1000) };
}

/**
 * The full pipeline (a large fault-free run) and two bare XState actors
 * playing ping-pong, in alternating rounds: each round's ratio compares
 * figures taken moments apart.
 */
function pipelineAndPingPong() {
  const p = settings.pipeline;
  const pp = settings.pingPong;
  pipelineRun(p.warmupBatches, p.seed + 1); // warm-up, untimed
  for (let i = 0; i < pp.warmupRuns; i++) {
    pingPong(pp.roundTrips);
    pingPong(pp.roundTrips, pp.virtualClockDelayMs);
  }
  const rounds: { pipeline: ReturnType<typeof pipelineRun>; immediate: PingPongResult; clocked: PingPongResult }[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    const immediate = pingPong(pp.roundTrips);
    const clocked = pingPong(pp.roundTrips, pp.virtualClockDelayMs);
    rounds.push({ pipeline: pipelineRun(p.batches, p.seed), immediate, clocked });
  }
  const pipeline = rounds[0].pipeline;
  return {
    pipeline: {
      records: p.batches.count * p.batches.size,
      verdict: rounds.every((r) => r.pipeline.verdict === 'pass') ? 'pass' : 'fail',
      messages: pipeline.messages,
      wallMs: median(rounds.map((r) => r.pipeline.wallMs)),
      messagesPerSecond: median(rounds.map((r) => r.pipeline.messagesPerSecond)),
    },
    immediate: median(rounds.map((r) => r.immediate.messagesPerSecond)),
    virtualClock: median(rounds.map((r) => r.clocked.messagesPerSecond)),
    overheadRatio: median(rounds.map((r) => r.pipeline.messagesPerSecond / r.immediate.messagesPerSecond)),
    rounds: rounds.map((r) => ({
      pipelineMessagesPerSecond: round(r.pipeline.messagesPerSecond, 0),
      pingPongImmediate: round(r.immediate.messagesPerSecond, 0),
      pingPongVirtualClock: round(r.clocked.messagesPerSecond, 0),
    })),
  };
}

// ---------------------------------------------------------------- scale

interface ScaleRow {
  records: number;
  messages: number | null;
  wallMs: number | null;
  /** largest heapUsed seen: V8's used heap just before any GC, or at the end of the run */
  peakHeapMB: number | null;
  messagesPerSecond: number | null;
  /** largest heap a full (mark-compact) GC left: what was really alive then; young-generation GCs leave old garbage, so they do not count */
  liveHeapAfterFullGcMB: number | null;
  /** heapUsed right after the run, before any GC */
  heapAtEndMB: number | null;
  /** the child process's peak resident set size */
  peakRssMB: number | null;
  verdict: 'pass' | 'fail' | null;
  /** set when the point was killed at its timeout */
  timedOutAfterMs?: number;
  /** why there are no figures (timeout, crash); heap figures are then up to that point */
  note?: string;
}

/**
 * Runs one scale point in a fresh child process with --trace-gc and reads the
 * GC lines V8 prints ("Scavenge 521.2 (546.7) -> 506.9 (547.7) MB": used heap
 * (committed) before -> after). Between GCs the heap only grows, so the
 * largest "before" figure is the peak of heapUsed, caught at no cost to the
 * run (it includes garbage V8 had not yet collected); the largest "after" of a
 * full mark-compact GC is what was really alive then. The child adds its heap
 * at the end and its peak RSS.
 */
function scalePoint(records: number, timeoutMs: number): Promise<ScaleRow> {
  return new Promise((resolve) => {
    const child = fork(join(__dirname, 'scale-point.js'), [String(records), String(settings.scale.seed)], {
      execArgv: settings.scale.childExecArgv,
      silent: true,
    });
    let peakBefore = 0;
    let peakAfter = 0;
    const gcLine = /([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = gcLine.exec(line);
      if (!m) return;
      peakBefore = Math.max(peakBefore, Number(m[1]));
      if (/Mark-Compact/.test(line) && !/Minor/.test(line)) peakAfter = Math.max(peakAfter, Number(m[3]));
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    let result: ScalePointResult | undefined;
    child.on('message', (m) => (result = m as ScalePointResult));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const partial = (note: string, timedOutAfterMs?: number): ScaleRow => ({
        records,
        messages: null,
        wallMs: null,
        peakHeapMB: peakBefore ? round(peakBefore, 1) : null,
        messagesPerSecond: null,
        liveHeapAfterFullGcMB: peakAfter ? round(peakAfter, 1) : null,
        heapAtEndMB: null,
        peakRssMB: null,
        verdict: null,
        ...(timedOutAfterMs ? { timedOutAfterMs } : {}),
        note,
      });
      if (result)
        resolve({
          records,
          messages: result.messages,
          wallMs: result.wallMs,
          peakHeapMB: round(Math.max(peakBefore, result.heapAtEndMB), 1),
          messagesPerSecond: round(result.messagesPerSecond, 0),
          liveHeapAfterFullGcMB: peakAfter ? round(peakAfter, 1) : null,
          heapAtEndMB: round(result.heapAtEndMB, 1),
          peakRssMB: round(result.peakRssMB, 1),
          verdict: result.verdict,
        });
      else if (timedOut) resolve(partial(`timed out after ${round(timeoutMs / 1000, 0)} s (killed); heap figures are up to then`, timeoutMs));
      else resolve(partial(`child exited with ${signal ?? `code ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

async function scale(): Promise<{ rows: ScaleRow[]; tenThousandAgain?: ScaleRow }> {
  const rows: ScaleRow[] = [];
  for (const records of settings.scale.records) {
    const budget = Math.min(settings.scale.timeoutMs[records] ?? 120_000, left());
    if (budget < 5_000) {
      rows.push({
        records,
        messages: null,
        wallMs: null,
        peakHeapMB: null,
        messagesPerSecond: null,
        liveHeapAfterFullGcMB: null,
        heapAtEndMB: null,
        peakRssMB: null,
        verdict: null,
        note: 'skipped: no time left in the bench budget',
      });
      continue;
    }
    log(`scale: ${fmt(records)} records (timeout ${round(budget / 1000, 0)} s)`);
    rows.push(await scalePoint(records, budget));
  }
  // The 100k run lasts minutes and the machine's speed drifts: measure the 10k
  // point again after it, and compare 100k with the mean of the two 10k runs.
  if (rows.some((r) => r.records === 100_000 && r.wallMs) && left() > 40_000) {
    log('scale: 10,000 records again, to bracket the 100,000-record run');
    return { rows, tenThousandAgain: await scalePoint(10_000, Math.min(settings.scale.timeoutMs[10_000], left())) };
  }
  return { rows };
}

// ---------------------------------------------------------------- report

type Status = 'PASS' | 'MISS' | 'n/a';
const status = (ok: boolean | null): Status => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');

function table(rows: string[][], align: ('l' | 'r')[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  const loadAtStart = loadavg().map((l) => round(l, 2));

  log(`F2 schedules: ${settings.f2.count} seeds on 1 worker`);
  const f2One = await f2(1);
  log(`F2 schedules: ${settings.f2.count} seeds on ${cores} workers`);
  const f2All = await f2(settings.f2.allWorkers);
  log(`pipeline (${fmt(settings.pipeline.batches.count * settings.pipeline.batches.size)} records) and XState ping-pong, ${settings.rounds} alternating rounds`);
  const pp = pipelineAndPingPong();
  const pipe = pp.pipeline;
  const { rows: scaleRows, tenThousandAgain } = await scale();

  const overheadRatio = pp.overheadRatio;
  const at = (n: number) => scaleRows.find((r) => r.records === n);
  const r10k = at(10_000);
  const r100k = at(100_000);
  const tenKWallMs = [r10k?.wallMs, tenThousandAgain?.wallMs].filter((w): w is number => typeof w === 'number');
  const tenKMeanWallMs = tenKWallMs.length ? tenKWallMs.reduce((a, b) => a + b, 0) / tenKWallMs.length : null;
  const wallRatio = tenKMeanWallMs && r100k?.wallMs ? r100k.wallMs / tenKMeanWallMs : null;
  // A timed-out 100k run still bounds the ratio from below.
  const wallRatioAtLeast = wallRatio === null && tenKMeanWallMs && r100k?.timedOutAfterMs ? r100k.timedOutAfterMs / tenKMeanWallMs : null;
  const heap100k = r100k?.peakHeapMB ?? null;

  const checks = [
    {
      figure: 'F2 schedules per second, one worker (per core)',
      value: f2One.schedulesPerSecond,
      target: `>= ${targets.f2SchedulesPerSecondPerCore}`,
      status: status(f2One.schedulesPerSecond >= targets.f2SchedulesPerSecondPerCore),
    },
    {
      figure: 'overhead ratio (pipeline / ping-pong)',
      value: overheadRatio,
      target: `>= ${targets.overheadRatio}`,
      status: status(overheadRatio >= targets.overheadRatio),
    },
    {
      figure: 'wall ms 100k / 10k records',
      value: wallRatio ?? (wallRatioAtLeast !== null ? wallRatioAtLeast : null),
      target: `<= ${targets.maxWallRatio100kTo10k}`,
      status:
        wallRatio !== null
          ? status(wallRatio <= targets.maxWallRatio100kTo10k)
          : wallRatioAtLeast !== null && wallRatioAtLeast > targets.maxWallRatio100kTo10k
            ? 'MISS'
            : 'n/a',
      ...(wallRatio === null && wallRatioAtLeast !== null ? { note: 'at least: the 100k run timed out' } : {}),
    },
    {
      figure: 'peak heap, 100k records (MB)',
      value: heap100k,
      target: `< ${targets.maxPeakHeapMB100k}`,
      status:
        heap100k === null
          ? 'n/a'
          : r100k?.note && heap100k < targets.maxPeakHeapMB100k
            ? 'n/a'
            : status(heap100k < targets.maxPeakHeapMB100k),
      ...(r100k?.note && heap100k !== null ? { note: 'up to when the run stopped' } : {}),
    },
  ];

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cores,
    totalMemoryMB: round(totalmem() / MB, 0),
    loadAverageAtStart: loadAtStart,
    settings,
    targets,
    f2SchedulesPerSecond: {
      oneWorker: round(f2One.schedulesPerSecond),
      allWorkers: round(f2All.schedulesPerSecond),
      workers: f2All.workers,
      runner: 'checkScenario (system/check.ts)',
      oneWorkerWallMs: round(f2One.wallMs),
      allWorkersWallMs: round(f2All.wallMs),
      failedSeeds: [...new Set([...f2One.failedSeeds, ...f2All.failedSeeds])],
    },
    pipelineMessagesPerSecond: round(pipe.messagesPerSecond, 0),
    pipeline: { ...pipe, messagesPerSecond: round(pipe.messagesPerSecond, 0) },
    xstatePingPongMessagesPerSecond: round(pp.immediate, 0),
    xstatePingPongVirtualClockMessagesPerSecond: round(pp.virtualClock, 0),
    rounds: pp.rounds,
    overheadRatio: round(overheadRatio, 3),
    scale: scaleRows,
    wallRatio100kTo10k: wallRatio === null ? null : round(wallRatio),
    /** the 10k point's wall times: before the 100k run and, time allowing, after it; the ratio uses their mean */
    wallMs10kRuns: tenKWallMs,
    checks: checks.map((c) => ({ ...c, value: c.value === null ? null : round(c.value, 3) })),
    benchWallMs: round(performance.now() - benchStarted, 0),
  };
  writeFileSync(join(__dirname, '..', '..', 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');

  const out: string[] = [];
  out.push(`active-active-tps benchmark — ${results.date}`);
  out.push(`node ${results.node}, ${cpu}, ${cores} cores, load average at start ${loadAtStart.join(' ')}`);
  out.push('');
  out.push(
    table(
      [
        ['figure', 'value', 'target', ''],
        [
          `F2 schedules/s, 1 worker (${settings.f2.count} seeds)`,
          fmt(f2One.schedulesPerSecond, 1),
          `>= ${targets.f2SchedulesPerSecondPerCore}/core`,
          checks[0].status,
        ],
        [
          `F2 schedules/s, ${f2All.workers} workers (${settings.f2.count} seeds)`,
          fmt(f2All.schedulesPerSecond, 1),
          `(${fmt(f2All.schedulesPerSecond / f2All.workers, 1)}/core)`,
          '',
        ],
        [`pipeline messages/s (${fmt(pipe.records)} records, happy-path)`, fmt(pipe.messagesPerSecond), '', ''],
        ['XState ping-pong messages/s (immediate sendTo)', fmt(pp.immediate), '', ''],
        ['XState ping-pong messages/s (delayed, VirtualClock)', fmt(pp.virtualClock), '', ''],
        ['overhead ratio (median of rounds: pipeline / ping-pong)', fmt(overheadRatio, 3), `>= ${targets.overheadRatio}`, checks[1].status],
      ],
      ['l', 'r', 'l', 'l'],
    ),
  );
  if (results.f2SchedulesPerSecond.failedSeeds.length)
    out.push(`  note: F2 seeds that did not pass: ${results.f2SchedulesPerSecond.failedSeeds.join(', ')}`);
  if (pipe.verdict !== 'pass') out.push(`  note: the pipeline run's verdict was ${pipe.verdict}`);
  out.push('');
  out.push('Scale: happy-path, default topology, 10 batches, one fresh child process per point');
  out.push(
    table(
      [
        ['records', 'messages', 'wall ms', 'messages/s', 'peak heap MB', 'live after full GC MB', 'heap at end MB', 'peak RSS MB', 'verdict'],
        ...scaleRows.map((r) => [
          fmt(r.records),
          fmt(r.messages),
          fmt(r.wallMs),
          fmt(r.messagesPerSecond),
          fmt(r.peakHeapMB, 1),
          fmt(r.liveHeapAfterFullGcMB, 1),
          fmt(r.heapAtEndMB, 1),
          fmt(r.peakRssMB, 1),
          r.verdict ?? '-',
        ]),
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  for (const r of scaleRows) if (r.note) out.push(`  note: ${fmt(r.records)} records: ${r.note}`);
  if (tenThousandAgain)
    out.push(`  note: 10,000 records again after the 100,000-record run: ${fmt(tenThousandAgain.wallMs)} wall ms${tenThousandAgain.note ? ` (${tenThousandAgain.note})` : ''}`);
  out.push('');
  out.push(
    table(
      [
        ['scale check', 'value', 'target', ''],
        [
          `wall ms 100k / 10k records${tenKWallMs.length > 1 ? ' (10k: mean of 2 runs)' : ''}`,
          wallRatio !== null ? `${fmt(wallRatio, 1)}x` : wallRatioAtLeast !== null ? `> ${fmt(wallRatioAtLeast, 1)}x` : '-',
          `<= ${targets.maxWallRatio100kTo10k}x`,
          checks[2].status,
        ],
        [
          'peak heap, 100k records',
          heap100k !== null ? `${fmt(heap100k, 1)} MB${r100k?.note ? ' (partial)' : ''}` : '-',
          `< ${targets.maxPeakHeapMB100k} MB`,
          checks[3].status,
        ],
      ],
      ['l', 'r', 'l', 'l'],
    ),
  );
  out.push('');
  out.push(`Targets are informational. Wrote bench/results.json (${round(results.benchWallMs / 1000, 1)} s).`);
  console.log(out.join('\n'));
}

// The bench measures what `tps` does, with the GC tuned as `tps` tunes it.
// Importing this module (a test, another script) must not start a 3-minute bench.
if (require.main === module) {
  tuneGcForSimulation();
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
