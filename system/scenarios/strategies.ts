import { z } from 'zod';
import type { LatencyOptions } from '../../actors/latency';
import type { Topology } from '../topology';
import type { ScenarioFileInput as ScenarioFile } from './format';
import { chaosPlan } from './generated';
import { swarmPlan } from './swarm';

/**
 * Exploration strategies for seeded chaos: how a seed becomes a plan (and,
 * for some, a message order). Each is deterministic per seed, so a failing
 * seed replays with `tps run chaos --seed S --strategy NAME`.
 *   random  today's chaos: one fixed distribution of fault plans
 *   swarm   per seed a latency model, fault kinds, count and clustering
 */
export const strategyNames = ['random', 'swarm'] as const;
export type StrategyName = (typeof strategyNames)[number];

/** What `--strategy` takes: a strategy, or `portfolio` (a strategy per seed, rotating). */
export const strategyChoices = [...strategyNames, 'portfolio'] as const;
export type StrategyChoice = (typeof strategyChoices)[number];
export const strategyChoiceSchema = z.enum(strategyChoices, { message: `must be one of ${strategyChoices.join(', ')}` });

/** The strategies a portfolio rotates through, seed by seed. */
export const portfolio: readonly StrategyName[] = ['random', 'swarm'];

/** The strategy a seed runs under: a portfolio gives seed S the (S mod n)-th of its strategies. */
export function strategyForSeed(choice: StrategyChoice, seed: number): StrategyName {
  return choice === 'portfolio' ? portfolio[seed % portfolio.length] : choice;
}

/** The chaos plan a strategy draws for a seed. */
export function chaosPlanFor(strategy: StrategyName, seed: number, topology: Topology, latency?: LatencyOptions, latencyGiven = false): ScenarioFile {
  switch (strategy) {
    case 'random':
      return chaosPlan(seed, topology, latency);
    case 'swarm':
      return swarmPlan(seed, topology, latencyGiven ? latency : undefined);
  }
}
