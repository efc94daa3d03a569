import { z } from 'zod';
import { Prng } from '../../actors/prng';
import type { Schedule } from '../../actors/schedule-order';
import { latencySchema, MAX_LATENCY_MS, type LatencyOptions } from '../../actors/latency';
import type { Topology } from '../../machines/topology';
import type { ScenarioFileInput as ScenarioFile } from './format';
import { chaosPlan } from './generated';
import { freshStrategy } from './guided';
import { swarmPlan } from './swarm';
import { targetedPlan } from './targeted';

/**
 * Exploration strategies for seeded chaos: how a seed becomes a plan (and,
 * for some, a message order). Each is deterministic per seed, so a failing
 * seed replays with `tps run chaos --seed S --strategy NAME`.
 *   random  today's chaos: one fixed distribution of fault plans
 *   swarm   per seed a latency model, fault kinds, count and clustering
 *   targeted  faults started when an actor is in a state of its chart (targeted.ts)
 *   pct     random's plan, messages ordered PCT-style (actors/schedule-order.ts)
 *   fair-pct  the same for a prefix of the run, then the usual order
 * and `guided` (guided.ts), whose plans mutate earlier seeds' and so are not
 * drawn from the seed alone: the check carries them, and replays run the plan.
 */
export const strategyNames = ['random', 'swarm', 'targeted', 'pct', 'fair-pct'] as const;
export type StrategyName = (typeof strategyNames)[number];

/** What `--strategy` takes: a strategy, `guided` (checks only), or `portfolio` (a strategy per seed, rotating; `tps check chaos`'s default). */
export const strategyChoices = [...strategyNames, 'guided', 'portfolio'] as const;
export type StrategyChoice = (typeof strategyChoices)[number];
export const strategyChoiceSchema = z.enum(strategyChoices, { message: `must be one of ${strategyChoices.join(', ')}` });

/**
 * The strategies a portfolio rotates through, seed by seed: targeted on every other seed (it kills
 * the rare classes of planted bugs most often), swarm, random (today's mix, which still kills a
 * refusal met while down most often) and pct between (docs/checking.md, the strategies table).
 */
export const portfolio: readonly StrategyName[] = ['targeted', 'swarm', 'targeted', 'random', 'targeted', 'pct'];

/** The strategy a seed runs under: a portfolio gives seed S the (S mod n)-th of its strategies; guided's fresh plans alternate swarm and targeted. */
export function strategyForSeed(choice: StrategyChoice, seed: number): StrategyName {
  if (choice === 'guided') return freshStrategy(seed);
  return choice === 'portfolio' ? portfolio[seed % portfolio.length] : choice;
}

/** The chaos plan a strategy draws for a seed. */
export function chaosPlanFor(strategy: StrategyName, seed: number, topology: Topology, latency?: LatencyOptions, latencyGiven = false): ScenarioFile {
  switch (strategy) {
    case 'random':
      return chaosPlan(seed, topology, latency);
    case 'swarm':
      return swarmPlan(seed, topology, latencyGiven ? latency : undefined);
    case 'targeted':
      return targetedPlan(seed, topology, latencyGiven ? latency : undefined);
    case 'pct':
    case 'fair-pct':
      return pctPlan(strategy, seed, topology, latency);
  }
}

/** About how many messages a chaos run delivers (fault-free: about 2,200): where change points are drawn. */
const RUN_MESSAGES = 2500;

/** The schedule part of a PCT plan: depth, window, change points (and the fair prefix), drawn from the seed. */
export function drawSchedule(strategy: 'pct' | 'fair-pct', seed: number): Schedule {
  const rng = new Prng((seed ^ 0x7c7) >>> 0);
  const depth = rng.int(1, 4);
  const window = [2, 10, 25, 50][rng.int(0, 3)];
  const points = new Set<number>();
  while (points.size < depth - 1) points.add(rng.int(1, RUN_MESSAGES));
  const changePoints = [...points].sort((a, b) => a - b);
  const base = { strategy, seed: rng.int(0, 2 ** 31), depth, window, changePoints };
  return strategy === 'fair-pct' ? { ...base, prefix: rng.int(RUN_MESSAGES / 5, RUN_MESSAGES) } : base;
}

/** Random chaos's plan for the seed, with a PCT schedule: the same faults, another message order. */
function pctPlan(strategy: 'pct' | 'fair-pct', seed: number, topology: Topology, latency?: LatencyOptions): ScenarioFile {
  const schedule = drawSchedule(strategy, seed);
  // A message may fire up to a window late: the liveness bound allows for it (the faults do not depend on the latency).
  const l = latencySchema.parse(latency ?? {});
  const plan = chaosPlan(seed, topology, { ...l, max: Math.min(MAX_LATENCY_MS, l.max + schedule.window) });
  const points = schedule.changePoints.length ? `change points after deliveries ${schedule.changePoints.join(', ')}` : 'no change point';
  const fair = schedule.prefix !== undefined ? `; priorities for the first ${schedule.prefix} deliveries, then by due time` : '';
  return {
    ...plan,
    description: `${plan.description}; ${strategy} order: depth ${schedule.depth}, window ${schedule.window} ms, ${points}${fair}`,
    schedule,
  };
}
