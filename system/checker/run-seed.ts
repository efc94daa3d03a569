import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { latencySchema } from '../../actors/latency';
import type { MachineOverrides } from '../machines-module';
import type { FaultRecord } from '../faults/fault-plan';
import type { InspectOption } from '../inspect-option';
import { hitCombinations } from '../scenarios/guided';
import { coverageCollector, type CoverageCounts } from './coverage';
import { runScenario, type RunReport } from '../run-scenario';
import { scenarioFileSchema, strategyChoiceSchema } from '../scenarios';
import { topologySchema } from '../../machines/topology';
import type { RunFailure } from '../verdict';

/**
 * What a check worker needs to run a seed, and nothing else: workers import
 * this module only, not the checker's option parsing and pooling.
 */

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
  /** why it failed, typed (system/verdict.ts); a crash is `crashed` */
  failure?: RunFailure;
  /** per region in topology order: records routed there, and how many the weights call for */
  routed?: number[];
  expected?: number[];
  /** records a region may be off by in this run */
  slack?: number;
  /** for a failing seed of a strategy-drawn scenario: the strategy it ran under (a portfolio's pick), and what its plan drew */
  strategy?: string;
  drew?: string;
  /** for a failing seed with a fault plan: the faults as they were carried out */
  faults?: FaultRecord[];
  /** active-passive: distinct records a switch dropped before they were replicated */
  lostOnFailover?: number;
  /** a guided seed: the fault-hit combinations its run reached (system/scenarios/guided.ts) */
  hits?: string[];
  /** the run's coverage counts (with the coverage option); merged into the report as they arrive */
  coverage?: CoverageCounts;
}

/** What every run of a check shares; plain data, posted to each worker. */
export const runPlanSchema = z.object({
  /** a scenario by name (built-in: every worker has it) or ... */
  scenario: z.string().optional(),
  /** ... a scenario file's content, posted to every worker */
  scenarioData: scenarioFileSchema.optional(),
  latency: latencySchema,
  /** the latency was given (else a strategy may draw its own per seed) */
  latencyGiven: z.boolean().optional(),
  /** chaos: the exploration strategy, or a portfolio of them */
  strategy: strategyChoiceSchema.optional(),
  topology: topologySchema.optional(),
  strict: z.boolean(),
  machinesModule: z.string().optional(),
  maxMessages: z.number().optional(),
  maxVirtualMs: z.number().optional(),
  coverage: z.boolean().optional(),
  /** guided chaos: each seed's plan (by seed), run as a scenario file; the summaries then carry what each run hit */
  plans: z.record(z.string(), scenarioFileSchema).optional(),
  /** this run is a guided seed's: report what it hit */
  guided: z.boolean().optional(),
});
export type RunPlan = z.infer<typeof runPlanSchema>;

/**
 * The pool's protocol: a worker says `ready` once its modules are loaded;
 * each check posts its `job` (the plan), then hands out chunks as the worker
 * asks (`next`); `idle` ends the worker's part in a check, `exit` ends it.
 */
export type ToWorker = { type: 'job'; plan: RunPlan } | { type: 'chunk'; from: number; to: number } | { type: 'idle' } | { type: 'exit' };
export type FromWorker = { type: 'ready'; loadMs: number } | { type: 'seed'; summary: SeedSummary } | { type: 'next' };

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
export function runSeed(plan: RunPlan, seed: number, machines?: MachineOverrides, inspect?: InspectOption): SeedSummary {
  const started = performance.now();
  try {
    const own = plan.plans?.[String(seed)];
    if (own !== undefined) return guidedSeed(plan, own, seed, machines, inspect);
    const scenario = plan.scenarioData !== undefined ? { scenarioData: plan.scenarioData } : { scenario: plan.scenario };
    const collector = plan.coverage ? coverageCollector(machines) : undefined;
    const { report } = runScenario({
      ...scenario,
      seed,
      // Given latency always; otherwise a strategy may draw one per seed (random falls back to this default).
      ...(plan.strategy === undefined || plan.latencyGiven !== false ? { latency: plan.latency } : {}),
      ...(plan.strategy !== undefined ? { strategy: plan.strategy } : {}),
      topology: plan.topology,
      strict: plan.strict,
      maxMessages: plan.maxMessages,
      maxVirtualMs: plan.maxVirtualMs,
      machines,
      onInspectionEvent: collector?.inspect,
      inspect,
    });
    const { messages, virtualTimeMs, wallMs } = report.stats;
    const summary: SeedSummary = { seed, verdict: report.verdict, messages, virtualTimeMs, wallMs, traceDigest: report.traceDigest };
    summary.routed = report.routing.regions.map((r) => r.routed);
    summary.expected = report.routing.regions.map((r) => r.expected);
    summary.slack = report.routing.slack;
    if (report.lostOnFailover?.length) summary.lostOnFailover = new Set(report.lostOnFailover.map((l) => l.recordId)).size;
    if (collector) summary.coverage = collector.finish(report.faults);
    if (plan.guided) summary.hits = hitCombinations(report.faults);
    if (report.verdict === 'fail') {
      summary.reason = failureReason(report);
      summary.failedBy = failedBy(report);
      if (report.failure) summary.failure = report.failure;
      if (report.strategy) {
        summary.strategy = report.strategy;
        summary.drew = report.drew;
      }
      if (report.faults.length) summary.faults = report.faults;
    }
    return summary;
  } catch (err) {
    const wallMs = Math.round((performance.now() - started) * 100) / 100;
    return { seed, verdict: 'error', messages: 0, virtualTimeMs: 0, wallMs, traceDigest: '', reason: oneLine(`threw: ${(err as Error).message ?? err}`), failedBy: 'error', failure: { kind: 'crashed', error: oneLine(`${(err as Error).message ?? err}`) } };
  }
}


/** A guided seed: its own plan run as a scenario file (the plan carries its latency); the summary says what it hit. */
function guidedSeed(plan: RunPlan, own: z.infer<typeof scenarioFileSchema>, seed: number, machines?: MachineOverrides, inspect?: InspectOption): SeedSummary {
  const latency = latencySchema.parse(own.latency ?? plan.latency);
  const { topology, strict, machinesModule, maxMessages, maxVirtualMs, coverage } = plan;
  return runSeed({ scenarioData: own, latency, topology, strict, machinesModule, maxMessages, maxVirtualMs, coverage, guided: true }, seed, machines, inspect);
}
