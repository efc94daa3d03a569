import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { Prng } from '../../actors/prng';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import { atomicStateNodes, enteredBy, statePath, transitionsOf } from '../../actors/state-nodes';
import { containerMachine } from '../../machines/container.machine';
import { ids } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import { queueMachine } from '../../machines/queue.machine';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { replicatorMachine } from '../../machines/replicator.machine';
import type { Topology } from '../../machines/topology';
import { activeActiveFaultKinds, type Fault, type FaultKind } from '../faults/fault-plan';
import type { ScenarioFileInput as ScenarioFile } from './format';
import { chaosFile, healingBound } from './generated';
import { faultNear, neighbours } from './swarm';

/**
 * Targeted: faults fired at the moments where protocols race. Each seed plays one to three
 * episodes. An episode picks a moment, an actor and one of its leaf states read from the
 * machines' own statecharts (a container, a queue, a regional table, a replicator), and starts a
 * fault on that actor or next to it the moment it is in that state (a fault while a peer is in a
 * particular state), sometimes with a second one next to it at that same moment. Often a chain
 * follows: more faults, each when the actor reaches a state one to three transitions on from the
 * last (through its restart, for a crash): faults in a particular order. Faults are mostly short
 * and a crash often leaves its messages in flight late (`stragglers`), so a restarted actor meets
 * its last life's messages after its new ones; the latency is drawn wide for the same reason. The
 * states come from the charts, not from a list of known bugs: a state added to a machine is a
 * moment the next plans draw.
 */

const pick = <T>(rng: Prng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

/** A watchable actor: its systemId, its machine, and the container whose neighbours a fault may hit. */
interface Watch {
  actor: string;
  machine: AnyStateMachine;
  /** the fault a component of this kind suffers itself */
  own: () => Omit<Fault, 'id' | 'trigger' | 'duration'>;
  near: string;
}

/** The actors of the topology an episode may watch, by kind: containers, queues, regional tables, replicators. */
function watchables(topology: Topology): Watch[][] {
  const regions = topology.regions.map((r) => r.region);
  const { stages } = topology;
  const names = queueNames(stages);
  const containers = regions.flatMap((region) =>
    stages.map((stage): Watch => {
      const actor = ids.container(stage, region);
      return { actor, machine: containerMachine, own: () => ({ kind: 'container-fail', target: actor }), near: actor };
    }),
  );
  const queues = regions.flatMap((region) =>
    names.map((name, i): Watch => {
      const actor = ids.queue(name, region);
      // a queue's reader, or its writer for the last queue (read by the out-DNS)
      const near = ids.container(stages[Math.min(i, stages.length - 1)], region);
      return { actor, machine: queueMachine, own: () => ({ kind: 'queue-fail', target: actor }), near };
    }),
  );
  const tables = regions.flatMap((region) =>
    stages.map((stage): Watch => ({
      actor: ids.regionalTable(stage, region),
      machine: regionalTableMachine,
      own: () => ({ kind: 'table-region-fail', target: ids.table(stage), region }),
      near: ids.container(stage, region),
    })),
  );
  const replicators = stages.map((stage): Watch => {
    const table = ids.table(stage);
    return {
      actor: ids.replicator(table),
      machine: replicatorMachine,
      own: () => ({ kind: 'replication-fail', target: table }),
      near: ids.container(stage, regions[0]),
    };
  });
  return [containers, queues, tables, replicators];
}

/** The leaf states (dotted paths) of the machine an actor of the topology runs, by its id; undefined for one no plan watches. */
export function watchableStates(actor: string, topology: Topology): string[] | undefined {
  const watch = watchables(topology).flat().find((w) => w.actor === actor);
  return watch && atomicStateNodes(watch.machine).map(statePath);
}

/** Containers are watched most: they hold the most states and the most requests in flight. */
const KIND_WEIGHTS = [0.6, 0.15, 0.1, 0.15];

function pickWatch(rng: Prng, kinds: Watch[][]): Watch {
  let r = rng.next();
  for (let k = 0; k < kinds.length; k++) {
    if (r < KIND_WEIGHTS[k] || k === kinds.length - 1) return pick(rng, kinds[k]);
    r -= KIND_WEIGHTS[k];
  }
  return pick(rng, kinds[0]);
}

/** The leaf states one transition on from `node`: by its own transitions or its ancestors' (a crash leaves any busy state). */
function nextStates(node: AnyStateNode): AnyStateNode[] {
  const out = new Set<AnyStateNode>();
  for (let n: AnyStateNode | undefined = node; n; n = n.parent)
    for (const { transition } of transitionsOf(n))
      for (const target of transition.target ?? []) for (const e of enteredBy(target)) if (e.type === 'atomic') out.add(e);
  return [...out];
}

/** The leaf states one to three transitions on from `node` (itself too, if a path leads back): where a second fault lands after the first. */
function statesAhead(node: AnyStateNode): AnyStateNode[] {
  const seen = new Set<AnyStateNode>();
  let frontier = [node];
  for (let step = 0; step < 3; step++) {
    frontier = frontier.flatMap(nextStates).filter((n) => !seen.has(n));
    for (const n of frontier) seen.add(n);
  }
  return [...seen];
}

/** Mostly a crash-restart within a message's flight, sometimes longer. */
function drawDuration(rng: Prng): number {
  const r = rng.next();
  return r < 0.55 ? rng.int(0, 4) : r < 0.85 ? rng.int(5, 60) : rng.int(60, 400);
}

/**
 * Wide latency, so a message of a last life can arrive after its successor's: a heavy tail, or one
 * neighbour of the watched actor slow (its queues, its table copy, itself): the answers it sends
 * then trail the rest of the run.
 */
function drawLatency(rng: Prng, slowCandidates: string[]): LatencyOptions {
  const r = rng.next();
  const max = pick(rng, [10, 20, 50]);
  if (r < 0.3) return latencySchema.parse({ model: 'uniform', min: rng.int(0, 1), max });
  if (r < 0.65) return latencySchema.parse({ model: 'heavy-tail', min: rng.int(0, 1), max });
  return latencySchema.parse({ model: 'skewed', min: 1, max: 10, slow: pick(rng, slowCandidates), factor: rng.int(3, 30) });
}

/** What a skewed latency may slow near a watched actor: the actor, its container, that container's queues and table copy. */
function slowCandidates(w: Watch, topology: Topology): string[] {
  const n = neighbours(w.near, topology);
  return [...new Set([w.actor, w.near, n.inQueue, n.outQueue, ids.regionalTable(n.stage, n.region)])];
}

interface Episode {
  watch: Watch;
  state: AnyStateNode;
  from: number;
  recordId?: number;
}

/** Draws one targeted seed's plan. A given latency replaces the drawn one (the draw is still made, so the faults stay the same). */
export function targetedPlan(seed: number, topology: Topology, latencyOverride?: LatencyOptions): ScenarioFile {
  const rng = new Prng((seed ^ 0x7a56e7) >>> 0);
  const kinds = watchables(topology);
  // The 30 records in 3 batches as F2 has them, or in more, smaller ones: every batch's end is a
  // moment a container waits on an empty queue with its receive just sent.
  const [batches, size] = pick(rng, [[3, 10], [3, 10], [6, 5], [10, 3], [15, 2]] as const);
  const records = batches * size;
  const sleeps = Array.from({ length: batches }, () => rng.int(1, 300));
  const publishing = sleeps.reduce((a, b) => a + b, 0);
  const episodes: Episode[] = Array.from({ length: rng.int(1, 3) }, () => {
    const watch = pickWatch(rng, kinds);
    const state = pick(rng, atomicStateNodes(watch.machine));
    // a record of its own sets the moment; else any time the batches may still be flowing
    const recordId = watch.machine === containerMachine && rng.next() < 0.3 ? rng.int(1, records) : undefined;
    const from = recordId === undefined ? rng.int(0, publishing + 300) : 0;
    return { watch, state, from, recordId };
  });
  const drawn = drawLatency(rng, slowCandidates(episodes[0].watch, topology));
  const latency = latencySchema.parse(latencyOverride ?? drawn);

  const faults: Fault[] = [];
  const add = (f: Omit<Fault, 'id'>) => faults.push({ id: `f${faults.length + 1}`, ...f });
  const faultWhen = (e: Episode, state: AnyStateNode, kind: FaultKind | 'own') => {
    const when = { actor: e.watch.actor, state: statePath(state), ...(e.recordId !== undefined ? { recordId: e.recordId } : {}) };
    const trigger: Fault['trigger'] = { when, from: e.from, until: e.from + 2000 };
    const f = kind === 'own' ? { ...e.watch.own(), trigger, duration: drawDuration(rng) } : faultNear(rng, topology, kind, e.watch.near, trigger, () => drawDuration(rng));
    // a crash often leaves its last life's messages in flight, to land after the restarted container's
    return f.kind === 'container-fail' && rng.next() < 0.6 ? { ...f, stragglers: rng.int(5, 80) } : f;
  };
  const drawKind = (): FaultKind | 'own' => (rng.next() < 0.5 ? 'own' : pick(rng, activeActiveFaultKinds));
  for (const e of episodes) {
    const kind = drawKind();
    add(faultWhen(e, e.state, kind));
    // sometimes a second fault at the same moment: the actor's own and one next to it
    if (rng.next() < 0.25) add(faultWhen(e, e.state, kind === 'own' ? pick(rng, activeActiveFaultKinds) : 'own'));
    // ... then, often, a chain along the chart: up to three more faults, each a few transitions
    // on from the last (through the restart, for a crash): the same fault or another
    let at = e.state;
    for (let more = 0; more < 3 && rng.next() < 0.6; more++) {
      const ahead = statesAhead(at);
      if (ahead.length === 0) break;
      at = pick(rng, ahead);
      add(faultWhen(e, at, rng.next() < 0.5 ? kind : drawKind()));
    }
  }

  const moments = episodes.map((e) => `${e.watch.actor} ${statePath(e.state)}${e.recordId !== undefined ? ` (record ${e.recordId})` : ''} after ${e.from} ms`);
  const lat = `${latency.model} ${latency.min}-${latency.max} ms${latency.model === 'skewed' ? ` (${latency.slow} x${latency.factor})` : ''}`;
  const plan = chaosFile({
    name: 'chaos',
    seed,
    description: `Targeted seed ${seed}: ${batches} batches of ${size}; latency ${lat}; ${faults.length} fault${faults.length === 1 ? '' : 's'} at ${moments.join('; ')}; then healing`,
    faults,
    sleeps,
    size,
    bound: healingBound(records, topology.stages.length, latency),
  });
  return { ...plan, latency };
}
