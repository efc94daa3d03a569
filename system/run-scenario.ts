import { MAX_SEED } from '../actors/prng';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { latencySchema, type LatencyOptions } from '../actors/latency';
import { formatIssues, InputError } from '../machines/support';
import type { FaultRecord } from './faults/fault-plan';
import { validateMachines, type MachineOverrides } from './machines-module';
import { isPlanned, parseScenarioFile, scenarioNameSchema, scenarios, strategyChoiceSchema, strategyForSeed, type ScenarioFile, type StrategyName } from './scenarios';
import { simulate, simulateAsync, type Pace, type ScenarioSource, type SimulationOptions, type SimulationResult } from './simulation';
import { checkLatencyFor, checkMachinesFor } from './input-checks';
import { inspectOptionSchema } from './inspect-option';
import { defaultTopologyFor, designOf, parseTopology, type Design, type Topology } from '../machines/topology';

/** Scenario files larger than this are refused before they are read. */
export const MAX_SCENARIO_FILE_BYTES = 10 * 1024 * 1024;

/** Reads and validates a scenario file (JSON); `what` names the input in errors. */
export function readScenarioFile(file: string, what = 'scenario file'): ScenarioFile {
  if (!existsSync(file)) throw new InputError(what, [`no file '${file}'`]);
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError(what, [`'${file}' is not a file`]);
  if (stat.size > MAX_SCENARIO_FILE_BYTES) throw new InputError(what, [`'${file}' is larger than ${MAX_SCENARIO_FILE_BYTES} bytes`]);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(what, [`'${file}' is not JSON: ${(err as Error).message}`]);
  }
  return parseScenarioFile(data, `${what} '${file}'`);
}

export const runOptionsSchema = z
  .object({
    /** a scenario by name (`tps list`) ... */
    scenario: scenarioNameSchema.optional(),
    /** ... or a scenario file (JSON) ... */
    scenarioFile: z.string().min(1).optional(),
    /** ... or a scenario file's content */
    scenarioData: z.unknown().optional(),
    /** default: the scenario file's seed, else 1 */
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    latency: latencySchema.optional(),
    /** chaos: the exploration strategy that draws the plan (a portfolio picks one per seed); default random */
    strategy: strategyChoiceSchema.optional(),
    topology: z.unknown().optional(),
    strict: z.boolean().default(true),
    keepTrace: z.boolean().default(false),
    /** a livelock's budget: messages and virtual ms (defaults: system/budget.ts) */
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
    machines: z.unknown().optional(),
    /** an XState inspection observer or function (inspect-option.ts) */
    inspect: inspectOptionSchema.optional(),
    onInspectionEvent: z
      .custom<NonNullable<SimulationOptions['onInspectionEvent']>>((v) => typeof v === 'function', 'onInspectionEvent must be a function')
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const given = [o.scenario, o.scenarioFile, o.scenarioData].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['scenario'], message: 'give exactly one of scenario, scenarioFile, scenarioData' });
  });
export type RunOptions = Omit<z.input<typeof runOptionsSchema>, 'machines'> & { machines?: MachineOverrides };

/** The machine-readable result of one run (what `tps run --json` prints). */
export interface RunReport {
  scenario: string;
  /** the scenario file run, when one was given */
  scenarioFile?: string;
  seed: number;
  verdict: 'pass' | 'fail';
  /** why it failed, typed (absent when it passed) */
  failure?: SimulationResult['failure'];
  latency: z.infer<typeof latencySchema>;
  /** the exploration strategy that drew the plan, when one was asked for */
  strategy?: StrategyName;
  /** what the plan drew, in one line (a generated plan's description) */
  drew?: string;
  topology: Topology;
  steps: SimulationResult['steps'];
  /** the fault plan as carried out (empty without one) */
  faults: FaultRecord[];
  records: SimulationResult['records'];
  routing: SimulationResult['routing'];
  violations: SimulationResult['violations'];
  stuck: SimulationResult['stuck'];
  specState: string;
  unhandledEvents: number;
  unhandled: SimulationResult['unhandledEvents'];
  crossRegionOrderPreserved: boolean;
  destinationArrivals: number[];
  traceDigest: string;
  stats: SimulationResult['stats'];
  /** active-passive: records a switch dropped before they were replicated, by database */
  lostOnFailover?: SimulationResult['lostOnFailover'];
}

/** A scenario runs only on a topology of the design it was written for. */
export function checkDesignFor(scenario: string, design: Design, topology: Topology): void {
  if (designOf(topology) === design) return;
  throw new InputError('topology', [
    `design: scenario '${scenario}' is for the ${design} design; the topology is ${designOf(topology)} (give a topology with "design": "${design}")`,
  ]);
}

/** A run's scenario resolved to what the simulation takes. */
export interface ResolvedScenario {
  name: string;
  /** the scenario as data (what --save-plan writes), unless it is code */
  plan?: ScenarioFile;
  source: ScenarioSource;
  seed: number;
  latency: LatencyOptions;
  strategy?: StrategyName;
}

/**
 * Validates run options completely (nothing runs on bad input) and resolves
 * the scenario: a file as it is, a generated scenario drawn for the seed.
 */
export function resolveRun(options: RunOptions): { o: z.infer<typeof runOptionsSchema>; resolved: ResolvedScenario; machines?: MachineOverrides } {
  const parsed = runOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('run options', formatIssues(parsed.error));
  const o = parsed.data;
  const machines = o.machines === undefined ? undefined : validateMachines(o.machines, 'machines');
  const fromFile =
    o.scenarioFile !== undefined ? readScenarioFile(o.scenarioFile) : o.scenarioData !== undefined ? parseScenarioFile(o.scenarioData) : undefined;
  const seed = o.seed ?? fromFile?.seed ?? 1;
  const latency = latencySchema.parse(o.latency ?? fromFile?.latency ?? {});
  // `!== undefined`, not `??`: a null topology is bad input, not "the default".
  const topologyInput = o.topology !== undefined ? o.topology : fromFile?.topology;
  const scenarioDesign = fromFile ? fromFile.design : o.scenario !== undefined ? scenarios[o.scenario].design : undefined;
  const topology = parseTopology(topologyInput !== undefined ? topologyInput : defaultTopologyFor(scenarioDesign ?? 'active-active'));
  checkDesignFor(fromFile?.name ?? o.scenario!, scenarioDesign ?? 'active-active', topology);
  checkLatencyFor(latency, options.latency ?? fromFile?.latency, topology);
  checkMachinesFor(machines, topology);
  let resolved: ResolvedScenario;
  const named = fromFile ? undefined : scenarios[o.scenario!];
  if (o.strategy !== undefined && !(named && isPlanned(named) && named.strategies))
    throw new InputError('strategy', [`only a strategy-drawn scenario (chaos) takes one; ${fromFile ? 'a scenario file is its own plan' : `'${o.scenario}' is not drawn by strategy`}`]);
  if (o.strategy === 'guided')
    throw new InputError('strategy', [`a guided seed's plan comes from its check, not from the seed: replay it with --scenario-file (the check's failure carries the plan)`]);
  if (fromFile) resolved = { name: fromFile.name, plan: fromFile, source: fromFile, seed, latency };
  else {
    const scenario = named!;
    if (isPlanned(scenario)) {
      const strategy = o.strategy === undefined ? undefined : strategyForSeed(o.strategy, seed);
      const plan = scenario.plan(seed, topology, latency, { strategy, latencyGiven: o.latency !== undefined });
      // A strategy may draw the latency too; a given one wins (the plan then carries it).
      const planned = o.latency === undefined && plan.latency !== undefined ? latencySchema.parse(plan.latency) : latency;
      resolved = { name: scenario.name, plan, source: plan, seed, latency: planned, ...(strategy ? { strategy } : {}) };
    } else resolved = { name: scenario.name, source: scenario.steps, seed, latency };
  }
  return { o: { ...o, topology: topologyInput }, resolved, machines };
}

type Resolved = ReturnType<typeof resolveRun>;

const simulationOptions = ({ o, resolved, machines }: Resolved): SimulationOptions => ({
  seed: resolved.seed,
  latency: resolved.latency,
  topology: o.topology as SimulationOptions['topology'],
  strict: o.strict,
  keepTrace: o.keepTrace,
  maxMessages: o.maxMessages,
  maxVirtualMs: o.maxVirtualMs,
  machines,
  inspect: o.inspect,
  onInspectionEvent: o.onInspectionEvent,
});

/** Validates options, runs a scenario (by name or file), and shapes its report. */
export function runScenario(options: RunOptions): { report: RunReport; result: SimulationResult; plan?: ScenarioFile } {
  const run = resolveRun(options);
  return shape(run, simulate(run.resolved.source, simulationOptions(run)));
}

/** `runScenario` played in real time (`simulateAsync`), e.g. for a live viewer. */
export async function runScenarioAsync(
  options: RunOptions,
  pace: Pace,
): Promise<{ report: RunReport; result: SimulationResult; plan?: ScenarioFile }> {
  const run = resolveRun(options);
  return shape(run, await simulateAsync(run.resolved.source, simulationOptions(run), pace));
}

function shape({ o, resolved }: Resolved, result: SimulationResult): { report: RunReport; result: SimulationResult; plan?: ScenarioFile } {
  const report: RunReport = {
    scenario: resolved.name,
    ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : {}),
    seed: resolved.seed,
    verdict: result.verdict,
    ...(result.failure ? { failure: result.failure } : {}),
    latency: latencySchema.parse(resolved.latency),
    ...(resolved.strategy ? { strategy: resolved.strategy, drew: resolved.plan?.description } : {}),
    topology: result.layout.topology,
    steps: result.steps,
    faults: result.faults,
    records: result.records,
    routing: result.routing,
    violations: result.violations,
    stuck: result.stuck,
    specState: result.specState,
    unhandledEvents: result.unhandledEvents.length,
    unhandled: result.unhandledEvents,
    crossRegionOrderPreserved: result.crossRegionOrderPreserved,
    destinationArrivals: result.final.destinationArrivals,
    traceDigest: result.traceDigest,
    stats: result.stats,
    ...(result.lostOnFailover ? { lostOnFailover: result.lostOnFailover } : {}),
  };
  return { report, result, plan: resolved.plan };
}

/** The plan a run used, as a scenario file that replays it (same seed and latency; the topology when not the default). */
export function planToSave(plan: ScenarioFile, report: RunReport): ScenarioFile {
  const { $schema: _schema, ...rest } = plan;
  return {
    ...rest,
    name: plan.name === report.scenario && !plan.seed ? plan.name : `${report.scenario}-seed-${report.seed}`.replace(/[^a-z0-9-]/g, '-'),
    seed: report.seed,
    latency: report.latency,
    topology: report.topology,
  };
}
