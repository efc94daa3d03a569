import { z } from 'zod';
import type { LatencyOptions } from '../../actors/latency';
import type { TpsRecord } from '../../machines/protocol';
import { parseInput } from '../../machines/support';
import type { Layout } from '../../machines/layout';
import type { ScenarioStep } from './scenario-driver.machine';
import type { Design, Topology } from '../../machines/topology';
import f1 from './files/f1-fail-container.json';
import f2 from './files/f2-fail-database.json';
import f2Global from './files/f2-fail-database-global.json';
import f3 from './files/f3-fail-queue.json';
import f4 from './files/f4-fail-replication.json';
import failover from './files/failover.json';
import happyPath from './files/happy-path.json';
import activePassive from './files/active-passive.json';
import activePassiveF1 from './files/active-passive-f1-fail-container.json';
import activePassiveF2 from './files/active-passive-f2-fail-database.json';
import activePassiveF3 from './files/active-passive-f3-fail-queue.json';
import activePassiveF4 from './files/active-passive-f4-fail-replication.json';
import activePassiveFailover from './files/active-passive-failover.json';
import activePassiveFailoverReplicationDown from './files/active-passive-failover-replication-down.json';
import { scenarioFileSchema, type ScenarioFile } from './format';
import { f5FailRandomPlan } from './generated';
import { chaosPlanFor, type StrategyName } from './strategies';
import { activePassiveChaosPlan, activePassiveF5Plan } from './active-passive-generated';

/** A scenario as data: one file, or a plan drawn from the seed. */
export interface PlannedScenario {
  name: string;
  description: string;
  /** the design it is written for (default active-active) */
  design?: Design;
  /** true when the plan is drawn from the seed (every seed a different plan) */
  generated: boolean;
  /** true when an exploration strategy (strategies.ts) draws the plan */
  strategies?: boolean;
  plan(seed: number, topology: Topology, latency?: LatencyOptions, draw?: PlanDraw): ScenarioFile;
}

/** How a strategy-drawn plan is drawn: the strategy, and whether the latency was given (else a strategy may draw its own). */
export interface PlanDraw {
  strategy?: StrategyName;
  latencyGiven?: boolean;
}

/** A scenario as code: steps built from the layout and record set (runs in-process only). */
export interface CodeScenario {
  name: string;
  description: string;
  design?: Design;
  steps: (layout: Layout, batches: TpsRecord[][]) => ScenarioStep[];
}

export type Scenario = PlannedScenario | CodeScenario;

export const isPlanned = (s: Scenario): s is PlannedScenario => 'plan' in s;

/** Parses a scenario file's content; the error names every bad field. */
export function parseScenarioFile(data: unknown, what = 'scenario file'): ScenarioFile {
  return parseInput(scenarioFileSchema, data, what);
}

const fromFile = (data: unknown): PlannedScenario => {
  const file = parseScenarioFile(data, 'built-in scenario');
  return { name: file.name, description: file.description, design: file.design, generated: false, plan: () => file };
};

const generated = (
  name: string,
  description: string,
  plan: (seed: number, topology: Topology, latency?: LatencyOptions, draw?: PlanDraw) => unknown,
  { strategies = false, design }: { strategies?: boolean; design?: Design } = {},
): PlannedScenario => ({
  name,
  description,
  design,
  generated: true,
  ...(strategies ? { strategies } : {}),
  plan: (seed, topology, latency, draw) => parseScenarioFile(plan(seed, topology, latency, draw), `scenario ${name}`),
});

/** The built-in scenarios: the P reference's active-active suite, a fault-free run and seeded chaos. */
export const builtInScenarios: Readonly<Record<string, PlannedScenario>> = Object.freeze(
  Object.fromEntries(
    [
      fromFile(happyPath),
      fromFile(f1),
      fromFile(f2),
      fromFile(f2Global),
      fromFile(f3),
      fromFile(f4),
      generated(
        'f5-fail-random',
        'Reference F5: fail a seed-chosen number of seed-chosen region 1 components, publish batch 2, recover them, publish batch 3',
        (seed, topology) => f5FailRandomPlan(seed, topology),
      ),
      fromFile(failover),
      generated(
        'chaos',
        'Seeded random fault plan (kinds, targets, times, durations from the seed) during three batches, then healing; liveness within a bound',
        (seed, topology, latency, draw) => chaosPlanFor(draw?.strategy ?? 'random', seed, topology, latency, draw?.latencyGiven),
        { strategies: true },
      ),
      // The reference's active-passive suite.
      fromFile(activePassive),
      fromFile(activePassiveF1),
      fromFile(activePassiveF2),
      fromFile(activePassiveF3),
      fromFile(activePassiveF4),
      generated(
        'active-passive-f5-fail-random',
        'Reference F5 (active-passive): fail a seed-chosen set of region 1 components (queues, containers, databases), publish batch 2, recover them, batch 3',
        (seed, topology) => activePassiveF5Plan(seed, topology),
        { design: 'active-passive' },
      ),
      fromFile(activePassiveFailover),
      fromFile(activePassiveFailoverReplicationDown),
      generated(
        'active-passive-chaos',
        'Seeded random faults on the active-passive system (container, queue, whole-database and replication faults, region switches of a DNS or a database, slow regions), then healing',
        activePassiveChaosPlan,
        { design: 'active-passive' },
      ),
    ].map((s) => [s.name, s]),
  ),
);

/** Every scenario `tps` and `runScenario` know by name; add your own (code scenarios run in-process only). */
export const scenarios: Record<string, Scenario> = { ...builtInScenarios };

/** A scenario name; an unknown one is refused with the list of known ones. */
export const scenarioNameSchema = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    if (!Object.hasOwn(scenarios, name))
      ctx.addIssue({ code: 'custom', message: `unknown scenario '${name}'; known: ${Object.keys(scenarios).join(', ')}` });
  });

export { scenarioFileSchema, type ScenarioFile, type ScenarioFileInput } from './format';
export { compileScenario, type CompiledScenario } from './compile';
export { chaosPlan, f5FailRandomPlan, healingBound } from './generated';
export { portfolio, strategyChoices, strategyChoiceSchema, strategyForSeed, strategyNames, type StrategyChoice, type StrategyName } from './strategies';
