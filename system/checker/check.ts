import { MAX_SEED } from '../../actors/prng';
import { existsSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { latencySchema } from '../../actors/latency';
import { formatIssues, InputError } from '../../machines/support';
import { loadMachinesModule, validateMachines, type MachineOverrides } from '../machines-module';
import type { FaultRecord } from '../faults/fault-plan';
import { coverageCollector, coverageSummary, emptyCoverage, mergeCoverage, type CoverageCounts, type CoverageSummary } from './coverage';
import { checkLatencyFor, checkMachinesFor } from '../input-checks';
import { layoutOf } from '../layout';
import { readScenarioFile, runScenario, type RunReport } from '../run-scenario';
import { builtInScenarios, compileScenario, isPlanned, parseScenarioFile, scenarioFileSchema, scenarioNameSchema, scenarios, type ScenarioFile } from '../scenarios';
import { makeRecordSet } from '../../actors/record-set';
import { defaultTopology, parseTopology, readTopologyFile, topologySchema } from '../topology';


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
    /** aborting it stops the check: the report then covers the seeds completed */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'signal must be an AbortSignal').optional(),
    /** each run's budget against a livelock (defaults: system/budget.ts) */
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
    /** collect state, transition and fault-hit coverage (coverage.ts) */
    coverage: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.from + o.count - 1 > MAX_SEED)
      ctx.addIssue({ code: 'custom', path: ['count'], message: `the last seed, from + count - 1, must be below 2^32` });
    if (o.topology !== undefined && o.topologyFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['topologyFile'], message: 'give topology or topologyFile, not both' });
    const given = [o.scenario, o.scenarioFile, o.scenarioData].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'give exactly one of scenario, scenarioFile, scenarioData' });
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

/** What a worker sends back per seed: small, never a trace. */
export interface SeedSummary {
  seed: number;
  /** `error`: the run threw (a crash: an internal error); `hang`: no result within the seed time limit */
  verdict: 'pass' | 'fail' | 'error' | 'hang';
  messages: number;
  virtualTimeMs: number;
  wallMs: number;
  traceDigest: string;
  /** one line: what made it fail */
  reason?: string;
  /** the violation kind (or `step`, `stuck`, `unhandled`, `error`) that made it fail */
  failedBy?: string;
  /** per region in topology order: records routed there, and how many the weights call for */
  routed?: number[];
  expected?: number[];
  /** records a region may be off by in this run */
  slack?: number;
  /** for a failing seed with a fault plan: the faults as they were carried out */
  faults?: FaultRecord[];
  /** the run's coverage counts (with the coverage option); merged into the report as they arrive */
  coverage?: CoverageCounts;
}

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
  reason: string;
  traceDigest: string;
  /** the `tps run` command that reproduces this seed's trace byte for byte */
  replay: string;
  /** the faults of the seed's plan as they were carried out */
  faults: FaultRecord[];
}

export interface CheckReport {
  scenario: string;
  /** the scenario file checked, when one was given */
  scenarioFile?: string;
  from: number;
  count: number;
  /** worker threads used; 0 = in-process */
  workers: number;
  latency: z.infer<typeof latencySchema>;
  strict: boolean;
  /** error: some seed crashed (an internal error, whatever the others did) */
  verdict: 'pass' | 'fail' | 'error';
  /** seeds with a result; less than count when the check was interrupted */
  completed: number;
  /** stopped early (signal aborted): the figures cover the completed seeds */
  interrupted: boolean;
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
  /** every completed seed, in seed order */
  results: SeedSummary[];
}

/** What every run of a check shares; plain data, posted to each worker. */
export const runPlanSchema = z.object({
  /** a scenario by name (built-in: every worker has it) or ... */
  scenario: z.string().optional(),
  /** ... a scenario file's content, posted to every worker */
  scenarioData: scenarioFileSchema.optional(),
  latency: latencySchema,
  topology: topologySchema.optional(),
  strict: z.boolean(),
  machinesModule: z.string().optional(),
  maxMessages: z.number().optional(),
  maxVirtualMs: z.number().optional(),
  coverage: z.boolean().optional(),
});
export type RunPlan = z.infer<typeof runPlanSchema>;

export type ToWorker = { type: 'chunk'; from: number; to: number } | { type: 'stop' };
export type FromWorker = { type: 'seed'; summary: SeedSummary } | { type: 'next' };

const oneLine = (text: string, max = 240) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

/** Whatever made a run fail, in one line: a violation, a failed step, a stuck record, an unhandled event. */
export function failureReason(report: RunReport): string {
  const v = report.violations[0];
  if (v) return oneLine(`violation ${v.kind} at t=${v.at}ms in ${v.component}: ${v.message}`);
  const stuck = report.stuck[0];
  const stuckNote = stuck ? `; record ${stuck.recordId} stuck: ${stuck.stuckAt}` : '';
  const step = report.steps.find((s) => !s.ok);
  if (step) {
    const seen = Object.keys(step.observed).length ? `; observed ${JSON.stringify(step.observed)}` : '';
    return oneLine(`step ${step.step} failed: ${step.detail ?? step.name}${stuckNote}${seen}`, 400);
  }
  if (stuck) return oneLine(`spec ${report.specState}${stuckNote}`);
  const u = report.unhandled[0];
  if (u) return oneLine(`unhandled event at t=${u.at}ms: ${u.actor} in ${u.state} got ${u.event}`);
  return oneLine(`spec ended ${report.specState}; the scenario did not pass`);
}

/** The property or kind of failure a failing run is reported under. */
export function failedBy(report: RunReport): string {
  if (report.violations[0]) return report.violations[0].kind;
  if (report.steps.some((s) => !s.ok)) return 'step';
  if (report.stuck.length) return 'stuck';
  if (report.unhandled.length) return 'unhandled';
  return 'fail';
}

/** Runs one seed and boils its report down to a summary. */
export function runSeed(plan: RunPlan, seed: number, machines?: MachineOverrides): SeedSummary {
  const started = performance.now();
  try {
    const scenario = plan.scenarioData !== undefined ? { scenarioData: plan.scenarioData } : { scenario: plan.scenario };
    const collector = plan.coverage ? coverageCollector() : undefined;
    const { report } = runScenario({
      ...scenario,
      seed,
      latency: plan.latency,
      topology: plan.topology,
      strict: plan.strict,
      maxMessages: plan.maxMessages,
      maxVirtualMs: plan.maxVirtualMs,
      machines,
      onInspectionEvent: collector?.inspect,
    });
    const { messages, virtualTimeMs, wallMs } = report.stats;
    const summary: SeedSummary = { seed, verdict: report.verdict, messages, virtualTimeMs, wallMs, traceDigest: report.traceDigest };
    summary.routed = report.routing.regions.map((r) => r.routed);
    summary.expected = report.routing.regions.map((r) => r.expected);
    summary.slack = report.routing.slack;
    if (collector) summary.coverage = collector.finish(report.faults);
    if (report.verdict === 'fail') {
      summary.reason = failureReason(report);
      summary.failedBy = failedBy(report);
      if (report.faults.length) summary.faults = report.faults;
    }
    return summary;
  } catch (err) {
    const wallMs = Math.round((performance.now() - started) * 100) / 100;
    return { seed, verdict: 'error', messages: 0, virtualTimeMs: 0, wallMs, traceDigest: '', reason: oneLine(`threw: ${(err as Error).message ?? err}`), failedBy: 'error' };
  }
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
): string {
  const which = o.scenarioFile !== undefined ? ['--scenario-file', o.scenarioFile] : o.scenario !== undefined ? [o.scenario] : [];
  const args = ['run', ...which, '--seed', String(seed), '--trace', `${name}-${seed}.jsonl`];
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

/** The worker script: built JS next to this file, or under dist/ when this file runs from TS source (jest). */
export function workerScript(): string {
  const script = __filename.endsWith('.ts')
    ? resolve(__dirname, '..', '..', 'dist', 'system', 'checker', 'check-worker.js')
    : join(__dirname, 'check-worker.js');
  if (!existsSync(script))
    throw new Error(`tps check: no worker script at ${script}; run 'npm run build' first (or use workers: 0)`);
  return script;
}

interface PoolOptions {
  script: string;
  plan: RunPlan;
  from: number;
  count: number;
  workers: number;
  chunkSize: number;
  seedTimeoutMs: number;
  signal?: AbortSignal;
  onSummary: (summary: SeedSummary) => void;
}

/**
 * Hands seeds out in chunks as workers ask for them, so one slow seed stalls
 * only its own chunk. A seed with no result within the time limit is a hang:
 * its worker is ended and a fresh one takes the rest of its chunk. An abort
 * ends every worker and resolves with what completed.
 */
function runInWorkers(p: PoolOptions): Promise<void> {
  const end = p.from + p.count;
  let next = p.from;
  const leftovers: { from: number; to: number }[] = [];
  const takeChunk = () => {
    const left = leftovers.shift();
    if (left || next >= end) return left;
    const chunk = { from: next, to: Math.min(end, next + p.chunkSize) };
    next = chunk.to;
    return chunk;
  };
  return new Promise((resolvePool, rejectPool) => {
    interface Slot {
      worker: Worker;
      chunk?: { to: number; at: number };
      timer?: NodeJS.Timeout;
    }
    const live = new Set<Slot>();
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      for (const slot of live) {
        clearTimeout(slot.timer);
        void slot.worker.terminate();
      }
      live.clear();
      if (err === undefined) resolvePool();
      else rejectPool(err);
    };
    const spawn = () => {
      const slot: Slot = { worker: new Worker(p.script, { workerData: p.plan }) };
      live.add(slot);
      const arm = () => {
        clearTimeout(slot.timer);
        slot.timer = setTimeout(hang, p.seedTimeoutMs);
      };
      const hang = () => {
        if (settled || !slot.chunk || !live.has(slot)) return;
        const { at: seed, to } = slot.chunk;
        live.delete(slot);
        void slot.worker.terminate();
        if (seed + 1 < to) leftovers.unshift({ from: seed + 1, to });
        spawn();
        const limit = p.seedTimeoutMs / 1000;
        p.onSummary({ seed, verdict: 'hang', messages: 0, virtualTimeMs: 0, wallMs: p.seedTimeoutMs, traceDigest: '', reason: `hang: no result within ${limit} s (--seed-timeout); its worker was stopped` });
      };
      slot.worker.on('message', (message: FromWorker) => {
        if (settled || !live.has(slot)) return;
        try {
          if (message.type === 'seed') {
            slot.chunk!.at = message.summary.seed + 1;
            arm();
            p.onSummary(message.summary);
          } else {
            const chunk = takeChunk();
            if (chunk) {
              slot.chunk = { to: chunk.to, at: chunk.from };
              arm();
            } else {
              slot.chunk = undefined;
              clearTimeout(slot.timer);
            }
            const order: ToWorker = chunk ? { type: 'chunk', ...chunk } : { type: 'stop' };
            slot.worker.postMessage(order);
          }
        } catch (err) {
          finish(err);
        }
      });
      slot.worker.on('error', (err) => finish(new Error(`a check worker crashed: ${err.message}`)));
      slot.worker.on('exit', (code) => {
        clearTimeout(slot.timer);
        if (!live.delete(slot)) return; // ended by us
        if (code !== 0) finish(new Error(`a check worker exited with code ${code}`));
        else if (live.size === 0) finish();
      });
    };
    if (p.signal?.aborted) return finish();
    p.signal?.addEventListener('abort', () => finish(), { once: true });
    for (let i = 0; i < p.workers; i++) spawn();
  });
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Explores schedules: runs a scenario for seeds from .. from+count-1, each an
 * independent deterministic run, on worker threads. The report is the same
 * (but for timings and `workers`) for any worker count.
 */
export async function checkScenario(options: CheckOptions): Promise<CheckReport> {
  const parsed = checkOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('check options', formatIssues(parsed.error));
  const o = parsed.data;
  if (o.workers !== undefined && o.workers > maxWorkers())
    throw new InputError('check options', [`workers: at most ${maxWorkers()} on this machine (${workerLimitReason()})`]);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw new InputError('check options', ['onProgress: must be a function']);
  if (options.machines !== undefined && o.machinesModule !== undefined)
    throw new InputError('check options', ['machines: give machines or machinesModule, not both']);

  // Validate everything a run needs before any run starts.
  const topologyInput = o.topologyFile === undefined ? o.topology : readTopologyFile(o.topologyFile, 'topologyFile');
  const topology = topologyInput === undefined ? undefined : parseTopology(topologyInput);
  const machinesPath = o.machinesModule === undefined ? undefined : resolve(o.machinesModule);
  let machines = options.machines === undefined ? undefined : validateMachines(options.machines, 'machines');
  if (machinesPath) machines = loadMachinesModule(machinesPath);
  const scenarioData: ScenarioFile | undefined =
    o.scenarioFile !== undefined ? readScenarioFile(o.scenarioFile, 'scenarioFile') : o.scenarioData !== undefined ? parseScenarioFile(o.scenarioData, 'scenarioData') : undefined;
  const latency = latencySchema.parse(o.latency ?? scenarioData?.latency ?? {});
  const runTopology = parseTopology(topology ?? (scenarioData?.topology !== undefined ? scenarioData.topology : defaultTopology));
  checkLatencyFor(latency, options.latency ?? scenarioData?.latency, runTopology);
  checkMachinesFor(machines, runTopology);
  validateScenarioFor(o.scenario, scenarioData, topology, o.from, latency, machines);
  const plan: RunPlan = {
    scenario: o.scenario,
    scenarioData,
    latency,
    topology,
    strict: o.strict,
    machinesModule: machinesPath,
    maxMessages: o.maxMessages,
    maxVirtualMs: o.maxVirtualMs,
    coverage: o.coverage,
  };
  // A scenario added to `scenarios` in this process is code the workers do not have.
  const inProcessScenario = o.scenario !== undefined && !Object.hasOwn(builtInScenarios, o.scenario);

  // In-memory machines and code scenarios are functions: they cannot be posted to a worker.
  const wanted = options.machines || inProcessScenario ? 0 : (o.workers ?? Math.min(availableParallelism(), maxWorkers()));
  const workers = Math.min(wanted, o.count);
  const chunkSize = o.chunkSize ?? Math.max(1, Math.min(32, Math.floor(o.count / Math.max(1, workers * 8))));
  const script = workers > 0 ? workerScript() : undefined;

  const results: SeedSummary[] = new Array(o.count);
  let done = 0;
  let failedSoFar = 0;
  const coverage = emptyCoverage();
  const started = performance.now();
  const progress = (last?: SeedSummary) => {
    if (!options.onProgress) return;
    const elapsedMs = performance.now() - started;
    options.onProgress({
      done,
      total: o.count,
      failed: failedSoFar,
      elapsedMs,
      schedulesPerSecond: elapsedMs > 0 ? (done * 1000) / elapsedMs : 0,
      last,
    });
  };
  const onSummary = (summary: SeedSummary) => {
    // Workers finish out of order; the slot keeps the report in seed order.
    if (summary.coverage) {
      mergeCoverage(coverage, summary.coverage);
      delete summary.coverage; // kept merged, not per seed
    }
    results[summary.seed - o.from] = summary;
    done++;
    if (summary.verdict === 'fail' || summary.verdict === 'hang') failedSoFar++;
    progress(summary);
  };

  progress(); // input is valid: a progress bar may start now

  if (script === undefined) {
    // In-process runs cannot be stopped mid-seed: the time limit applies to workers only.
    for (let seed = o.from; seed < o.from + o.count && !o.signal?.aborted; seed++) {
      onSummary(runSeed(plan, seed, machines));
      await yieldToEventLoop(); // let a progress bar draw, and a signal arrive
    }
  } else {
    await runInWorkers({ script, plan, from: o.from, count: o.count, workers, chunkSize, seedTimeoutMs: o.seedTimeoutMs, signal: o.signal, onSummary });
  }
  const wallMs = Math.round((performance.now() - started) * 100) / 100;
  const interrupted = done !== o.count;
  if (interrupted && !o.signal?.aborted) throw new Error(`tps check: ${o.count - done} seeds got no result`);

  const completed = results.filter((r) => r !== undefined);
  const ran = completed.filter((r) => r.verdict !== 'error' && r.verdict !== 'hang');
  const failing = completed.filter((r) => r.verdict === 'fail' || r.verdict === 'hang');
  const crashed = completed.filter((r) => r.verdict === 'error');
  const replayOptions = { ...o, latency, machines: options.machines, inProcessScenario };
  const name = o.scenario ?? scenarioData!.name;
  return {
    scenario: name,
    ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : {}),
    from: o.from,
    count: o.count,
    workers,
    latency,
    strict: o.strict,
    verdict: crashed.length > 0 ? 'error' : failing.length === 0 ? 'pass' : 'fail',
    completed: completed.length,
    interrupted,
    passed: completed.length - failing.length - crashed.length,
    failed: failing.length,
    failingSeeds: failing.map((r) => r.seed),
    crashed: crashed.length,
    crashedSeeds: crashed.map((r) => r.seed),
    messages: minAvgMax(ran.map((r) => r.messages)),
    virtualTimeMs: minAvgMax(ran.map((r) => r.virtualTimeMs)),
    wallMs,
    schedulesPerSecond: wallMs > 0 ? Math.round((completed.length * 1000 * 100) / wallMs) / 100 : 0,
    failures: completed.filter((r) => r.verdict !== 'pass').map((r) => ({
      seed: r.seed,
      verdict: r.verdict,
      reason: r.reason ?? r.verdict,
      traceDigest: r.traceDigest,
      replay: replayCommand(replayOptions, r.seed, name),
      faults: r.faults ?? [],
    })),
    routing: routingShares(ran, (topology ?? parseTopology(defaultTopology)).regions),
    ...(o.coverage ? { coverage: { ...coverageSummary(coverage, machines), counts: coverage } } : {}),
    results: completed,
  };
}

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
): void {
  const topology = parseTopology(topologyInput ?? (file?.topology !== undefined ? file.topology : defaultTopology));
  const scenario = name !== undefined ? scenarios[name] : undefined;
  const planned = file ?? (scenario && isPlanned(scenario) ? scenario.plan(firstSeed, topology, latency) : undefined);
  if (!planned) return;
  const batches = makeRecordSet(firstSeed, planned.records.batches, planned.records.size);
  compileScenario(planned, layoutOf(topology, batches), batches, machines);
}

/** Pools the runs' routing: each region's share of every routed record, its weight's share, and the runs' slack as a bound. */
export function routingShares(runs: SeedSummary[], regions: { region: number; weight: number }[]): RoutingShare[] {
  const routed = regions.map(() => 0);
  const expected = regions.map(() => 0);
  let slack = 0;
  let total = 0;
  for (const r of runs) {
    if (!r.routed || !r.expected) continue;
    r.routed.forEach((n, i) => {
      routed[i] += n;
      expected[i] += r.expected![i];
      total += n;
    });
    slack += r.slack ?? 0;
  }
  const pct = (n: number) => (total > 0 ? Math.round((10_000 * n) / total) / 100 : 0);
  const bound = pct(slack);
  return regions.map(({ region }, i) => ({
    region,
    routed: routed[i],
    share: pct(routed[i]),
    expectedShare: pct(expected[i]),
    bound,
    within: Math.abs(routed[i] - expected[i]) <= slack,
  }));
}
