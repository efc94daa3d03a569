import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { MAX_SEED } from '../../actors/prng';
import { latencySchema } from '../../actors/latency';
import { formatIssues, InputError } from '../../machines/support';
import { ids, regionOfId } from '../../machines/ids';
import { layoutOf, type ComponentKind } from '../../machines/layout';
import { checkMachinesFor } from '../input-checks';
import { loadMachinesModule, type MachineOverrides } from '../machines-module';
import { runScenario, type RunReport } from '../run-scenario';
import { comparePlan, comparePlanFile } from '../scenarios/compare-plan';
import type { SimulationResult } from '../simulation';
import { defaultTopologyFor, designSchema, type Design } from '../../machines/topology';
import { failedBy, failureReason, type SeedSummary } from './run-seed';
import { createWorkerPool } from './pool';
import { maxWorkers, workerLimitReason, type MinAvgMax } from './check';

/**
 * `tps compare`: the same fault plan per seed (scenarios/compare-plan.ts) run
 * on both designs, each run boiled down to what an architect compares:
 * delivered, lost and why, duplicated, out of order, waits, deliveries during
 * faults, recovery after the last fault healed; then summed over the seeds.
 */

export const designs = designSchema.options;

/** One design's run of one seed's plan. */
export interface DesignRun {
  /** error: the run threw (an internal error); hang: a worker's seed time limit ran out */
  verdict: 'pass' | 'fail' | 'error' | 'hang';
  /** the property or kind of failure (a violation kind, step, stuck, ...), and the first one in a line */
  failedBy?: string;
  reason?: string;
  published: number;
  /** distinct records that reached the destination */
  delivered: number;
  /** published and never delivered */
  notDelivered: number;
  /** still held in a queue at the end */
  stuck: number;
  /** missing at the end with no switch to explain it (a component dropped it) */
  lost: number;
  /** active-passive: distinct records missing from a database because a switch dropped their copy */
  lostOnFailover: number;
  duplicates: number;
  /** delivered after a record of the same region published later than it */
  outOfOrder: number;
  /** the longest publication -> destination, virtual ms (null: nothing delivered) */
  maxWaitMs: number | null;
  /** records delivered while a fault was on */
  deliveredInFaults: number;
  /** faults that started */
  faults: number;
  /** when the last fault healed (null: no fault started) */
  lastHealMs: number | null;
  /** last fault healed -> last record delivered (0 if none was left); null: no fault, or not all delivered */
  recoveryMs: number | null;
  /** last fault healed -> spec cold; null: no fault, or the spec never went cold */
  coldAfterHealMs: number | null;
  messages: number;
  virtualTimeMs: number;
  traceDigest: string;
}

export interface SeedComparison {
  seed: number;
  runs: Record<Design, DesignRun>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const minAvgMax = (xs: number[]): MinAvgMax | null =>
  xs.length === 0 ? null : { min: Math.min(...xs), avg: round2(xs.reduce((a, b) => a + b, 0) / xs.length), max: Math.max(...xs) };

/** First time of each record id over trace events matching `match`. */
function firstTimes(trace: { t: number; from: string; to: string; type: string; recordId?: number }[], match: (e: { from: string; to: string; type: string }) => boolean) {
  const at = new Map<number, number>();
  for (const e of trace) if (e.recordId !== undefined && !at.has(e.recordId) && match(e)) at.set(e.recordId, e.t);
  return at;
}

/** A run's figures, from its report and kept trace. */
export function figuresOf(report: RunReport, result: SimulationResult): DesignRun {
  const trace = result.trace!.map((l) => JSON.parse(l) as { t: number; from: string; to: string; type: string; recordId?: number });
  const published = firstTimes(trace, (e) => e.from === ids.source && e.type === 'dns.send');
  const delivered = firstTimes(trace, (e) => e.to === ids.destination && e.type === 'dns.record');
  // the region a record was delivered from: the last outbound queue that handed it to the out-DNS before it arrived
  const regionOf = new Map<number, number>();
  for (const e of trace)
    if (e.recordId !== undefined && e.to === ids.outDns && e.type === 'queue.record' && delivered.get(e.recordId)! >= e.t)
      regionOf.set(e.recordId, regionOfId(e.from) ?? 0);
  const arrivals = [...delivered].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  // out of order: a later-published record of the same region arrived first
  const latest = new Map<number, number>();
  let outOfOrder = 0;
  for (const [id] of arrivals) {
    const region = regionOf.get(id) ?? 0;
    const p = published.get(id) ?? 0;
    if ((latest.get(region) ?? -1) > p) outOfOrder++;
    else latest.set(region, p);
  }
  const waits = arrivals.map(([id, t]) => t - (published.get(id) ?? t));
  const windows = report.faults.filter((f) => f.start !== null).map((f) => ({ start: f.start!, end: f.end ?? Infinity }));
  const deliveredInFaults = arrivals.filter(([, t]) => windows.some((w) => t >= w.start && t <= w.end)).length;
  const lastHealMs = windows.length ? Math.max(...windows.map((w) => w.end)) : null;
  const healed = lastHealMs !== null && Number.isFinite(lastHealMs) ? lastHealMs : null;
  const lastDelivery = arrivals.length ? arrivals[arrivals.length - 1][1] : 0;
  const notDelivered = Math.max(0, report.records.published - delivered.size);
  const coldAt = result.final.spec.coldAt;
  return {
    verdict: report.verdict,
    ...(report.verdict === 'fail' ? { failedBy: failedBy(report), reason: failureReason(report) } : {}),
    published: report.records.published,
    delivered: delivered.size,
    notDelivered,
    stuck: report.stuck.length,
    lost: report.records.lost,
    lostOnFailover: new Set((report.lostOnFailover ?? []).map((l) => l.recordId)).size,
    duplicates: report.records.duplicates,
    outOfOrder,
    maxWaitMs: waits.length ? Math.max(...waits) : null,
    deliveredInFaults,
    faults: windows.length,
    lastHealMs: windows.length ? (healed ?? null) : null,
    recoveryMs: healed !== null && notDelivered === 0 ? Math.max(0, lastDelivery - healed) : null,
    coldAfterHealMs: healed !== null && coldAt !== null ? Math.max(0, coldAt - healed) : null,
    messages: report.stats.messages,
    virtualTimeMs: report.stats.virtualTimeMs,
    traceDigest: report.traceDigest,
  };
}

/** What a comparison's runs share; plain data, posted to each worker. */
export const comparePlanSchema = z
  .object({
    latency: latencySchema,
    strict: z.boolean(),
    /** per design: a module of replacement machines (a planted bug, say) */
    machinesModules: z.object({ 'active-active': z.string().optional(), 'active-passive': z.string().optional() }).strict(),
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
  })
  .strict();
export type CompareRunPlan = z.infer<typeof comparePlanSchema>;

/** Runs one design on the seed's plan; `keepResult` keeps the report and result (for the HTML page). */
export function runDesign(plan: CompareRunPlan, seed: number, design: Design, machines?: MachineOverrides) {
  const { report, result } = runScenario({
    scenarioData: comparePlanFile(comparePlan(seed), design, plan.latency),
    seed,
    latency: plan.latency,
    strict: plan.strict,
    keepTrace: true,
    maxMessages: plan.maxMessages,
    maxVirtualMs: plan.maxVirtualMs,
    machines,
  });
  return { report, result, figures: figuresOf(report, result) };
}

const crashed = (verdict: 'error' | 'hang', reason: string): DesignRun => ({
  verdict,
  failedBy: verdict,
  reason,
  published: 0,
  delivered: 0,
  notDelivered: 0,
  stuck: 0,
  lost: 0,
  lostOnFailover: 0,
  duplicates: 0,
  outOfOrder: 0,
  maxWaitMs: null,
  deliveredInFaults: 0,
  faults: 0,
  lastHealMs: null,
  recoveryMs: null,
  coldAfterHealMs: null,
  messages: 0,
  virtualTimeMs: 0,
  traceDigest: '',
});

/** Both designs on one seed's plan; a run that throws is an `error` figure, not a crash of the comparison. */
export function compareSeed(plan: CompareRunPlan, seed: number, machines: Partial<Record<Design, MachineOverrides>> = {}): SeedComparison {
  const run = (design: Design): DesignRun => {
    try {
      return runDesign(plan, seed, design, machines[design]).figures;
    } catch (err) {
      return crashed('error', `threw: ${String((err as Error).message ?? err).split('\n')[0]}`);
    }
  };
  return { seed, runs: { 'active-active': run('active-active'), 'active-passive': run('active-passive') } };
}

/** A run's record counts, summed over the runs; the losses among them also counted as runs with any. */
const recordCounts = ['published', 'delivered', 'notDelivered', 'stuck', 'lost', 'lostOnFailover', 'duplicates', 'outOfOrder'] as const;
const lossCounts = ['notDelivered', 'lost', 'lostOnFailover', 'duplicates', 'outOfOrder'] as const;
type Counts<K extends keyof DesignRun> = Record<K, number>;
const countsOf = <K extends keyof DesignRun>(keys: readonly K[], count: (key: K) => number) =>
  Object.fromEntries(keys.map((k) => [k, count(k)])) as Counts<K>;

/** One design's figures over every seed. */
export interface DesignSummary extends Counts<(typeof recordCounts)[number]> {
  runs: number;
  passed: number;
  /** failed or hung: the model did not do what the spec promises */
  failed: number;
  /** the run threw: an internal error, not a figure of the design */
  crashed: number;
  /** failing runs by the property that failed them first */
  failedBy: Record<string, number>;
  /** runs where each was above 0 */
  runsWith: Pick<DesignRun, (typeof lossCounts)[number]>;
  /** each run's longest wait, virtual ms */
  maxWaitMs: MinAvgMax | null;
  deliveredInFaults: number;
  /** runs in which a fault started */
  runsWithFaults: number;
  recoveryMs: MinAvgMax | null;
  /** runs with a fault whose records were not all delivered */
  notRecovered: number;
  coldAfterHealMs: MinAvgMax | null;
}

export function summarizeDesign(runs: DesignRun[]): DesignSummary {
  const ok = runs.filter((r) => r.verdict !== 'error' && r.verdict !== 'hang');
  const sum = (f: (r: DesignRun) => number) => ok.reduce((a, r) => a + f(r), 0);
  const some = (f: (r: DesignRun) => number) => ok.filter((r) => f(r) > 0).length;
  const failedBy: Record<string, number> = {};
  for (const r of runs) if (r.verdict === 'fail' || r.verdict === 'hang') failedBy[r.failedBy ?? r.verdict] = (failedBy[r.failedBy ?? r.verdict] ?? 0) + 1;
  const withFaults = ok.filter((r) => r.lastHealMs !== null);
  return {
    runs: runs.length,
    passed: runs.filter((r) => r.verdict === 'pass').length,
    failed: runs.filter((r) => r.verdict === 'fail' || r.verdict === 'hang').length,
    crashed: runs.filter((r) => r.verdict === 'error').length,
    failedBy: Object.fromEntries(Object.entries(failedBy).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    ...countsOf(recordCounts, (k) => sum((r) => r[k])),
    runsWith: countsOf(lossCounts, (k) => some((r) => r[k])),
    maxWaitMs: minAvgMax(ok.filter((r) => r.maxWaitMs !== null).map((r) => r.maxWaitMs!)),
    deliveredInFaults: sum((r) => r.deliveredInFaults),
    runsWithFaults: withFaults.length,
    recoveryMs: minAvgMax(withFaults.filter((r) => r.recoveryMs !== null).map((r) => r.recoveryMs!)),
    notRecovered: withFaults.filter((r) => r.recoveryMs === null).length,
    coldAfterHealMs: minAvgMax(withFaults.filter((r) => r.coldAfterHealMs !== null).map((r) => r.coldAfterHealMs!)),
  };
}

export const compareOptionsSchema = z
  .object({
    from: z.number().int().min(0).max(MAX_SEED).default(1),
    count: z.number().int().min(1, 'must be 1 or more').max(1_000_000),
    /** worker threads; 0 runs in-process (default: one per core) */
    workers: z.number().int().min(0).max(1024).optional(),
    latency: latencySchema.optional(),
    strict: z.boolean().default(true),
    /** per design: a CommonJS module exporting `machines` (replacement machines, e.g. a planted bug) */
    machinesModules: z.object({ 'active-active': z.string().min(1).optional(), 'active-passive': z.string().min(1).optional() }).strict().default({}),
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
    seedTimeoutMs: z.number().int().min(1).max(24 * 3600_000).default(60_000),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.from + o.count - 1 > MAX_SEED) ctx.addIssue({ code: 'custom', path: ['count'], message: 'the last seed, from + count - 1, must be below 2^32' });
  });
export type CompareOptions = z.input<typeof compareOptionsSchema>;

export interface CompareReport {
  from: number;
  count: number;
  workers: number;
  latency: z.infer<typeof latencySchema>;
  strict: boolean;
  machinesModules: Partial<Record<Design, string>>;
  designs: Record<Design, DesignSummary>;
  /** every seed's figures, in seed order */
  seeds: SeedComparison[];
  wallMs: number;
}

/** Replacement machines for one design: each of a kind the design has (a machine for a kind it lacks would silently do nothing), taking its input. */
export function checkDesignMachines(machines: MachineOverrides, design: Design, what: string): void {
  const topology = defaultTopologyFor(design);
  const kinds = new Set(layoutOf(topology, []).components.map((c) => c.kind));
  const foreign = Object.keys(machines).filter((k) => !kinds.has(k as ComponentKind));
  if (foreign.length)
    throw new InputError(what, foreign.map((k) => `${k}: the ${design} design has no component of this kind (it has ${[...kinds].join(', ')})`));
  checkMachinesFor(machines, topology, what);
}

/** The compare worker script, next to this file built, or under dist/ when this file runs from TS source (jest). */
export function compareWorkerScript(): string {
  const script = __filename.endsWith('.ts') ? resolve(__dirname, '..', '..', 'dist', 'system', 'checker', 'compare-worker.js') : join(__dirname, 'compare-worker.js');
  if (!existsSync(script)) throw new Error(`tps compare: no worker script at ${script}; run 'npm run build' first (or use workers: 0)`);
  return script;
}

/**
 * Runs seeds from .. from+count-1, each seed's plan on both designs, on
 * worker threads (the check pool, with the compare worker script). The
 * figures are the same for any worker count.
 */
export async function compareDesigns(options: CompareOptions): Promise<CompareReport> {
  const parsed = compareOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('compare options', formatIssues(parsed.error));
  const o = parsed.data;
  if (o.workers !== undefined && o.workers > maxWorkers()) throw new InputError('compare options', [`workers: at most ${maxWorkers()} on this machine (${workerLimitReason()})`]);
  const latency = latencySchema.parse(o.latency ?? {});
  const machines: Partial<Record<Design, MachineOverrides>> = {};
  for (const design of designs) {
    const file = o.machinesModules[design];
    if (file === undefined) continue;
    machines[design] = loadMachinesModule(resolve(file), `machinesModules.${design}`);
    checkDesignMachines(machines[design], design, `machinesModules.${design}`);
  }
  const plan: CompareRunPlan = {
    latency,
    strict: o.strict,
    machinesModules: Object.fromEntries(Object.entries(o.machinesModules).map(([d, f]) => [d, resolve(f)])),
    ...(o.maxMessages !== undefined ? { maxMessages: o.maxMessages } : {}),
    ...(o.maxVirtualMs !== undefined ? { maxVirtualMs: o.maxVirtualMs } : {}),
  };
  const workers = Math.min(o.workers ?? Math.min(availableParallelism(), maxWorkers()), o.count);
  const seeds = new Array<SeedComparison>(o.count);
  const started = performance.now();
  if (workers === 0) {
    for (let seed = o.from; seed < o.from + o.count; seed++) {
      seeds[seed - o.from] = compareSeed(plan, seed, machines);
      await new Promise<void>((r) => setImmediate(r));
    }
  } else {
    const pool = createWorkerPool({ size: workers, script: compareWorkerScript() });
    // The pool carries a check's summaries; a compare worker's carry the seed's comparison.
    const onSummary = (s: SeedSummary & { comparison?: SeedComparison }) => {
      const hang = crashed('hang', s.reason ?? 'hang');
      seeds[s.seed - o.from] = s.comparison ?? { seed: s.seed, runs: { 'active-active': hang, 'active-passive': hang } };
    };
    try {
      await pool.run({ plan, from: o.from, count: o.count, workers, chunkSize: 8, seedTimeoutMs: o.seedTimeoutMs, onSummary });
    } finally {
      await pool.close();
    }
  }
  const of = (design: Design) => seeds.map((s) => s.runs[design]);
  return {
    from: o.from,
    count: o.count,
    workers,
    latency,
    strict: o.strict,
    machinesModules: o.machinesModules,
    designs: { 'active-active': summarizeDesign(of('active-active')), 'active-passive': summarizeDesign(of('active-passive')) },
    seeds,
    wallMs: round2(performance.now() - started),
  };
}

const pct = (n: number, of: number) => (of > 0 ? `${round2((100 * n) / of)}%` : '-');
const ms = (m: MinAvgMax | null) => (m === null ? '-' : `avg ${m.avg}, max ${m.max}`);
const inRuns = (n: number, runs: number, total: number) => (n === 0 ? '0' : `${n} (in ${runs} of ${total} runs)`);

/** One row of the side-by-side table: a label and each design's figure, as text. */
export interface ComparisonRow {
  label: string;
  values: Record<Design, string>;
  /** a sub-row of the one above it */
  indent?: boolean;
}

/** The comparison's figures as rows, the same in the text table and the HTML page. */
export function comparisonRows(report: Pick<CompareReport, 'designs'>): ComparisonRow[] {
  const row = (label: string, f: (s: DesignSummary) => string, indent = false): ComparisonRow => ({
    label,
    values: { 'active-active': f(report.designs['active-active']), 'active-passive': f(report.designs['active-passive']) },
    ...(indent ? { indent } : {}),
  });
  const ran = (s: DesignSummary) => s.runs - s.crashed;
  return [
    row('runs that kept the design\'s promises', (s) => `${s.passed} of ${s.runs}`),
    row('failing runs, by first failure', (s) => Object.entries(s.failedBy).map(([k, n]) => `${k} ${n}`).join(', ') || 'none', true),
    ...(Object.values(report.designs).some((s) => s.crashed > 0) ? [row('crashed runs (internal error)', (s) => String(s.crashed), true)] : []),
    row('records delivered', (s) => `${s.delivered} of ${s.published}`),
    row('lost: never delivered', (s) => inRuns(s.notDelivered, s.runsWith.notDelivered, ran(s))),
    row('still in a queue (stuck)', (s) => String(s.stuck), true),
    row('missing, no switch explains it', (s) => inRuns(s.lost, s.runsWith.lost, ran(s)), true),
    row('lost on failover (a database lacks it)', (s) => inRuns(s.lostOnFailover, s.runsWith.lostOnFailover, ran(s))),
    row('duplicated', (s) => inRuns(s.duplicates, s.runsWith.duplicates, ran(s))),
    row('out of order within a region', (s) => inRuns(s.outOfOrder, s.runsWith.outOfOrder, ran(s))),
    row('longest wait, published -> delivered (ms)', (s) => ms(s.maxWaitMs)),
    row('delivered during fault windows', (s) => `${s.deliveredInFaults} (${pct(s.deliveredInFaults, s.delivered)} of delivered)`),
    row('recovery: last heal -> last delivery (ms)', (s) => `${ms(s.recoveryMs)}${s.notRecovered ? `; ${s.notRecovered} run${s.notRecovered === 1 ? '' : 's'} never delivered all` : ''}`),
    row('recovery: last heal -> spec cold (ms)', (s) => ms(s.coldAfterHealMs)),
  ];
}
