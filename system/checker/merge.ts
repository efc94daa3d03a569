import { resolve } from 'node:path';
import { z } from 'zod';
import { formatIssues, InputError } from '../../machines/support';
import { loadMachinesModule } from '../machines-module';
import { sharesFromTotals, type CheckReport, type CheckTotals, type LossOnFailover, type MinAvgMax } from './check';
import { coverageSummary, emptyCoverage, mergeCoverage, type CoverageCounts } from './coverage';

/** A check report as `tps check --json` prints it: everything but the per-seed results. */
export type CheckSummary = Omit<CheckReport, 'results'> & { shrunk?: unknown };

const minAvgMaxSchema = z.object({ min: z.number(), avg: z.number(), max: z.number() });
/** What merging reads from a shard report; the rest is carried over as it is. */
const shardReportSchema = z
  .object({
    scenario: z.string(),
    scenarioFile: z.string().optional(),
    from: z.number().int().min(0),
    count: z.number().int().min(1),
    workers: z.number().int().min(0),
    latency: z.object({ model: z.string() }).passthrough(),
    strict: z.boolean(),
    completed: z.number().int().min(0),
    interrupted: z.boolean(),
    failingSeeds: z.array(z.number().int()),
    crashedSeeds: z.array(z.number().int()),
    messages: minAvgMaxSchema,
    virtualTimeMs: minAvgMaxSchema,
    wallMs: z.number(),
    schedulesPerSecond: z.number(),
    firstScheduleMs: z.number(),
    steadySchedulesPerSecond: z.number(),
    fullSpeedMs: z.number(),
    startedAtProcessMs: z.number(),
    failures: z.array(
      z
        .object({
          seed: z.number().int(),
          verdict: z.enum(['pass', 'fail', 'error', 'hang']),
          /** the typed failure kind (absent in reports from before it) */
          kind: z.string().optional(),
          reason: z.string(),
          traceDigest: z.string(),
          replay: z.string(),
          faults: z.array(z.unknown()),
        })
        .passthrough(),
    ),
    routing: z.array(z.object({ region: z.number().int() }).passthrough()),
    coverage: z.object({ counts: z.object({ runs: z.number(), states: z.record(z.string(), z.unknown()), transitions: z.record(z.string(), z.unknown()), faultHits: z.record(z.string(), z.number()) }) }).passthrough().optional(),
    shard: z.object({ index: z.number().int().min(1), of: z.number().int().min(1), from: z.number().int().min(0), count: z.number().int().min(1) }).optional(),
    machinesModule: z.string().optional(),
    planDigest: z.string(),
    totals: z.object({ ran: z.number().int().min(0), messages: z.number(), virtualTimeMs: z.number(), routed: z.array(z.number()), expected: z.array(z.number()), slack: z.number() }),
    lossOnFailover: z.object({ runs: z.number().int().min(1), records: minAvgMaxSchema }).optional(),
  })
  .passthrough();

/**
 * Active-passive: the shards' losses on failover as one figure. A report
 * keeps the average, not the sum: each shard's sum is its average times its
 * runs, rounded (records are whole), exact while a shard has under 100 losing runs.
 */
function lossOnFailoverOf(reports: CheckSummary[]): { lossOnFailover?: LossOnFailover } {
  const losing = reports.map((r) => r.lossOnFailover).filter((l): l is LossOnFailover => l !== undefined);
  if (losing.length === 0) return {};
  const runs = losing.reduce((a, l) => a + l.runs, 0);
  const sum = losing.reduce((a, l) => a + Math.round(l.records.avg * l.runs), 0);
  const records = { min: Math.min(...losing.map((l) => l.records.min)), avg: Math.round((sum / runs) * 100) / 100, max: Math.max(...losing.map((l) => l.records.max)) };
  return { lossOnFailover: { runs, records } };
}

/** The earliest first failure over the shards (each timed from its own start). */
function firstFailureOf(reports: CheckSummary[]): Pick<CheckSummary, 'firstFailureMs' | 'firstFailureSeed'> {
  const firsts = reports.filter((r) => r.firstFailureMs !== undefined).sort((a, b) => a.firstFailureMs! - b.firstFailureMs!);
  return firsts.length ? { firstFailureMs: firsts[0].firstFailureMs, firstFailureSeed: firsts[0].firstFailureSeed } : {};
}

const seedList = (a: number, b: number) => (a === b ? `seed ${a}` : `seeds ${a}..${b}`);

type Shard = { name: string; r: CheckSummary };

function parseShards(inputs: { name: string; report: unknown }[]): Shard[] {
  if (inputs.length === 0) throw new InputError('merge', ['give at least one report']);
  return inputs.map(({ name, report }) => {
    const parsed = shardReportSchema.safeParse(report);
    if (!parsed.success) throw new InputError(name, [`not a 'tps check --json' report of this version: ${formatIssues(parsed.error).join('; ')}`]);
    return { name, r: parsed.data as unknown as CheckSummary };
  });
}

/** The whole run a report is a shard of (itself, when not sharded). */
const wholeRun = (r: CheckSummary) => (r.shard ? { from: r.shard.from, count: r.shard.count } : { from: r.from, count: r.count });

/** Every shard ran the same check as the first: scenario, latency, strictness, options, whole run, shard count, coverage. */
function checkSameCheck(shards: Shard[]): void {
  const problems: string[] = [];
  const first = shards[0];
  const run = wholeRun(first.r);
  for (const { name, r } of shards.slice(1)) {
    const differs: string[] = [];
    if (r.scenario !== first.r.scenario || r.scenarioFile !== first.r.scenarioFile) differs.push(`scenario ${r.scenario}${r.scenarioFile ? ` (${r.scenarioFile})` : ''}`);
    if (JSON.stringify(r.latency) !== JSON.stringify(first.r.latency)) differs.push(`latency ${JSON.stringify(r.latency)}`);
    if (r.strict !== first.r.strict) differs.push(`strict ${r.strict}`);
    if (r.planDigest !== first.r.planDigest && differs.length === 0) differs.push(`options (plan digest ${r.planDigest}: topology, budget, machines or coverage)`);
    const w = wholeRun(r);
    if (w.from !== run.from || w.count !== run.count) differs.push(`the whole run: seeds ${w.from}..${w.from + w.count - 1}`);
    if ((r.shard?.of ?? 1) !== (first.r.shard?.of ?? 1)) differs.push(`shard count ${r.shard?.of ?? 1}`);
    if (Boolean(r.coverage) !== Boolean(first.r.coverage)) differs.push(`coverage ${r.coverage ? 'on' : 'off'}`);
    if (differs.length) problems.push(`${name} differs from ${first.name}: ${differs.join('; ')}`);
  }
  if (problems.length) throw new InputError('merge', problems);
}

/** The shards, each complete, cover the whole run once: sorted by their first seed. */
function checkSeedsCovered(shards: Shard[], run: { from: number; count: number }): Shard[] {
  const problems: string[] = [];
  for (const { name, r } of shards)
    if (r.interrupted || r.completed !== r.count)
      problems.push(`${name} was interrupted: only ${r.completed} of ${seedList(r.from, r.from + r.count - 1)} completed; run that shard again`);
  const sorted = [...shards].sort((a, b) => a.r.from - b.r.from || a.r.count - b.r.count);
  let next = run.from;
  const end = run.from + run.count;
  for (const { name, r } of sorted) {
    const last = r.from + r.count - 1;
    if (r.from < run.from || last >= end) problems.push(`${name} covers ${seedList(r.from, last)}, outside the run's ${seedList(run.from, end - 1)}`);
    if (r.from > next) problems.push(`missing ${seedList(next, r.from - 1)} (no shard covers them)`);
    if (r.from < next) problems.push(`${seedList(r.from, Math.min(next, last + 1) - 1)} covered twice (${name} overlaps an earlier shard)`);
    next = Math.max(next, last + 1);
  }
  if (next < end) problems.push(`missing ${seedList(next, end - 1)} (no shard covers them)`);
  if (problems.length) throw new InputError('merge', problems);
  return sorted;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The sums over the shards, and min/avg/max from them (the average from the sums, rounded as check rounds it). */
function mergedFigures(reports: CheckSummary[], regions: number[]) {
  const sum = (f: (r: CheckSummary) => number) => reports.reduce((a, r) => a + f(r), 0);
  const totals: CheckTotals = {
    ran: sum((r) => r.totals.ran),
    messages: sum((r) => r.totals.messages),
    virtualTimeMs: sum((r) => r.totals.virtualTimeMs),
    routed: regions.map((_, i) => sum((r) => r.totals.routed[i] ?? 0)),
    expected: regions.map((_, i) => sum((r) => r.totals.expected[i] ?? 0)),
    slack: sum((r) => r.totals.slack),
  };
  // min and max over the shards that had runs
  const merged = (pick: (r: CheckSummary) => MinAvgMax, total: number): MinAvgMax => {
    const withRuns = reports.filter((r) => r.totals.ran > 0);
    if (withRuns.length === 0) return { min: 0, avg: 0, max: 0 };
    return {
      min: Math.min(...withRuns.map((r) => pick(r).min)),
      avg: Math.round((total / totals.ran) * 100) / 100,
      max: Math.max(...withRuns.map((r) => pick(r).max)),
    };
  };
  return { totals, messages: merged((r) => r.messages, totals.messages), virtualTimeMs: merged((r) => r.virtualTimeMs, totals.virtualTimeMs) };
}

/** Coverage counts added up, summarized against the machines module the reports name (if any). */
function mergedCoverage(reports: CheckSummary[]): CheckSummary['coverage'] {
  if (!reports[0].coverage) return undefined;
  const counts: CoverageCounts = emptyCoverage();
  for (const r of reports) mergeCoverage(counts, r.coverage!.counts);
  const machinesModule = reports[0].machinesModule;
  return { ...coverageSummary(counts, machinesModule ? loadMachinesModule(resolve(machinesModule), 'machinesModule (named in the reports)') : undefined), counts };
}

/** Timings are the shards': the longest wall time, the sum of their rates. */
function mergedTimings(reports: CheckSummary[]) {
  const sum = (f: (r: CheckSummary) => number) => reports.reduce((a, r) => a + f(r), 0);
  return {
    wallMs: Math.max(...reports.map((r) => r.wallMs)),
    schedulesPerSecond: round2(sum((r) => r.schedulesPerSecond)),
    firstScheduleMs: Math.min(...reports.map((r) => r.firstScheduleMs)),
    steadySchedulesPerSecond: round2(sum((r) => r.steadySchedulesPerSecond)),
    fullSpeedMs: Math.max(...reports.map((r) => r.fullSpeedMs)),
    startedAtProcessMs: Math.max(...reports.map((r) => r.startedAtProcessMs)),
  };
}

/**
 * Joins the reports of a sharded check (`tps check --shard K/N --json`) into
 * the report the unsharded check gives: the same counts, failures with their
 * replay commands, routing and coverage. Timings are the shards': the longest
 * wall time, the sum of their rates. Shards that overlap, leave seeds out,
 * stopped early, or ran different scenarios or options are refused with an
 * InputError naming the seeds or the setting.
 */
export function mergeReports(inputs: { name: string; report: unknown }[]): CheckSummary {
  const shards = parseShards(inputs);
  checkSameCheck(shards);
  const first = shards[0].r;
  const run = wholeRun(first);
  const reports = checkSeedsCovered(shards, run).map((s) => s.r);
  const regions = first.routing.map((r) => r.region);
  const { totals, messages, virtualTimeMs } = mergedFigures(reports, regions);
  const coverage = mergedCoverage(reports);
  const failingSeeds = reports.flatMap((r) => r.failingSeeds);
  const crashedSeeds = reports.flatMap((r) => r.crashedSeeds);
  const completed = reports.reduce((a, r) => a + r.completed, 0);
  const { wallMs, schedulesPerSecond, ...startUp } = mergedTimings(reports);
  return {
    scenario: first.scenario,
    ...(first.scenarioFile !== undefined ? { scenarioFile: first.scenarioFile } : {}),
    from: run.from,
    count: run.count,
    workers: reports.reduce((a, r) => a + r.workers, 0),
    latency: first.latency,
    strict: first.strict,
    verdict: crashedSeeds.length > 0 ? 'error' : failingSeeds.length === 0 ? 'pass' : 'fail',
    completed,
    interrupted: false,
    stoppedAtMaxFailures: false,
    ...firstFailureOf(reports),
    passed: completed - failingSeeds.length - crashedSeeds.length,
    failed: failingSeeds.length,
    failingSeeds,
    crashed: crashedSeeds.length,
    crashedSeeds,
    messages,
    virtualTimeMs,
    wallMs,
    schedulesPerSecond,
    ...lossOnFailoverOf(reports),
    failures: reports.flatMap((r) => r.failures),
    routing: sharesFromTotals(totals, regions),
    ...(coverage ? { coverage } : {}),
    ...startUp,
    ...(first.machinesModule !== undefined ? { machinesModule: first.machinesModule } : {}),
    planDigest: first.planDigest,
    totals,
  };
}
