import { Prng } from '../../actors/prng';
import type { LatencyOptions } from '../../actors/latency';
import { NETWORK } from '../faults/control';
import type { Fault, FaultKind } from '../faults/fault-plan';
import { containerParts, ids } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import { defaultTopologyFor, type Design, type Topology } from '../../machines/topology';
import { chaosFile, healingBound } from './generated';
import type { ScenarioFileInput as ScenarioFile } from './format';

/**
 * One fault plan per seed for `tps compare`, drawn over what both designs
 * have, and its translation to each design: the same components failed at
 * the same times, so the two columns of the comparison differ by design only.
 */

/** What a shared fault hits, and the fault kind that does it in each design. */
export const sharedFaultKinds = {
  container: { 'active-active': 'container-fail', 'active-passive': 'container-fail' },
  queue: { 'active-active': 'queue-fail', 'active-passive': 'queue-fail' },
  // the stage's whole store: a global table, or a global database
  store: { 'active-active': 'table-fail', 'active-passive': 'database-fail' },
  // replication only
  replication: { 'active-active': 'replication-fail', 'active-passive': 'database-replication-fail' },
  // a DNS loses a region: taken offline, or switched away from (active-passive routes to one region only)
  'dns-region': { 'active-active': 'dns-offline', 'active-passive': 'region-switch' },
  'slow-region': { 'active-active': 'slow-region', 'active-passive': 'slow-region' },
} as const satisfies Record<string, Record<Design, FaultKind>>;
export type SharedFaultKind = keyof typeof sharedFaultKinds;
export const sharedFaultKindNames = Object.keys(sharedFaultKinds) as SharedFaultKind[];

/** A fault in neither design's terms: what it hits, where, when, for how long. */
export interface SharedFault {
  id: string;
  kind: SharedFaultKind;
  /** systemId: a container, a queue, a stage's store ("table:core"), "dns:in"/"dns:out", or "network" */
  target: string;
  /** dns-region and slow-region: the region */
  region?: number;
  /** slow-region: how many times slower */
  factor?: number;
  trigger: Fault['trigger'];
  duration: number;
}

/** A seed's plan: the faults, and the pauses after each batch. */
export interface ComparePlan {
  seed: number;
  faults: SharedFault[];
  sleeps: number[];
}

/**
 * A shared fault as the design's fault, or undefined when it has no effect
 * there: active-passive routes nothing to its passive region, so that region
 * going offline in a DNS is no fault; its active one going offline is a
 * switch to the other region, and back when it heals.
 */
export function translateFault(f: SharedFault, design: Design, topology: Topology = defaultTopologyFor(design)): Fault | undefined {
  const kind: FaultKind = sharedFaultKinds[f.kind][design];
  const base = { id: f.id, kind, target: f.target, trigger: f.trigger, duration: f.duration };
  switch (kind) {
    case 'dns-offline':
      return { ...base, region: f.region };
    case 'region-switch':
      return f.region === topology.regions[0].region ? base : undefined;
    case 'slow-region':
      return { ...base, region: f.region, factor: f.factor };
    default:
      return base;
  }
}

/**
 * The seed's plan, drawn as chaos draws its own (a random subset of the
 * shared kinds, 1-6 faults at random virtual times for random durations)
 * over the components of a two-region, five-stage system, which both
 * designs' built-in topologies are.
 */
export function comparePlan(seed: number, topology: Pick<Topology, 'regions' | 'stages'> = defaultTopologyFor('active-active')): ComparePlan {
  const rng = new Prng((seed ^ 0xc0a1b2) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)];
  const regions = topology.regions.map((r) => r.region);
  const stages = topology.stages;
  const names = queueNames(stages);
  const containers = regions.flatMap((r) => stages.map((s) => ids.container(s, r)));
  let kinds = sharedFaultKindNames.filter(() => rng.next() < 0.5);
  if (kinds.length === 0) kinds = [pick(sharedFaultKindNames)];
  const count = rng.int(1, 6);
  const horizon = 900;
  // At a virtual time, never "when a container is busy": a region-2 container of the active-passive
  // design is idle, so such a trigger would fire in one design only, or at another time.
  const trigger = (): Fault['trigger'] => ({ at: rng.int(0, horizon) });
  const duration = () => {
    const r = rng.next();
    return r < 0.3 ? rng.int(0, 5) : r < 0.8 ? rng.int(5, 200) : rng.int(200, 800);
  };
  const faults: SharedFault[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(kinds);
    const id = `f${i + 1}`;
    const container = pick(containers);
    const { stage, region } = containerParts(container);
    const at = { trigger: trigger(), duration: duration() };
    if (kind === 'container') faults.push({ id, kind, target: container, ...at });
    else if (kind === 'queue') faults.push({ id, kind, target: ids.queue(names[stages.indexOf(stage) + (rng.next() < 0.5 ? 0 : 1)], region), ...at });
    else if (kind === 'store' || kind === 'replication') faults.push({ id, kind, target: ids.table(stage), ...at });
    else if (kind === 'dns-region') faults.push({ id, kind, target: rng.next() < 0.5 ? ids.inDns : ids.outDns, region, ...at });
    else faults.push({ id, kind, target: NETWORK, region, factor: rng.int(2, 20), ...at });
  }
  return { seed, faults, sleeps: [rng.int(1, 300), rng.int(1, 300), rng.int(1, 300)] };
}

/** The plan as a scenario file of the design: its faults translated, three batches of ten, then healing (as chaos). */
export function comparePlanFile(plan: ComparePlan, design: Design, latency: LatencyOptions = {}): ScenarioFile {
  const topology = defaultTopologyFor(design);
  const faults = plan.faults.map((f) => translateFault(f, design, topology)).filter((f): f is Fault => f !== undefined);
  const file = chaosFile({
    name: 'compare',
    seed: plan.seed,
    description: `Compared designs, seed ${plan.seed}: ${faults.length} fault${faults.length === 1 ? '' : 's'} on the ${design} design${faults.length ? ` (${[...new Set(faults.map((f) => f.kind))].join(', ')})` : ''}; then healing`,
    faults,
    sleeps: plan.sleeps,
    bound: healingBound(30, topology.stages.length, latency),
  });
  // every fault had no effect on this design: there is nothing to wait to heal
  const steps = faults.length ? file.steps : file.steps.filter((s) => !s.waitFor?.some((w) => 'faultsHealed' in w));
  return { ...file, steps, ...(design === 'active-passive' ? { design } : {}) };
}
