import type { z } from 'zod';
import { Prng } from '../../actors/prng';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import { NETWORK } from '../faults/control';
import { activeActiveFaultKinds, type Fault, type FaultKind } from '../faults/fault-plan';
import { containerParts, ids, regionLabel } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import type { Topology } from '../../machines/topology';
import type { ScenarioFileInput as ScenarioFile } from './format';
import { chaosFile, healingBound } from './generated';

/**
 * Swarm testing (Groce et al., ISSTA 2012): each seed enables a random
 * subset of the features and shapes its own distribution, instead of every
 * seed drawing from one fixed mix. Per seed: a latency model of those the
 * project has, a fault count, a few fault kinds, and a clustering: faults
 * spread over the system, piled on one component, on a component and its
 * peers, or a container crashed again and again in successive busy states.
 */

const pick = <T>(rng: Prng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

export const swarmClusters = ['spread', 'one-component', 'with-peers', 'repeated-crash'] as const;
type Cluster = (typeof swarmClusters)[number];

/** The container's busy states, in the order one record passes them (confirmingForward only after a restart in doubt). */
const busyStates = ['writingTable', 'publishing', 'confirmingForward', 'removing'] as const;

/** A latency model and its parameters, drawn. */
function drawLatency(rng: Prng, topology: Topology): Latency {
  const model = pick(rng, ['uniform', 'skewed', 'heavy-tail'] as const);
  const max = pick(rng, [5, 10, 10, 20, 50]);
  const min = rng.int(0, 2);
  if (model !== 'skewed') return latencySchema.parse({ model, min, max });
  const regions = topology.regions.map((r) => r.region);
  const container = ids.container(pick(rng, topology.stages), pick(rng, regions));
  const slow = rng.next() < 0.6 ? regionLabel(pick(rng, regions)) : container;
  return latencySchema.parse({ model, min, max, slow, factor: rng.int(2, 20) });
}
type Latency = z.infer<typeof latencySchema>;

/** Components a fault on (or next to) a container can hit: itself, its queues, its table, its peer in the other region. */
export function neighbours(container: string, topology: Topology): { container: string; inQueue: string; outQueue: string; table: string; stage: string; region: number; peer: string } {
  const { stage, region } = containerParts(container);
  const names = queueNames(topology.stages);
  const at = topology.stages.indexOf(stage);
  const regions = topology.regions.map((x) => x.region);
  const others = regions.filter((x) => x !== region);
  return {
    container,
    inQueue: ids.queue(names[at], region),
    outQueue: ids.queue(names[at + 1], region),
    table: ids.table(stage),
    stage,
    region,
    peer: ids.container(stage, others[0] ?? region),
  };
}

/**
 * A fault of `kind` on or next to `container`: the container, one of its queues, its stage's table,
 * its region's DNS or network. The target and factor are drawn before the duration (swarm's order).
 */
export function faultNear(rng: Prng, topology: Topology, kind: FaultKind, container: string, trigger: Fault['trigger'], duration: () => number): Omit<Fault, 'id'> {
  const n = neighbours(container, topology);
  switch (kind) {
    case 'container-fail':
      return { kind, target: container, trigger, duration: duration() };
    case 'queue-fail':
      return { kind, target: rng.next() < 0.5 ? n.inQueue : n.outQueue, trigger, duration: duration() };
    case 'table-region-fail':
      return { kind, target: n.table, region: n.region, trigger, duration: duration() };
    case 'dns-offline':
      return { kind, target: rng.next() < 0.5 ? ids.inDns : ids.outDns, region: n.region, trigger, duration: duration() };
    case 'slow-region':
      return { kind, target: NETWORK, region: n.region, factor: rng.int(2, 50), trigger, duration: duration() };
    case 'table-fail':
    case 'replication-fail':
      return { kind, target: n.table, trigger, duration: duration() };
    default:
      // the active-passive design's kinds have no place next to an active-active container
      throw new Error(`faultNear: '${kind}' is not an active-active fault kind`);
  }
}

/** Draws one swarm seed's plan. A given latency replaces the drawn one (the draw is still made, so the faults stay the same). */
export function swarmPlan(seed: number, topology: Topology, latencyOverride?: LatencyOptions): ScenarioFile {
  const rng = new Prng((seed ^ 0x5ca12a) >>> 0);
  const regions = topology.regions.map((r) => r.region);
  const containers = regions.flatMap((r) => topology.stages.map((s) => ids.container(s, r)));
  const drawn = drawLatency(rng, topology);
  const latency = latencyOverride !== undefined ? latencySchema.parse(latencyOverride) : drawn;

  const kindCount = rng.int(1, 3);
  const kinds = new Set<FaultKind>();
  while (kinds.size < kindCount) kinds.add(pick(rng, activeActiveFaultKinds));
  const cluster: Cluster = pick(rng, swarmClusters);
  if (cluster === 'repeated-crash') kinds.add('container-fail');
  const kindList = [...kinds];
  const count = rng.int(1, cluster === 'spread' ? 10 : 6);
  const horizon = pick(rng, [300, 600, 900, 1200]);
  const home = pick(rng, containers);
  const records = 30;

  const trigger = (watch: string): Fault['trigger'] =>
    rng.next() < 0.4
      ? { at: rng.int(0, horizon) }
      : { when: { actor: watch, state: pick(rng, busyStates), ...(rng.next() < 0.3 ? { recordId: rng.int(1, records) } : {}) }, until: horizon * 2 };
  const duration = () => (rng.next() < 0.5 ? rng.int(0, 5) : rng.int(5, 400));

  const faults: Fault[] = [];
  const add = (f: Omit<Fault, 'id'>) => faults.push({ id: `f${faults.length + 1}`, ...f });
  const faultAt = (kind: FaultKind, container: string) => add(faultNear(rng, topology, kind, container, trigger(container), duration));

  if (cluster === 'repeated-crash') {
    // The same container crashed in successive busy states, each crash short: a restart meets the answers of the last life.
    // Each crash watches the state after the last one's (or the one after that), so they land one after another.
    let from = rng.int(0, horizon);
    let at = rng.int(0, busyStates.length - 1);
    for (let i = 0; i < Math.min(count + 1, 5); i++) {
      const state = busyStates[at % busyStates.length];
      add({ kind: 'container-fail', target: home, trigger: { when: { actor: home, state }, from, until: horizon * 3 }, duration: rng.int(0, 4) });
      at += rng.int(1, 2);
      from += rng.int(0, 20);
    }
    // ... sometimes with one of the other kinds drawn next to it
    for (const kind of kindList) if (kind !== 'container-fail' && rng.next() < 0.5) faultAt(kind, home);
  } else {
    for (let i = 0; i < count; i++) {
      const kind = pick(rng, kindList);
      const n = neighbours(home, topology);
      const at = cluster === 'spread' ? pick(rng, containers) : cluster === 'one-component' ? home : pick(rng, [home, n.peer]);
      faultAt(kind, at);
    }
  }

  const batches = 3;
  const sleeps = Array.from({ length: batches }, () => rng.int(1, 300));
  const lat = `${latency.model} ${latency.min}-${latency.max} ms${latency.model === 'skewed' ? ` (${latency.slow} x${latency.factor})` : ''}`;
  const plan = chaosFile({
    name: 'chaos',
    seed,
    description:
      `Swarm seed ${seed}: latency ${lat}; kinds ${kindList.join(', ')}; ${cluster}${cluster === 'spread' ? '' : ` on ${home}`}; ` +
      `${faults.length} fault${faults.length === 1 ? '' : 's'} within ${horizon} ms; then healing`,
    faults,
    sleeps,
    bound: healingBound(batches * 10, topology.stages.length, latency),
  });
  return { ...plan, latency };
}
