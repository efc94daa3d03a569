/**
 * The bench's measurements: each function measures one thing and returns its
 * figures; nothing here prints a table or judges a target (report.ts does).
 */
import { fork, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { happyPathSteps } from '../system/scenarios/happy-path';
import { simulate } from '../system/simulation';
import { checkScenario, type CheckReport } from '../system/checker/check';
import { createWorkerPool } from '../system/checker/pool';
import { pingPong, type PingPongResult } from './ping-pong';
import type { ScalePointResult } from './scale-point';

export const cores = availableParallelism();
/** BENCH_QUICK=1: a smoke run of the bench itself with tiny sizes; its figures mean nothing */
const quick = process.env.BENCH_QUICK === '1';

export const settings = {
  quick,
  f2: {
    scenario: 'f2-fail-database',
    from: 1,
    /** on one warm pooled worker: the steady rate is taken over the second half */
    count: quick ? 8 : 300,
    warmupCount: quick ? 2 : 20,
    /** W workers on W cores against one: 150 x W seeds each, fresh workers (start-up included) */
    scalingSeedsPerWorker: quick ? 4 : 150,
    workers: cores,
  },
  /** `tps check` as a user starts it: a fresh process, seeds, --json */
  tpsCheck: { scenario: 'f2-fail-database', seeds: quick ? 8 : 200 },
  pipeline: {
    scenario: 'happy-path',
    seed: 1,
    batches: { count: 5, size: quick ? 20 : 1000 },
    warmupBatches: { count: 10, size: quick ? 2 : 100 },
  },
  pingPong: { roundTrips: quick ? 1_000 : 50_000, warmupRuns: 3, virtualClockDelayMs: 1 },
  /** set-up per run: a one-record happy-path run, this many times (median), after as many warm-up runs (its code must be optimised, as F2's is on a warm worker) */
  setup: { runs: quick ? 3 : 200, warmupRuns: quick ? 3 : 200, batches: { count: 1, size: 1 } },
  /**
   * The machine's speed drifts within minutes, so the pipeline and the
   * ping-pong are measured in alternating rounds and the ratios are the
   * median of the rounds' ratios.
   */
  rounds: 3,
  scale: {
    scenario: 'happy-path',
    seed: 1,
    records: quick ? [100, 200] : [1_000, 10_000, 100_000],
    /** `npm run bench:scale`: the point that does not fit the bench's budget */
    large: quick ? 1_000 : 1_000_000,
    batches: 'count 10, size records/10',
    childExecArgv: ['--trace-gc', '--expose-gc', '--max-old-space-size=4096'],
    /** per point, at most; each also gets no more than what is left of the budget */
    timeoutMs: { 1000: 60_000, 10000: 120_000, 100000: 240_000, 1000000: 1_800_000 } as Record<number, number>,
  },
  /** the whole bench (after the build) stops starting work past this; keeps `npm run bench` near 5 minutes */
  budgetMs: 300_000,
};

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------- F2 through the checker

export interface F2Warm {
  workers: number;
  seeds: number;
  /** messages per F2 run (the average) */
  messagesPerRun: number;
  schedulesPerSecond: number;
  steadySchedulesPerSecond: number;
  firstScheduleMs: number;
  wallMs: number;
  /** each pooled worker's module load time, and its start-up as the pool saw it */
  moduleLoadMs: number[];
  startupMs: number[];
  failedSeeds: number[];
}

/**
 * F2 on `workers` pooled workers (one by default): a warm-up check (seeds
 * after the measured range) on the same pool, so the measured check meets
 * warm workers; 300 seeds per worker; the steady rate is over the second
 * half of the seeds.
 */
export async function f2Warm(workers = 1): Promise<F2Warm> {
  const s = settings.f2;
  const pool = createWorkerPool({ size: workers });
  try {
    await checkScenario({ scenario: s.scenario, from: s.from + s.count * workers, count: s.warmupCount * workers, workers, pool });
    const r = await checkScenario({ scenario: s.scenario, from: s.from, count: s.count * workers, workers, pool });
    return {
      workers,
      seeds: r.count,
      messagesPerRun: r.messages.avg,
      schedulesPerSecond: r.schedulesPerSecond,
      steadySchedulesPerSecond: r.steadySchedulesPerSecond,
      firstScheduleMs: r.firstScheduleMs,
      wallMs: r.wallMs,
      moduleLoadMs: [...pool.moduleLoadMs],
      startupMs: [...pool.startupMs],
      failedSeeds: r.failingSeeds,
    };
  } finally {
    await pool.close();
  }
}

export interface F2Fresh {
  workers: number;
  seeds: number;
  schedulesPerSecond: number;
  steadySchedulesPerSecond: number;
  firstScheduleMs: number;
  wallMs: number;
  failedSeeds: number[];
}

/** F2 on `workers` fresh workers for 150 x workers seeds: start-up included, as a one-off `tps check` pays it. */
export async function f2Fresh(workers: number): Promise<F2Fresh> {
  const s = settings.f2;
  const r: CheckReport = await checkScenario({ scenario: s.scenario, from: s.from, count: s.scalingSeedsPerWorker * workers, workers });
  return {
    workers: r.workers,
    seeds: r.count,
    schedulesPerSecond: r.schedulesPerSecond,
    steadySchedulesPerSecond: r.steadySchedulesPerSecond,
    firstScheduleMs: r.firstScheduleMs,
    wallMs: r.wallMs,
    failedSeeds: r.failingSeeds,
  };
}

export interface TpsCheckStartup {
  seeds: number;
  workers: number;
  /** from the start of the `node dist/cli/tps.js check ...` process to its first finished schedule */
  firstScheduleMs: number;
  /** ... and to seeds finishing at 90% of the steady rate */
  fullSpeedMs: number;
  /** from spawning it to its exit, as this side saw it */
  exitMs: number;
  steadySchedulesPerSecond: number;
}

/**
 * `tps check` as a user runs it, in a fresh process: its report says when,
 * after the process's start, the check began, when its first schedule
 * finished and when it reached full speed.
 */
export function tpsCheckStartup(): Promise<TpsCheckStartup> {
  const s = settings.tpsCheck;
  const script = join(__dirname, '..', 'cli', 'tps.js');
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [script, 'check', s.scenario, '--seeds', String(s.seeds), '--json', '--no-shrink'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => {
      const exitMs = performance.now() - spawnedAt;
      if (code !== 0) return reject(new Error(`tps check exited ${code}: ${err.trim().slice(-500)}`));
      const r = JSON.parse(out) as CheckReport;
      // The child's times count from its time origin, its process's start.
      resolve({
        seeds: r.count,
        workers: r.workers,
        firstScheduleMs: round(r.startedAtProcessMs + r.firstScheduleMs),
        fullSpeedMs: round(r.startedAtProcessMs + r.fullSpeedMs),
        exitMs: round(exitMs),
        steadySchedulesPerSecond: r.steadySchedulesPerSecond,
      });
    });
  });
}

// ---------------------------------------------------------------- pipeline, ping-pong, set-up

function pipelineRun(batches: { count: number; size: number }, seed: number) {
  const result = simulate(happyPathSteps, { seed, batches });
  const { messages, wallMs } = result.stats;
  return { verdict: result.verdict, messages, wallMs, messagesPerSecond: messages / (wallMs / 1000) };
}

export interface PipelineAndPingPong {
  pipeline: { records: number; verdict: 'pass' | 'fail'; messages: number; wallMs: number; messagesPerSecond: number };
  /** plain immediate sendTo */
  immediate: number;
  /** delayed on the VirtualClock through XState's scheduler */
  virtualClock: number;
  /** delayed on the VirtualClock through the project's own scheduler, as a simulation's messages are: the ceiling */
  virtualScheduler: number;
  /** pipeline over immediate ping-pong, median of the rounds */
  overheadRatio: number;
  /** pipeline over ping-pong on the virtual scheduler, median of the rounds */
  ceilingRatio: number;
  rounds: { pipelineMessagesPerSecond: number; pingPongImmediate: number; pingPongVirtualClock: number; pingPongVirtualScheduler: number }[];
}

/**
 * The full pipeline (a large fault-free run) and two bare XState actors
 * playing ping-pong, in alternating rounds: each round's ratio compares
 * figures taken moments apart.
 */
export function pipelineAndPingPong(): PipelineAndPingPong {
  const p = settings.pipeline;
  const pp = settings.pingPong;
  pipelineRun(p.warmupBatches, p.seed + 1); // warm-up, untimed
  for (let i = 0; i < pp.warmupRuns; i++) {
    pingPong(pp.roundTrips);
    pingPong(pp.roundTrips, pp.virtualClockDelayMs);
    pingPong(pp.roundTrips, pp.virtualClockDelayMs, true);
  }
  const rounds: { pipeline: ReturnType<typeof pipelineRun>; immediate: PingPongResult; clocked: PingPongResult; lean: PingPongResult }[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    const immediate = pingPong(pp.roundTrips);
    const clocked = pingPong(pp.roundTrips, pp.virtualClockDelayMs);
    const lean = pingPong(pp.roundTrips, pp.virtualClockDelayMs, true);
    rounds.push({ pipeline: pipelineRun(p.batches, p.seed), immediate, clocked, lean });
  }
  return {
    pipeline: {
      records: p.batches.count * p.batches.size,
      verdict: rounds.every((r) => r.pipeline.verdict === 'pass') ? 'pass' : 'fail',
      messages: rounds[0].pipeline.messages,
      wallMs: median(rounds.map((r) => r.pipeline.wallMs)),
      messagesPerSecond: median(rounds.map((r) => r.pipeline.messagesPerSecond)),
    },
    immediate: median(rounds.map((r) => r.immediate.messagesPerSecond)),
    virtualClock: median(rounds.map((r) => r.clocked.messagesPerSecond)),
    virtualScheduler: median(rounds.map((r) => r.lean.messagesPerSecond)),
    overheadRatio: median(rounds.map((r) => r.pipeline.messagesPerSecond / r.immediate.messagesPerSecond)),
    ceilingRatio: median(rounds.map((r) => r.pipeline.messagesPerSecond / r.lean.messagesPerSecond)),
    rounds: rounds.map((r) => ({
      pipelineMessagesPerSecond: round(r.pipeline.messagesPerSecond, 0),
      pingPongImmediate: round(r.immediate.messagesPerSecond, 0),
      pingPongVirtualClock: round(r.clocked.messagesPerSecond, 0),
      pingPongVirtualScheduler: round(r.lean.messagesPerSecond, 0),
    })),
  };
}

export interface SetupPerRun {
  /** median wall ms of a one-record run, less its few messages at the ceiling rate */
  setupMs: number;
  /** the runs' median wall ms and messages */
  wallMs: number;
  messages: number;
}

/**
 * What a run costs before its first message: building the system's actors,
 * wiring the spec and the clock. Measured as a one-record happy-path run
 * (the default topology, as F2's), less its messages at the ping-pong's rate.
 */
export function setupPerRun(ceilingMessagesPerSecond: number): SetupPerRun {
  const s = settings.setup;
  for (let i = 0; i < s.warmupRuns; i++) pipelineRun(s.batches, 1000 + i); // warm-up
  const runs = Array.from({ length: s.runs }, (_, i) => pipelineRun(s.batches, i + 1));
  const wallMs = median(runs.map((r) => r.wallMs));
  const messages = median(runs.map((r) => r.messages));
  return { setupMs: Math.max(0, wallMs - (messages * 1000) / ceilingMessagesPerSecond), wallMs, messages };
}

// ---------------------------------------------------------------- scale

export interface ScaleRow {
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
export function scalePoint(records: number, timeoutMs: number): Promise<ScaleRow> {
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


/** The scale points that fit the budget; a point with too little budget left is skipped, saying so. */
export async function scale(leftMs: () => number, log: (line: string) => void): Promise<{ rows: ScaleRow[]; tenThousandAgain?: ScaleRow }> {
  const rows: ScaleRow[] = [];
  for (const records of settings.scale.records) {
    const budget = Math.min(settings.scale.timeoutMs[records] ?? 120_000, leftMs());
    if (budget < 5_000) {
      rows.push({ ...emptyRow(records), note: 'skipped: no time left in the bench budget' });
      continue;
    }
    log(`scale: ${records.toLocaleString('en-US')} records (timeout ${round(budget / 1000, 0)} s)`);
    rows.push(await scalePoint(records, budget));
  }
  // The 100k run lasts minutes and the machine's speed drifts: measure the 10k
  // point again after it, and compare 100k with the mean of the two 10k runs.
  if (rows.some((r) => r.records === 100_000 && r.wallMs) && leftMs() > 40_000) {
    log('scale: 10,000 records again, to bracket the 100,000-record run');
    return { rows, tenThousandAgain: await scalePoint(10_000, Math.min(settings.scale.timeoutMs[10_000], leftMs())) };
  }
  return { rows };
}

export const emptyRow = (records: number): ScaleRow => ({
  records,
  messages: null,
  wallMs: null,
  peakHeapMB: null,
  messagesPerSecond: null,
  liveHeapAfterFullGcMB: null,
  heapAtEndMB: null,
  peakRssMB: null,
  verdict: null,
});
