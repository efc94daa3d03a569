import { z } from 'zod';
import { latencySchema, type LatencyOptions } from '../actors/latency';
import { formatIssues, InputError } from '../machines/support';
import type { AnyStateMachine } from 'xstate';
import type { ComponentKind } from './layout';
import { scenarioNameSchema, scenarios } from './scenarios';
import { simulate, type SimulationOptions, type SimulationResult } from './simulation';
import type { TopologyInput } from './topology';

export const runOptionsSchema = z
  .object({
    scenario: scenarioNameSchema,
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    latency: latencySchema.optional(),
    topology: z.unknown().optional(),
    strict: z.boolean().default(true),
    keepTrace: z.boolean().default(false),
    /** a livelock's budget: messages and virtual ms (defaults: system/budget.ts) */
    maxMessages: z.number().int().min(1).optional(),
    maxVirtualMs: z.number().int().min(1).optional(),
  });
export type RunOptions = z.input<typeof runOptionsSchema> & {
  machines?: Partial<Record<ComponentKind, AnyStateMachine>>;
  /** extra inspection observer, e.g. the Stately inspector */
  inspect?: SimulationOptions['inspect'];
};

/** The machine-readable result of one run (what `tps run --json` prints). */
export interface RunReport {
  scenario: string;
  seed: number;
  verdict: 'pass' | 'fail';
  latency: LatencyOptions;
  steps: SimulationResult['steps'];
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
}

/** Validates options, runs a named scenario, and shapes its report. */
export function runScenario(options: RunOptions): { report: RunReport; result: SimulationResult } {
  const parsed = runOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('run options', formatIssues(parsed.error));
  const o = parsed.data;
  const latency = latencySchema.parse(o.latency ?? {});
  const result = simulate(scenarios[o.scenario].steps, {
    seed: o.seed,
    latency,
    topology: o.topology as TopologyInput | undefined,
    strict: o.strict,
    keepTrace: o.keepTrace,
    maxMessages: o.maxMessages,
    maxVirtualMs: o.maxVirtualMs,
    machines: options.machines,
    inspect: options.inspect,
  });
  const report: RunReport = {
    scenario: o.scenario,
    seed: o.seed,
    verdict: result.verdict,
    latency,
    steps: result.steps,
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
  };
  return { report, result };
}
