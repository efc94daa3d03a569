import { Prng } from '../../actors/prng';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import { InputError } from '../../machines/support';
import { NETWORK } from '../faults/control';
import { activeActiveFaultKinds, type Fault, type FaultKind } from '../faults/fault-plan';
import { containerParts, ids, selectors } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import type { Topology } from '../../machines/topology';
import type { CommandSpec, ScenarioFileInput as ScenarioFile, StepSpecInput as StepSpec } from './format';

/** Scenarios whose plan is drawn from the seed; each draw is a scenario file. */

const setup: StepSpec = {
  step: '1-4',
  name: 'Build and wire every component; make the record set; give it to the source and the spec',
  expect: [{ state: { target: 'source', is: 'idle' } }, { state: { target: 'spec', is: 'hot' } }],
};

const pick = <T>(rng: Prng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

/**
 * The reference's F5: fail a seed-chosen number of seed-chosen region 1
 * components (queues, containers, the region 1 replica of tables), publish
 * batch 2, recover exactly those (and the containers they left in failed
 * dependency, as the reference recovers every container), finish batch 2 if
 * its publication was interrupted, publish batch 3.
 */
/**
 * The reference F5's draw: of region 1's components (each stage's input queue, container and
 * store, then the last queue), a seed-chosen number, seed-chosen, in candidate order.
 */
export function drawRegion1Failures<K extends string>(rngSeed: number, topology: Topology, scenario: string, store: K) {
  const regions = topology.regions.map((r) => r.region);
  if (!regions.includes(1))
    throw new InputError(`scenario ${scenario}`, [`topology: it fails components of region 1; the topology's regions are ${regions.join(', ')}`]);
  const names = queueNames(topology.stages);
  const candidates: { kind: 'queue' | 'container' | K; id: string }[] = [
    ...topology.stages.flatMap((stage, i) => [
      { kind: 'queue' as const, id: ids.queue(names[i], 1) },
      { kind: 'container' as const, id: ids.container(stage, 1) },
      { kind: store, id: ids.table(stage) },
    ]),
    { kind: 'queue', id: ids.queue(names[names.length - 1], 1) },
  ];
  const rng = new Prng(rngSeed);
  const count = rng.int(1, candidates.length);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(0, candidates.length - 1));
  const failed = [...chosen].sort((a, b) => a - b).map((i) => candidates[i]);
  return { candidates, count, failed };
}

/** F5's recovery step: the failed components (containers last), then the region 1 containers they left in failed dependency; batch 2 finished. */
export function recoverRegion1Step<C extends { kind: string; id: string }>(step: string, failed: readonly C[], recover: (c: C) => CommandSpec): StepSpec {
  return {
    step,
    name: 'Recover the failed components, then the region 1 containers they left in failed dependency; finish batch 2',
    do: [
      ...failed.filter((c) => c.kind !== 'container').map(recover),
      ...failed.filter((c) => c.kind === 'container').map(recover),
      { target: selectors.container('*', 1), verb: 'recover', onlyIf: { state: 'failedDependency' } },
    ],
    publish: [2],
    expect: [{ state: { target: selectors.container('*', 1), is: 'processRecords' } }],
  };
}

/** After healing: restart every container left failed and finish any publication a fault interrupted. */
export function restartAndFinishStep(step: string, batches: number): StepSpec {
  return {
    step,
    name: 'Restart every container left failed; finish any interrupted publication',
    do: [
      { target: selectors.container('*', '*'), verb: 'recover', onlyIf: { state: 'failedDependency' } },
      { target: selectors.container('*', '*'), verb: 'recover', onlyIf: { state: 'failedProcessing' } },
    ],
    publish: Array.from({ length: batches }, (_, b) => b + 1),
  };
}

export function f5FailRandomPlan(seed: number, topology: Topology): ScenarioFile {
  // The reference's 16 candidates for five stages.
  const { candidates, count, failed } = drawRegion1Failures((seed ^ 0x5f5a11) >>> 0, topology, 'f5-fail-random', 'table');
  const command = (c: (typeof failed)[number], verb: 'fail' | 'recover') =>
    c.kind === 'table' ? { target: c.id, verb, args: { region: 1 } } : { target: c.id, verb };
  const order = (table: string) => ({
    order: { table, first: { batches: [2], regions: ['same' as const] }, then: { batches: [3], regions: ['same' as const] } },
  });
  return {
    name: 'f5-fail-random',
    description: `Reference F5, seed ${seed}: fail ${count} of ${candidates.length} region 1 components, publish batch 2, recover them, batch 3`,
    records: { batches: 3, size: 10 },
    seed,
    steps: [
      setup,
      {
        step: '5',
        name: 'Publish batch 1 and wait until all of it reaches the destination',
        publish: [1],
        waitFor: [{ destinationHolds: { batches: [1] } }],
        expect: [{ destinationCount: { batches: [1] } }],
      },
      {
        step: '6',
        name: `Fail ${count} region 1 component${count === 1 ? '' : 's'} chosen by the seed`,
        do: failed.map((c) => command(c, 'fail')),
      },
      {
        step: '7',
        name: 'Publish batch 2 (a failed inbound queue interrupts it: the rest waits at the source)',
        publish: [2],
        allowInterrupted: true,
      },
      recoverRegion1Step('8', failed, (c) => command(c, 'recover')),
      { step: '9', name: 'Publish batch 3', publish: [3] },
      {
        step: '10',
        name: 'Wait until every record is at the destination and the spec is cold; region 1 processed batch 2 before batch 3 everywhere, with no replay',
        final: true,
        expect: topology.stages.map((stage) => order(ids.regionalTable(stage, 1))),
      },
    ],
  };
}

/** How long healing may take: every record through every stage, one message at a time, at the slowest latency. */
export function healingBound(records: number, stages: number, latency: LatencyOptions): number {
  const l = latencySchema.parse(latency);
  const slowest = l.max * (l.model === 'skewed' ? l.factor : 1) * (l.model === 'heavy-tail' ? 10 : 1);
  return Math.max(2000, Math.ceil(records * (stages + 1) * 8 * slowest));
}

const containerStates = ['writingTable', 'publishing', 'removing', 'confirmingForward', 'awaitingRecord'] as const;

/**
 * A seeded random fault plan (swarm testing, after FoundationDB's
 * simulation and TigerBeetle's VOPR): per seed a random subset of fault
 * kinds, a random number of faults, each at a random virtual time or when a
 * container reaches a busy state with a record, for a random duration,
 * while the batches are published. Then the healing phase: every fault
 * healed, no new ones, containers restarted, interrupted publications
 * finished; every record must then arrive, within a printed bound.
 */
export function chaosPlan(seed: number, topology: Topology, latency: LatencyOptions = {}): ScenarioFile {
  // Every draw comes from this one generator, in a fixed order: a changed order changes every
  // seed's plan (the trace digests and saved plans with it).
  const rng = new Prng((seed ^ 0xc4a05ed) >>> 0);
  const regions = topology.regions.map((r) => r.region);
  const stages = topology.stages;
  const batches = 3;
  const size = 10;
  const records = batches * size;
  const containers = regions.flatMap((r) => stages.map((s) => ids.container(s, r)));

  let kinds = activeActiveFaultKinds.filter(() => rng.next() < 0.5);
  if (kinds.length === 0) kinds = [pick(rng, activeActiveFaultKinds)];
  const count = rng.int(1, 6);
  const d: ChaosDraw = { rng, stages, names: queueNames(stages), records, faults: [] };
  for (let i = 0; i < count; i++) {
    const kind: FaultKind = pick(rng, kinds);
    drawFault(d, kind, pick(rng, containers));
  }
  const faults = d.faults;

  const sleeps = Array.from({ length: batches }, () => rng.int(1, 300));
  return chaosFile({
    name: 'chaos',
    seed,
    description: `Seeded random faults, seed ${seed}: ${faults.length} fault${faults.length === 1 ? '' : 's'} of kinds ${[...new Set(faults.map((f) => f.kind))].join(', ')}; then healing`,
    faults,
    sleeps,
    bound: healingBound(records, stages.length, latency),
  });
}

/** Virtual ms within which the chaos faults land (a state-triggered one may wait twice as long). */
const CHAOS_HORIZON = 900;

/** What chaosPlan's fault draws share: the generator, the layout, and the faults drawn so far. */
interface ChaosDraw {
  rng: Prng;
  stages: string[];
  names: string[];
  records: number;
  faults: Fault[];
}

/** At a random time, or when the watched container reaches a busy state (with a given record, or any). */
function drawTrigger(d: ChaosDraw, watch: string): Fault['trigger'] {
  const { rng } = d;
  return rng.next() < 0.5
    ? { at: rng.int(0, CHAOS_HORIZON) }
    : {
        when: {
          actor: watch,
          state: pick(rng, containerStates.slice(0, 3)),
          ...(rng.next() < 0.5 ? { recordId: rng.int(1, d.records) } : {}),
        },
        until: CHAOS_HORIZON * 2,
      };
}

/** Mostly short or medium faults, sometimes long ones. */
function drawDuration(rng: Prng): number {
  const r = rng.next();
  return r < 0.3 ? rng.int(0, 5) : r < 0.8 ? rng.int(5, 200) : rng.int(200, 800);
}

/** One fault of `kind` near `container` (its queues, its table, its region); its fields are drawn in the order written. */
function drawFault(d: ChaosDraw, kind: FaultKind, container: string): void {
  const { rng, faults, stages, names } = d;
  const id = `f${faults.length + 1}`;
  const { stage, region } = containerParts(container);
  switch (kind) {
    case 'container-fail':
      drawContainerFail(d, id, container, stage, region);
      break;
    case 'queue-fail': {
      // the container's input or output queue
      const at = stages.indexOf(stage) + (rng.next() < 0.5 ? 0 : 1);
      faults.push({ id, kind, target: ids.queue(names[at], region), trigger: drawTrigger(d, container), duration: drawDuration(rng) });
      break;
    }
    case 'table-region-fail':
      faults.push({ id, kind, target: ids.table(stage), region, trigger: drawTrigger(d, container), duration: drawDuration(rng) });
      break;
    case 'table-fail':
    case 'replication-fail':
      faults.push({ id, kind, target: ids.table(stage), trigger: drawTrigger(d, container), duration: drawDuration(rng) });
      break;
    case 'dns-offline': {
      const inbound = rng.next() < 0.5;
      const watch = ids.container(inbound ? stages[0] : stages[stages.length - 1], region);
      faults.push({ id, kind, target: inbound ? ids.inDns : ids.outDns, region, trigger: drawTrigger(d, watch), duration: drawDuration(rng) });
      break;
    }
    case 'slow-region':
      faults.push({ id, kind, target: NETWORK, region, factor: rng.int(2, 20), trigger: drawTrigger(d, container), duration: drawDuration(rng) });
      break;
  }
}

/**
 * A container crash. Often a quick crash-restart while a request of the container is in flight
 * (its answer then meets a restarted container, or a redelivered record an already-sent copy); a
 * send left in doubt is crashed again while the container confirms it.
 */
function drawContainerFail(d: ChaosDraw, id: string, container: string, stage: string, region: number): void {
  const { rng, faults } = d;
  const kind = 'container-fail';
  const bounce = rng.next() < 0.4;
  const r = rng.next();
  const busy = r < 0.55 ? 'publishing' : r < 0.85 ? 'removing' : 'writingTable';
  const t: Fault['trigger'] = bounce ? { when: { actor: container, state: busy }, until: CHAOS_HORIZON * 2 } : drawTrigger(d, container);
  faults.push({ id, kind, target: container, trigger: t, duration: bounce ? rng.int(0, 3) : drawDuration(rng) });
  if (bounce && busy === 'publishing' && rng.next() < 0.8)
    faults.push({
      id: `f${faults.length + 1}`,
      kind,
      target: container,
      trigger: { when: { actor: container, state: 'confirmingForward' }, until: CHAOS_HORIZON * 2 },
      duration: rng.int(0, 20),
    });
  // ... and sometimes its output queue fails at the same moment: the send in doubt is then refused.
  if (bounce && busy === 'publishing' && rng.next() < 0.3)
    faults.push({
      id: `f${faults.length + 1}`,
      kind: 'queue-fail',
      target: ids.queue(d.names[d.stages.indexOf(stage) + 1], region),
      trigger: t,
      duration: rng.int(5, 30),
    });
}

/**
 * A chaos scenario file from drawn faults: batches published while the faults
 * land (`sleeps[b]` ms after batch b), then healing, restarts and liveness
 * within `bound` virtual ms. Every exploration strategy's plan has this shape.
 */
export function chaosFile(d: { name: string; seed: number; description: string; faults: Fault[]; sleeps: number[]; bound: number; batches?: number; size?: number }): ScenarioFile {
  const batches = d.sleeps.length;
  const publishSteps: StepSpec[] = d.sleeps.map((sleep, b) => ({
    step: String(b + 1),
    name: `Publish batch ${b + 1} while faults land`,
    publish: [b + 1],
    allowInterrupted: true,
    sleep,
  }));
  return {
    name: d.name,
    description: d.description,
    records: { batches, size: d.size ?? 10 },
    seed: d.seed,
    faults: d.faults,
    restartFailedContainers: true,
    steps: [
      ...publishSteps,
      { step: String(batches + 1), name: 'Healing: wait until every fault is healed (no new fault starts)', waitFor: [{ faultsHealed: true }] },
      restartAndFinishStep(String(batches + 2), batches),
      {
        step: String(batches + 3),
        name: `Liveness after healing: every record at the destination and the spec cold within ${d.bound} virtual ms`,
        final: true,
        within: d.bound,
      },
    ],
  };
}
