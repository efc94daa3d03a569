import { MAX_SEED } from '../../actors/prng';
import { createHash } from 'node:crypto';
import { availableParallelism, freemem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { latencySchema } from '../../actors/latency';
import { formatIssues, InputError } from '../../machines/support';
import type { MachineOverrides } from '../machines-module';
import { resolveMachinesOption } from './machines-option';
import type { FailureKind, RunFailure } from '../verdict';
import type { FaultRecord } from '../faults/fault-plan';
import { createWorkerPool, type WorkerPool } from './pool';
import { shardRange, type Shard } from './shard';
import { coverageSummary, emptyCoverage, mergeCoverage, type CoverageCounts, type CoverageSummary } from './coverage';
import { checkLatencyFor, checkMachinesFor } from '../input-checks';
import { inspectOptionSchema } from '../inspect-option';
import { layoutOf } from '../../machines/layout';
import { checkDesignFor, readScenarioFile } from '../run-scenario';
import { emptyCorpus, GENERATION, guidedPlan, learn } from '../scenarios/guided';
import { builtInScenarios, compileScenario, isPlanned, parseScenarioFile, scenarioNameSchema, scenarios, strategyChoiceSchema, strategyForSeed, type ScenarioFile, type StrategyChoice } from '../scenarios';
import { makeRecordSet } from '../../actors/record-set';
import { defaultTopologyFor, parseTopology, type Design, type Topology } from '../../machines/topology';
import { readTopologyFile } from '../topology-file';


/** Memory a worker needs, about (measured 35 MB on the default scenario; headroom for larger ones). */
const WORKER_MB = 64;

/** The most worker threads worth starting: two per core, and what free memory holds at ~64 MB each. */
export function maxWorkers(): number {
  return Math.max(1, Math.min(availableParallelism() * 2, Math.floor(freemem() / (WORKER_MB * 1024 * 1024))));
}
export function workerLimitReason(): string {
  return `2 per core: ${availableParallelism()} cores; about ${WORKER_MB} MB a worker: ${Math.round(freemem() / 2 ** 20)} MB free`;
}

export const checkOptionsSchema = z
  .object({
    /** a scenario by name ... */
    scenario: scenarioNameSchema.optional(),
    /** ... or a scenario file (JSON; named in replay commands) ... */
    scenarioFile: z.string().min(1).optional(),
    /** ... or a scenario file's content */
    scenarioData: z.unknown().optional(),
    /** first seed */
    from: z.number().int().min(0).max(MAX_SEED).default(1),
    /** how many seeds: from .. from+count-1 */
    count: z.number().int().min(1, 'must be 1 or more').max(10_000_000),
    /** worker threads; 0 runs in-process (default: one per core) */
    workers: z.number().int().min(0).max(1024).optional(),
    latency: latencySchema.optional(),
    /** chaos: the exploration strategy (strategies.ts), or `portfolio`: one per seed, rotating (default here random; `tps check chaos` asks for the portfolio) */
    strategy: strategyChoiceSchema.optional(),
    /** a topology object, or ... */
    topology: z.unknown().optional(),
    /** ... a JSON file holding one (it is then named in replay commands) */
    topologyFile: z.string().min(1).optional(),
    strict: z.boolean().default(true),
    /** a CommonJS module exporting `machines` (or a default export); every worker requires it */
    machinesModule: z.string().min(1).optional(),
    /** seeds a worker takes at a time (default: from the seed and worker counts) */
    chunkSize: z.number().int().min(1).optional(),
    /** stop a seed's run after this many ms of wall time: the worker is ended, the seed reported as a hang */
    seedTimeoutMs: z.number().int().min(1).max(24 * 3600_000).default(60_000),
    /** in-memory machines and a progress callback (checked below) */
    machines: z.unknown().optional(),
    onProgress: z.unknown().optional(),
    /** stop the check once this many seeds have failed (fail or hang): the report then covers the seeds completed */
    maxFailures: z.number().int().min(1).max(10_000_000).optional(),
    /** aborting it stops the check: the report then covers the seeds completed */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'signal must be an AbortSignal').optional(),
    /** each run's budget against a livelock (defaults: system/budget.ts) */
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
    /** an XState inspection observer or function, told every seed's run (it cannot cross threads: the check then runs in-process) */
    inspect: inspectOptionSchema.optional(),
    /** collect state, transition and fault-hit coverage (coverage.ts) */
    coverage: z.boolean().default(false),
    /** run only the index-th (from 1) of `of` contiguous slices of from .. from+count-1 (shard.ts) */
    shard: z.object({ index: z.number().int().min(1), of: z.number().int().min(1).max(1_000_000) }).strict().optional(),
    /** a worker pool to run on (createWorkerPool), kept warm across checks; default: fresh workers, ended after */
    pool: z.custom<WorkerPool>((v) => typeof v === 'object' && v !== null && typeof (v as WorkerPool).run === 'function', 'pool must come from createWorkerPool').optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.from + o.count - 1 > MAX_SEED)
      ctx.addIssue({ code: 'custom', path: ['count'], message: `the last seed, from + count - 1, must be below 2^32` });
    if (o.topology !== undefined && o.topologyFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['topologyFile'], message: 'give topology or topologyFile, not both' });
    const given = [o.scenario, o.scenarioFile, o.scenarioData].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'give exactly one of scenario, scenarioFile, scenarioData' });
    if (o.shard && o.shard.index > o.shard.of) ctx.addIssue({ code: 'custom', path: ['shard', 'index'], message: `must be 1..${o.shard.of}` });
    if (o.shard && o.shard.of > o.count) ctx.addIssue({ code: 'custom', path: ['shard', 'of'], message: `${o.shard.of} shards of ${o.count} seeds: at most one shard per seed` });
  });

export interface CheckProgress {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
  schedulesPerSecond: number;
  /** the seed just finished (none on the first call, made before any run starts) */
  last?: SeedSummary;
}

export type CheckOptions = z.input<typeof checkOptionsSchema> & {
  /** in-memory replacement machines; they cannot cross threads, so the check runs in-process */
  machines?: MachineOverrides;
  /** called after every seed, on the main thread */
  onProgress?: (progress: CheckProgress) => void;
};

export { failedBy, failureReason, runPlanSchema, runSeed, type FromWorker, type RunPlan, type SeedSummary, type ToWorker } from './run-seed';
import { runSeed, type RunPlan, type SeedSummary } from './run-seed';

/** A region's share of the routing over a whole check, against its weight. */
export interface RoutingShare {
  region: number;
  routed: number;
  /** percent of all routed records */
  share: number;
  expectedShare: number;
  /** percentage points the share may be off by: the runs' slack over all routed records */
  bound: number;
  within: boolean;
}

export interface MinAvgMax {
  min: number;
  avg: number;
  max: number;
}

export interface CheckFailure {
  seed: number;
  /** fail or hang (the model failed), error (the run crashed) */
  verdict: SeedSummary['verdict'];
  /** what kind of failure (system/verdict.ts): a violation, a failed step, crashed, hung, ... */
  kind: FailureKind;
  /** the failure with its details (the violated property, the step and how it failed, ...) */
  failure: RunFailure;
  reason: string;
  traceDigest: string;
  /** the `tps run` command that reproduces this seed's trace byte for byte */
  replay: string;
  /** a strategy-drawn seed: the strategy it ran under and what its plan drew */
  strategy?: string;
  drew?: string;
  /** the faults of the seed's plan as they were carried out */
  faults: FaultRecord[];
  /** a guided seed: its plan (not drawn from the seed alone), and the file its replay command reads it from */
  plan?: { file: string; scenario: ScenarioFile };
}

export interface CheckReport {
  scenario: string;
  /** active-passive: runs that lost records on failover, and how many each (absent when none did) */
  lossOnFailover?: LossOnFailover;
  /** the scenario file checked, when one was given */
  scenarioFile?: string;
  from: number;
  count: number;
  /** worker threads used; 0 = in-process */
  workers: number;
  latency: z.infer<typeof latencySchema>;
  /** chaos: the strategy or portfolio that drew the plans */
  strategy?: StrategyChoice;
  /** guided: how many plans the corpus kept (those that reached a new fault-hit combination) */
  corpus?: number;
  strict: boolean;
  /** error: some seed crashed (an internal error, whatever the others did) */
  verdict: 'pass' | 'fail' | 'error';
  /** seeds with a result; less than count when the check was interrupted */
  completed: number;
  /** stopped early (signal aborted, or maxFailures reached): the figures cover the completed seeds */
  interrupted: boolean;
  /** with maxFailures: the limit, and whether the check stopped because it was reached */
  maxFailures?: number;
  stoppedAtMaxFailures: boolean;
  /** ms from the start of the check (worker start-up included) to the first failing seed's result, and that seed */
  firstFailureMs?: number;
  firstFailureSeed?: number;
  passed: number;
  /** seeds whose run failed or hung */
  failed: number;
  failingSeeds: number[];
  /** seeds whose run threw: an error in the checker or a replacement machine, not a verdict on the model */
  crashed: number;
  crashedSeeds: number[];
  /** per run, over the runs that did not throw */
  messages: MinAvgMax;
  virtualTimeMs: MinAvgMax;
  wallMs: number;
  schedulesPerSecond: number;
  failures: CheckFailure[];
  /** the in-DNS split over every run, per region */
  routing: RoutingShare[];
  /** with the coverage option: the summary and the counts (mergeable across shards with mergeCoverage) */
  coverage?: CoverageSummary & { counts: CoverageCounts };
  /** every completed seed, in seed order (not in `tps check --json`) */
  results: SeedSummary[];
  /** ms from the start of the check to its first finished schedule (worker start-up included) */
  firstScheduleMs: number;
  /** schedules/s over the second half of the seeds, after warm-up */
  steadySchedulesPerSecond: number;
  /** ms from the start of the check until seeds finished at 90% of the steady rate */
  fullSpeedMs: number;
  /** ms from the process's start to the start of the check (for time from `tps check` start) */
  startedAtProcessMs: number;
  /** with the shard option: which slice this report covers, and the whole run it is part of */
  shard?: Shard & { from: number; count: number };
  /** the module of replacement machines, as given */
  machinesModule?: string;
  /** what a run of this check depends on (scenario, latency, topology, budget, ...), hashed: shards must agree */
  planDigest: string;
  /** sums behind the min/avg/max and routing figures, so shard reports merge exactly (merge.ts) */
  totals: CheckTotals;
}

export interface CheckTotals {
  /** runs that did not crash or hang */
  ran: number;
  messages: number;
  virtualTimeMs: number;
  /** per region in topology order */
  routed: number[];
  expected: number[];
  slack: number;
}

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** The `tps run` command line that replays one seed with the check's settings. */
export function replayCommand(
  o: Pick<z.infer<typeof checkOptionsSchema>, 'scenario' | 'scenarioFile' | 'scenarioData' | 'topology' | 'topologyFile' | 'strict' | 'machinesModule' | 'maxMessages' | 'maxVirtualMs'> & {
    latency: z.infer<typeof latencySchema>;
    machines?: MachineOverrides;
    /** a scenario known only to this process (code): no command can replay it elsewhere */
    inProcessScenario?: boolean;
  },
  seed: number,
  name = o.scenario ?? 'scenario',
  strategy?: string,
): string {
  const which = o.scenarioFile !== undefined ? ['--scenario-file', o.scenarioFile] : o.scenario !== undefined ? [o.scenario] : [];
  const args = ['run', ...which, '--seed', String(seed), ...(strategy !== undefined && strategy !== 'random' ? ['--strategy', strategy] : []), '--trace', `${name}-${seed}.jsonl`];
  const defaults = latencySchema.parse({});
  if (o.latency.model !== defaults.model) args.push('--latency', o.latency.model);
  // slow and factor only shape the skewed model's schedule.
  if (o.latency.model === 'skewed') {
    if (o.latency.slow !== defaults.slow) args.push('--slow', o.latency.slow);
    if (o.latency.factor !== defaults.factor) args.push('--factor', String(o.latency.factor));
  }
  if (o.topologyFile) args.push('--topology', o.topologyFile);
  if (!o.strict) args.push('--no-strict');
  if (o.machinesModule) args.push('--machines', o.machinesModule);
  if (o.maxMessages !== undefined) args.push('--max-messages', String(o.maxMessages));
  if (o.maxVirtualMs !== undefined) args.push('--max-virtual-ms', String(o.maxVirtualMs));
  const placeholders = [
    ...(o.scenarioData !== undefined && o.scenarioFile === undefined ? ['--scenario-file <a file holding this scenario>'] : []),
    ...(o.inProcessScenario ? ['(the scenario is code in this process: save it as a scenario file to replay it)'] : []),
    ...(o.topology !== undefined ? ['--topology <a file holding this topology>'] : []),
    ...(o.machines && !o.machinesModule ? ['--machines <a module exporting these machines>'] : []),
  ];
  return ['tps', ...args.map(shellQuote), ...placeholders].join(' ');
}

const minAvgMax = (values: number[]): MinAvgMax => {
  if (values.length === 0) return { min: 0, avg: 0, max: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, avg: Math.round((sum / values.length) * 100) / 100, max };
};

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

type ParsedCheckOptions = z.infer<typeof checkOptionsSchema>;

/** The options, checked: the schema, then what it cannot say (a function, the machine's worker limit). */
function parseCheckOptions(options: CheckOptions): ParsedCheckOptions {
  const parsed = checkOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('check options', formatIssues(parsed.error));
  const o = parsed.data;
  if (o.workers !== undefined && o.workers > maxWorkers())
    throw new InputError('check options', [`workers: at most ${maxWorkers()} on this machine (${workerLimitReason()})`]);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw new InputError('check options', ['onProgress: must be a function']);
  if (options.machines !== undefined && o.machinesModule !== undefined)
    throw new InputError('check options', ['machines: give machines or machinesModule, not both']);
  return o;
}

/** Everything a check's runs share, validated before any run starts. */
interface PreparedCheck {
  range: { from: number; count: number };
  topology?: Topology;
  machines?: MachineOverrides;
  scenarioData?: ScenarioFile;
  latency: z.infer<typeof latencySchema>;
  design: Design;
  plan: RunPlan;
  /** a scenario added to `scenarios` in this process: code the workers do not have */
  inProcessScenario: boolean;
  workers: number;
  chunkSize: number;
  planDigest: string;
}

function prepareCheck(o: ParsedCheckOptions, options: CheckOptions): PreparedCheck {
  const range = o.shard ? shardRange(o.from, o.count, o.shard) : { from: o.from, count: o.count };
  const topologyInput = o.topologyFile === undefined ? o.topology : readTopologyFile(o.topologyFile, 'topologyFile');
  const topology = topologyInput === undefined ? undefined : parseTopology(topologyInput);
  const { machines, path: machinesPath } = resolveMachinesOption({ machines: options.machines, machinesModule: o.machinesModule }, 'check options');
  const scenarioData: ScenarioFile | undefined =
    o.scenarioFile !== undefined ? readScenarioFile(o.scenarioFile, 'scenarioFile') : o.scenarioData !== undefined ? parseScenarioFile(o.scenarioData, 'scenarioData') : undefined;
  const latency = latencySchema.parse(o.latency ?? scenarioData?.latency ?? {});
  const design = designOfScenario(o.scenario, scenarioData);
  const runTopology = parseTopology(topology ?? (scenarioData?.topology !== undefined ? scenarioData.topology : defaultTopologyFor(design)));
  checkLatencyFor(latency, options.latency ?? scenarioData?.latency, runTopology);
  checkMachinesFor(machines, runTopology);
  const named = o.scenario !== undefined ? scenarios[o.scenario] : undefined;
  if (o.strategy !== undefined && !(named && isPlanned(named) && named.strategies))
    throw new InputError('check options', [`strategy: only a strategy-drawn scenario (chaos) takes one; ${o.scenario === undefined ? 'a scenario file is its own plan' : `'${o.scenario}' is not drawn by strategy`}`]);
  validateScenarioFor(o.scenario, scenarioData, topology, range.from, latency, machines, o.strategy, o.latency !== undefined);
  const plan: RunPlan = {
    scenario: o.scenario,
    scenarioData,
    latency,
    ...(o.strategy !== undefined ? { strategy: o.strategy, latencyGiven: o.latency !== undefined } : {}),
    topology,
    strict: o.strict,
    machinesModule: machinesPath,
    maxMessages: o.maxMessages,
    maxVirtualMs: o.maxVirtualMs,
    coverage: o.coverage,
  };
  const inProcessScenario = o.scenario !== undefined && !Object.hasOwn(builtInScenarios, o.scenario);
  // In-memory machines, code scenarios and an inspect observer are functions: they cannot be posted to a worker.
  const wanted = options.machines || inProcessScenario || o.inspect ? 0 : (o.workers ?? Math.min(availableParallelism(), maxWorkers()));
  const planDigest = createHash('sha256')
    .update(JSON.stringify({ ...plan, machinesModule: o.machinesModule, inProcessScenario, machines: options.machines ? Object.keys(options.machines).sort() : undefined }))
    .digest('hex')
    .slice(0, 16);
  return {
    range, topology, machines, scenarioData, latency, design, plan, inProcessScenario,
    workers: Math.min(wanted, range.count, o.pool?.size ?? Infinity),
    chunkSize: o.chunkSize ?? 32,
    planDigest,
  };
}

/**
 * Takes each seed's summary as it arrives (workers finish out of order),
 * keeps it in seed order, merges coverage, tells the progress callback, and
 * stops the check on the caller's signal or at maxFailures.
 */
function seedCollector(o: ParsedCheckOptions, range: PreparedCheck['range'], onProgress: CheckOptions['onProgress']) {
  const stop = new AbortController();
  const stopOnSignal = () => stop.abort();
  o.signal?.addEventListener('abort', stopOnSignal, { once: true });
  if (o.signal?.aborted) stop.abort();
  const c = {
    results: new Array<SeedSummary>(range.count),
    finishedAt: [] as number[],
    done: 0,
    failed: 0,
    firstFailure: undefined as { ms: number; seed: number } | undefined,
    coverage: emptyCoverage(),
    /** guided: each seed's plan, and how many plans the corpus kept */
    plans: new Map<number, ScenarioFile>(),
    corpusSize: 0,
    started: performance.now(),
    stop,
    progress(last?: SeedSummary) {
      if (!onProgress) return;
      const elapsedMs = performance.now() - c.started;
      onProgress({ done: c.done, total: range.count, failed: c.failed, elapsedMs, schedulesPerSecond: elapsedMs > 0 ? (c.done * 1000) / elapsedMs : 0, last });
    },
    onSummary: (summary: SeedSummary) => {
      if (summary.coverage) {
        mergeCoverage(c.coverage, summary.coverage);
        delete summary.coverage; // kept merged, not per seed
      }
      c.results[summary.seed - range.from] = summary;
      c.done++;
      c.finishedAt.push(performance.now() - c.started);
      if (summary.verdict === 'fail' || summary.verdict === 'hang') {
        c.failed++;
        c.firstFailure ??= { ms: round2(performance.now() - c.started), seed: summary.seed };
      }
      c.progress(summary);
      if (o.maxFailures !== undefined && c.failed >= o.maxFailures) stop.abort();
    },
    detach: () => o.signal?.removeEventListener('abort', stopOnSignal),
  };
  return c;
}
type SeedCollector = ReturnType<typeof seedCollector>;

/** Runs the seeds in-process or on the pool; returns when the last seed of the range (or the stop) is done, with the wall ms. */
async function runSeeds(o: ParsedCheckOptions, p: PreparedCheck, c: SeedCollector): Promise<number> {
  const { range } = p;
  let ended: number | undefined;
  const pool = p.workers === 0 ? undefined : (o.pool ?? createWorkerPool({ size: p.workers }));
  const run = async (plan: RunPlan, from: number, count: number, signal = c.stop.signal) => {
    if (!pool) {
      // In-process runs cannot be stopped mid-seed: the time limit applies to workers only.
      for (let seed = from; seed < from + count && !c.stop.signal.aborted; seed++) {
        c.onSummary(runSeed(plan, seed, p.machines, o.inspect));
        await yieldToEventLoop(); // let a progress bar draw, and a signal arrive
      }
      return;
    }
    // Small runs (a guided generation) in smaller chunks, so every worker gets some.
    const chunkSize = Math.min(p.chunkSize, Math.max(1, Math.ceil(count / (2 * p.workers))));
    await pool.run({ plan, from, count, workers: p.workers, chunkSize, seedTimeoutMs: o.seedTimeoutMs, signal, onSummary: c.onSummary });
  };
  try {
    if (o.strategy === 'guided') await runGuided(p, c, run);
    else await run(p.plan, range.from, range.count);
  } finally {
    if (pool) {
      ended = performance.now();
      if (!o.pool) await pool.close();
    }
  }
  c.detach();
  return Math.round(((ended ?? performance.now()) - c.started) * 100) / 100;
}

/**
 * Guided chaos: seeds in generations of GENERATION, each generation's plans
 * drawn from the corpus of the generations before it (learnt in seed order),
 * so the plans are the same whatever the workers.
 */
async function runGuided(p: PreparedCheck, c: SeedCollector, run: (plan: RunPlan, from: number, count: number, signal: AbortSignal) => Promise<void>): Promise<void> {
  const corpus = emptyCorpus();
  const topology = parseTopology(p.topology ?? defaultTopologyFor(p.design));
  const given = p.plan.latencyGiven ? p.latency : undefined;
  const { from, count } = p.range;
  for (let start = from; start < from + count && !c.stop.signal.aborted; start += GENERATION) {
    const n = Math.min(GENERATION, from + count - start);
    const plans: Record<string, ScenarioFile> = {};
    for (let seed = start; seed < start + n; seed++) {
      plans[seed] = parseScenarioFile(guidedPlan(seed, corpus.plans, topology, given), `guided seed ${seed}'s plan`);
      c.plans.set(seed, plans[seed]);
    }
    // A signal per generation, relayed from the check's: the pool's listener on it goes with the generation.
    const generation = new AbortController();
    const relay = () => generation.abort();
    c.stop.signal.addEventListener('abort', relay, { once: true });
    try {
      await run({ ...p.plan, strategy: undefined, plans }, start, n, generation.signal);
    } finally {
      c.stop.signal.removeEventListener('abort', relay);
    }
    for (let seed = start; seed < start + n; seed++) {
      const r = c.results[seed - from];
      if (r?.hits === undefined) continue;
      if (learn(corpus, plans[seed], r.hits)) c.corpusSize++;
      delete r.hits; // learnt: not kept per seed
    }
  }
}

/** The scenario file a guided seed's failure saves its plan to, named in its replay command; the nth name to try when the ones before are taken. */
export const guidedPlanFile = (name: string, seed: number, nth = 1) => `${name}-guided-${seed}${nth > 1 ? `-${nth}` : ''}.json`;

/** A guided failure whose plan went to another file (its name was taken): the replay command and the report name that file. */
export function withPlanFile(f: CheckFailure, file: string): CheckFailure {
  if (!f.plan || f.plan.file === file) return f;
  const flag = (name: string) => `--scenario-file ${shellQuote(name)} `;
  return { ...f, replay: f.replay.replace(flag(f.plan.file), flag(file)), plan: { ...f.plan, file } };
}

/** A seed's failure, typed: its run's, or the checker's verdict on it (a crash, a hang). */
export function seedFailure(r: SeedSummary): RunFailure {
  if (r.verdict === 'hang') return { kind: 'hung' };
  if (r.verdict === 'error') return r.failure ?? { kind: 'crashed', error: r.reason ?? 'threw' };
  return r.failure ?? { kind: 'scenario-unfinished', driverState: 'unknown' };
}

/** The report's failures: every seed that did not pass, with its replay command. */
function failuresOf(o: ParsedCheckOptions, p: PreparedCheck, options: CheckOptions, c: SeedCollector, completed: SeedSummary[], name: string): CheckFailure[] {
  const replayOptions = { ...o, latency: p.latency, machines: options.machines, inProcessScenario: p.inProcessScenario };
  return completed
    .filter((r) => r.verdict !== 'pass')
    .map((r) => c.plans.has(r.seed) ? guidedFailure(o, options.machines, r, c.plans.get(r.seed)!, name) : {
      ...failureBase(r),
      replay: replayCommand(replayOptions, r.seed, name, r.strategy),
      ...(r.strategy ? { strategy: r.strategy, drew: r.drew } : {}),
      faults: r.faults ?? [],
    });
}

/** What every failing seed reports about itself. */
function failureBase(r: SeedSummary) {
  const failure = seedFailure(r);
  return { seed: r.seed, verdict: r.verdict, kind: failure.kind, failure, reason: r.reason ?? r.verdict, traceDigest: r.traceDigest };
}

/** A guided seed's failure: it carries its plan, and its replay runs that plan saved as a file. */
function guidedFailure(o: ParsedCheckOptions, machines: MachineOverrides | undefined, r: SeedSummary, plan: ScenarioFile, name: string): CheckFailure {
  const file = guidedPlanFile(name, r.seed);
  // The plan carries its latency and topology: the replay needs only the file and the seed.
  const replayOptions = { ...o, scenario: undefined, scenarioFile: file, topology: undefined, topologyFile: undefined, latency: latencySchema.parse({}), machines };
  return {
    ...failureBase(r),
    replay: replayCommand(replayOptions, r.seed, name),
    strategy: 'guided',
    drew: plan.description,
    faults: r.faults ?? [],
    plan: { file, scenario: plan },
  };
}

/** The report from the completed seeds: counts, figures, failures, routing, coverage, timings. */
function checkReportOf(o: ParsedCheckOptions, p: PreparedCheck, options: CheckOptions, c: SeedCollector, wallMs: number): CheckReport {
  const { range } = p;
  const interrupted = c.done !== range.count;
  const completed = c.results.filter((r) => r !== undefined);
  const ran = completed.filter((r) => r.verdict !== 'error' && r.verdict !== 'hang');
  const failing = completed.filter((r) => r.verdict === 'fail' || r.verdict === 'hang');
  const crashed = completed.filter((r) => r.verdict === 'error');
  const regions = (p.topology ?? defaultTopologyFor(p.design)).regions;
  const totals: CheckTotals = {
    ran: ran.length,
    messages: ran.reduce((a, r) => a + r.messages, 0),
    virtualTimeMs: ran.reduce((a, r) => a + r.virtualTimeMs, 0),
    ...routingTotals(ran, regions.length),
  };
  const name = o.scenario ?? p.scenarioData!.name;
  return {
    scenario: name,
    ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : {}),
    from: range.from,
    count: range.count,
    workers: p.workers,
    latency: p.latency,
    ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
    strict: o.strict,
    verdict: crashed.length > 0 ? 'error' : failing.length === 0 ? 'pass' : 'fail',
    completed: completed.length,
    interrupted,
    ...(o.maxFailures !== undefined ? { maxFailures: o.maxFailures } : {}),
    stoppedAtMaxFailures: o.maxFailures !== undefined && c.failed >= o.maxFailures && interrupted,
    ...(c.firstFailure ? { firstFailureMs: c.firstFailure.ms, firstFailureSeed: c.firstFailure.seed } : {}),
    passed: completed.length - failing.length - crashed.length,
    failed: failing.length,
    failingSeeds: failing.map((r) => r.seed),
    crashed: crashed.length,
    crashedSeeds: crashed.map((r) => r.seed),
    messages: minAvgMax(ran.map((r) => r.messages)),
    virtualTimeMs: minAvgMax(ran.map((r) => r.virtualTimeMs)),
    wallMs,
    schedulesPerSecond: wallMs > 0 ? Math.round((completed.length * 1000 * 100) / wallMs) / 100 : 0,
    ...lossOnFailoverOf(ran),
    failures: failuresOf(o, p, options, c, completed, name),
    ...(o.strategy === 'guided' ? { corpus: c.corpusSize } : {}),
    routing: sharesFromTotals(totals, regions.map((r) => r.region)),
    ...(o.coverage ? { coverage: { ...coverageSummary(c.coverage, p.machines), counts: c.coverage } } : {}),
    results: completed,
    ...timings(c.finishedAt, wallMs),
    startedAtProcessMs: round2(c.started),
    ...(o.shard ? { shard: { ...o.shard, from: o.from, count: o.count } } : {}),
    ...(o.machinesModule !== undefined ? { machinesModule: o.machinesModule } : {}),
    planDigest: p.planDigest,
    totals,
  };
}

/**
 * Explores schedules: runs a scenario for seeds from .. from+count-1, each an
 * independent deterministic run, on worker threads. The report is the same
 * (but for timings and `workers`) for any worker count.
 */
export async function checkScenario(options: CheckOptions): Promise<CheckReport> {
  const o = parseCheckOptions(options);
  const prepared = prepareCheck(o, options);
  const collector = seedCollector(o, prepared.range, options.onProgress);
  collector.progress(); // input is valid: a progress bar may start now
  const wallMs = await runSeeds(o, prepared, collector);
  if (collector.done !== prepared.range.count && !collector.stop.signal.aborted)
    throw new Error(`tps check: ${prepared.range.count - collector.done} seeds got no result`);
  return checkReportOf(o, prepared, options, collector, wallMs);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Start-up and steady speed from the seeds' finishing times (ms since the start of the check, in finishing order). */
export function timings(finishedAt: number[], wallMs: number): Pick<CheckReport, 'firstScheduleMs' | 'steadySchedulesPerSecond' | 'fullSpeedMs'> {
  const n = finishedAt.length;
  if (n === 0) return { firstScheduleMs: 0, steadySchedulesPerSecond: 0, fullSpeedMs: 0 };
  const half = Math.floor(n / 2);
  const span = n >= 4 ? finishedAt[n - 1] - finishedAt[half - 1] : 0;
  const steady = span > 0 ? ((n - half) * 1000) / span : wallMs > 0 ? (n * 1000) / wallMs : 0;
  // Full speed: the first window of seeds finishing at 90% of the steady rate or better.
  const w = Math.max(2, Math.floor(n / 10));
  let fullSpeedMs = finishedAt[n - 1];
  for (let i = 0; i + w < n; i++) {
    const dt = finishedAt[i + w] - finishedAt[i];
    if (dt > 0 && (w * 1000) / dt >= 0.9 * steady) {
      fullSpeedMs = finishedAt[i];
      break;
    }
  }
  return { firstScheduleMs: round2(finishedAt[0]), steadySchedulesPerSecond: round2(steady), fullSpeedMs: round2(fullSpeedMs) };
}

/** Active-passive: how many runs lost records on failover and how many (the design's recovery point under the plan). */
export interface LossOnFailover {
  runs: number;
  records: { min: number; avg: number; max: number };
}
function lossOnFailoverOf(ran: SeedSummary[]): { lossOnFailover?: LossOnFailover } {
  const losing = ran.map((r) => r.lostOnFailover ?? 0).filter((n) => n > 0);
  if (losing.length === 0) return {};
  const sum = losing.reduce((a, b) => a + b, 0);
  return { lossOnFailover: { runs: losing.length, records: { min: Math.min(...losing), avg: Math.round((sum / losing.length) * 100) / 100, max: Math.max(...losing) } } };
}

/** The design a scenario (by name or file) is written for. */
const designOfScenario = (name: string | undefined, file: ScenarioFile | undefined): Design =>
  (file ? file.design : name !== undefined ? scenarios[name]?.design : undefined) ?? 'active-active';

/**
 * Checks a check's scenario against the topology before any seed runs: a
 * file is compiled as it is; a generated scenario is drawn for the first
 * seed and compiled. Bad input throws an InputError.
 */
function validateScenarioFor(
  name: string | undefined,
  file: ScenarioFile | undefined,
  topologyInput: unknown,
  firstSeed: number,
  latency: z.infer<typeof latencySchema>,
  machines: MachineOverrides | undefined,
  strategy?: StrategyChoice,
  latencyGiven = false,
): void {
  const design = designOfScenario(name, file);
  const topology = parseTopology(topologyInput ?? (file?.topology !== undefined ? file.topology : defaultTopologyFor(design)));
  checkDesignFor(file?.name ?? name ?? '', design, topology);
  const scenario = name !== undefined ? scenarios[name] : undefined;
  const draw = strategy === undefined ? undefined : { strategy: strategyForSeed(strategy, firstSeed), latencyGiven };
  const planned = file ?? (scenario && isPlanned(scenario) ? scenario.plan(firstSeed, topology, latency, draw) : undefined);
  if (!planned) return;
  const batches = makeRecordSet(firstSeed, planned.records.batches, planned.records.size);
  compileScenario(planned, layoutOf(topology, batches), batches, machines);
}

/** Pools the runs' routing: each region's share of every routed record, its weight's share, and the runs' slack as a bound. */
export function routingShares(runs: SeedSummary[], regions: { region: number; weight: number }[]): RoutingShare[] {
  return sharesFromTotals(routingTotals(runs, regions.length), regions.map((r) => r.region));
}

/** Records routed to each region over the runs, what the weights call for, and the runs' slack, summed. */
export function routingTotals(runs: SeedSummary[], regionCount: number): Pick<CheckTotals, 'routed' | 'expected' | 'slack'> {
  const routed = new Array<number>(regionCount).fill(0);
  const expected = new Array<number>(regionCount).fill(0);
  let slack = 0;
  for (const r of runs) {
    if (!r.routed || !r.expected) continue;
    r.routed.forEach((n, i) => {
      routed[i] += n;
      expected[i] += r.expected![i];
    });
    slack += r.slack ?? 0;
  }
  return { routed, expected, slack };
}

/** Each region's share of every routed record, its weights' share, and the slack as a bound. */
export function sharesFromTotals(t: Pick<CheckTotals, 'routed' | 'expected' | 'slack'>, regions: number[]): RoutingShare[] {
  const total = t.routed.reduce((a, n) => a + n, 0);
  const pct = (n: number) => (total > 0 ? Math.round((10_000 * n) / total) / 100 : 0);
  const bound = pct(t.slack);
  return regions.map((region, i) => ({
    region,
    routed: t.routed[i],
    share: pct(t.routed[i]),
    expectedShare: pct(t.expected[i]),
    bound,
    within: Math.abs(t.routed[i] - t.expected[i]) <= t.slack,
  }));
}
