import { Prng } from '../../actors/prng';
import { InputError } from '../../machines/support';
import { ids, queueNames } from '../layout';
import type { Topology } from '../topology';
import type { ScenarioFileInput as ScenarioFile } from './format';

/**
 * The reference's active-passive F5: fail a seed-chosen number of seed-chosen
 * region 1 components (each stage's input queue, container and global
 * database, then the outbound queue: 16 for five stages), publish batch 2,
 * recover exactly those and the containers they left in failed dependency,
 * finish batch 2 if a failed inbound queue interrupted it, publish batch 3.
 */
export function activePassiveF5Plan(seed: number, topology: Topology): ScenarioFile {
  const regions = topology.regions.map((r) => r.region);
  if (!regions.includes(1))
    throw new InputError('scenario active-passive-f5-fail-random', [`topology: it fails components of region 1; the topology's regions are ${regions.join(', ')}`]);
  const names = queueNames(topology.stages);
  const candidates: { kind: 'queue' | 'container' | 'database'; id: string }[] = [
    ...topology.stages.flatMap((stage, i) => [
      { kind: 'queue' as const, id: ids.queue(names[i], 1) },
      { kind: 'container' as const, id: ids.container(stage, 1) },
      { kind: 'database' as const, id: ids.table(stage) },
    ]),
    { kind: 'queue', id: ids.queue(names[names.length - 1], 1) },
  ];
  // Its own stream, so the draw differs from the active-active F5's for the same seed.
  const rng = new Prng((seed ^ 0xa9f5) >>> 0);
  const count = rng.int(1, candidates.length);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(0, candidates.length - 1));
  const failed = [...chosen].sort((a, b) => a - b).map((i) => candidates[i]);
  return {
    name: 'active-passive-f5-fail-random',
    design: 'active-passive',
    description: `Reference F5 (active-passive), seed ${seed}: fail ${count} of ${candidates.length} region 1 components, publish batch 2, recover them, batch 3`,
    records: { batches: 3, size: 10 },
    seed,
    steps: [
      { step: '0', name: 'Build the active-passive system: region 1 active', expect: [{ state: { target: 'table:*', is: 'region1Active' } }] },
      {
        step: '1-3',
        name: 'Publish batch 1 and wait until all of it reaches the destination',
        publish: [1],
        waitFor: [{ destinationHolds: { batches: [1] } }],
        expect: [{ destinationCount: { batches: [1] } }],
      },
      { step: '4', name: `Fail ${count} region 1 component${count === 1 ? '' : 's'} chosen by the seed`, do: failed.map((c) => ({ target: c.id, verb: 'fail' })) },
      { step: '5', name: 'Publish batch 2 (a failed inbound queue interrupts it: the rest waits at the source)', publish: [2], allowInterrupted: true },
      {
        step: '6',
        name: 'Recover the failed components, then the region 1 containers they left in failed dependency; finish batch 2',
        do: [
          ...failed.filter((c) => c.kind !== 'container').map((c) => ({ target: c.id, verb: 'recover' })),
          ...failed.filter((c) => c.kind === 'container').map((c) => ({ target: c.id, verb: 'recover' })),
          { target: 'container:*:r1', verb: 'recover', onlyIf: { state: 'failedDependency' } },
        ],
        publish: [2],
        expect: [{ state: { target: 'container:*:r1', is: 'processRecords' } }],
      },
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
