import { Prng } from '../../actors/prng';
import type { LatencyOptions } from '../../actors/latency';
import { NETWORK } from '../faults/control';
import type { Fault, FaultKind } from '../faults/fault-plan';
import { containerParts, ids, selectors } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import { drawRegion1Failures, healingBound, recoverRegion1Step, restartAndFinishStep } from './generated';
import type { Topology } from '../../machines/topology';
import type { ScenarioFileInput as ScenarioFile } from './format';

/**
 * The reference's active-passive F5: fail a seed-chosen number of seed-chosen
 * region 1 components (each stage's input queue, container and global
 * database, then the outbound queue: 16 for five stages), publish batch 2,
 * recover exactly those and the containers they left in failed dependency,
 * finish batch 2 if a failed inbound queue interrupted it, publish batch 3.
 */
export function activePassiveF5Plan(seed: number, topology: Topology): ScenarioFile {
  // Its own stream, so the draw differs from the active-active F5's for the same seed.
  const { candidates, count, failed } = drawRegion1Failures((seed ^ 0xa9f5) >>> 0, topology, 'active-passive-f5-fail-random', 'database');
  return {
    name: 'active-passive-f5-fail-random',
    design: 'active-passive',
    description: `Reference F5 (active-passive), seed ${seed}: fail ${count} of ${candidates.length} region 1 components, publish batch 2, recover them, batch 3`,
    records: { batches: 3, size: 10 },
    seed,
    steps: [
      { step: '0', name: 'Build the active-passive system: region 1 active', expect: [{ state: { target: selectors.table('*'), is: 'region1Active' } }] },
      {
        step: '1-3',
        name: 'Publish batch 1 and wait until all of it reaches the destination',
        publish: [1],
        waitFor: [{ destinationHolds: { batches: [1] } }],
        expect: [{ destinationCount: { batches: [1] } }],
      },
      { step: '4', name: `Fail ${count} region 1 component${count === 1 ? '' : 's'} chosen by the seed`, do: failed.map((c) => ({ target: c.id, verb: 'fail' })) },
      {
        step: '5',
        name: 'Publish batch 2 (a failed inbound queue interrupts it: the rest waits at the source); let the answers of the failed components land',
        publish: [2],
        allowInterrupted: true,
        // a container whose request a failed component is answering is in failed dependency only once the answer lands
        sleep: 100,
      },
      recoverRegion1Step('6', failed, (c) => ({ target: c.id, verb: 'recover' })),
      { step: '7', name: 'Publish batch 3', publish: [3] },
      {
        step: '8',
        name: 'Wait until all 30 records are everywhere, in order, with no replay; every database wrote batch 2 before batch 3',
        final: true,
        expect: topology.stages.map((stage) => ({
          order: { table: ids.regionalTable(stage, 1), first: { batches: [2] }, then: { batches: [3] } },
        })),
      },
    ],
  };
}

/** The fault kinds of active-passive chaos: component faults, whole-database and replication-only faults, region switches. */
export const activePassiveChaosKinds = ['container-fail', 'queue-fail', 'database-fail', 'database-replication-fail', 'region-switch', 'slow-region'] as const;

const busyStates = ['writingTable', 'publishing', 'removing'] as const;

/**
 * Seeded random faults over the active-passive system (as `chaos` does for
 * active-active): per seed a random subset of the kinds above, 1-6 faults,
 * each at a random virtual time or when a container is busy, for a random
 * duration; a region switch of a DNS or a database switches back when it
 * heals. Then healing: every fault healed, containers restarted, interrupted
 * publications finished; every record must then be everywhere, in order,
 * within the bound.
 */
export function activePassiveChaosPlan(seed: number, topology: Topology, latency: LatencyOptions = {}): ScenarioFile {
  const rng = new Prng((seed ^ 0x0ac7e5) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)];
  const regions = topology.regions.map((r) => r.region);
  const stages = topology.stages;
  const names = queueNames(stages);
  const batches = 3;
  const size = 10;
  const containers = regions.flatMap((r) => stages.map((s) => ids.container(s, r)));
  let kinds: string[] = activePassiveChaosKinds.filter(() => rng.next() < 0.5);
  if (kinds.length === 0) kinds = [pick(activePassiveChaosKinds)];
  const count = rng.int(1, 6);
  const horizon = 900;
  const trigger = (watch: string): Fault['trigger'] =>
    rng.next() < 0.5
      ? { at: rng.int(0, horizon) }
      : { when: { actor: watch, state: pick(busyStates), ...(rng.next() < 0.5 ? { recordId: rng.int(1, batches * size) } : {}) }, until: horizon * 2 };
  const duration = () => {
    const r = rng.next();
    return r < 0.3 ? rng.int(0, 5) : r < 0.8 ? rng.int(5, 200) : rng.int(200, 800);
  };
  const faults: Fault[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(kinds) as FaultKind;
    const id = `f${i + 1}`;
    const container = pick(containers);
    const { stage, region } = containerParts(container);
    if (kind === 'container-fail') faults.push({ id, kind, target: container, trigger: trigger(container), duration: duration() });
    else if (kind === 'queue-fail') {
      const at = stages.indexOf(stage) + (rng.next() < 0.5 ? 0 : 1);
      faults.push({ id, kind, target: ids.queue(names[at], region), trigger: trigger(container), duration: duration() });
    } else if (kind === 'region-switch') {
      const target = pick([ids.inDns, ids.outDns, ...stages.map(ids.table)]);
      faults.push({ id, kind, target, trigger: trigger(container), duration: duration() });
    } else if (kind === 'slow-region') faults.push({ id, kind, target: NETWORK, region, factor: rng.int(2, 20), trigger: trigger(container), duration: duration() });
    else faults.push({ id, kind, target: ids.table(stage), trigger: trigger(container), duration: duration() });
  }
  const bound = healingBound(batches * size, stages.length, latency);
  return {
    name: 'active-passive-chaos',
    design: 'active-passive',
    description: `Seeded random faults on the active-passive system, seed ${seed}: ${faults.length} fault${faults.length === 1 ? '' : 's'} of kinds ${[...new Set(faults.map((f) => f.kind))].join(', ')}; then healing`,
    records: { batches, size },
    seed,
    faults,
    restartFailedContainers: true,
    steps: [
      ...Array.from({ length: batches }, (_, b) => ({
        step: String(b + 1),
        name: `Publish batch ${b + 1} while faults land`,
        publish: [b + 1],
        allowInterrupted: true,
        sleep: rng.int(1, 300),
      })),
      { step: String(batches + 1), name: 'Healing: wait until every fault is healed (switched regions switched back)', waitFor: [{ faultsHealed: true as const }] },
      restartAndFinishStep(String(batches + 2), batches),
      {
        step: String(batches + 3),
        name: `Liveness after healing: every record everywhere, in order, the spec cold within ${bound} virtual ms`,
        final: true as const,
        within: bound,
      },
    ],
  };
}
