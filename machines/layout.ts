import type { AnyStateMachine } from 'xstate';
import { containerMachine } from './container.machine';
import { failoverDnsMachine } from './failover-dns.machine';
import { globalDatabaseMachine } from './global-database.machine';
import { globalTableMachine } from './global-table.machine';
import { ids, isKind, parseComponentId, regionOfId } from './ids';
import { queueMachine } from './queue.machine';
import { recordDestinationMachine } from './record-destination.machine';
import { recordSourceMachine } from './record-source.machine';
import { weightedDnsMachine } from './weighted-dns.machine';
import type { TpsRecord } from './protocol';
import type { Topology } from './topology';

/** What a component is; control verbs are addressed as `${kind}.${verb}`. */
export type ComponentKind = 'queue' | 'container' | 'table' | 'dns' | 'source' | 'destination' | 'database' | 'failoverDns';

/** Replacement logic per component kind, as `runScenario` and `simulate` take it. */
export type MachineOverrides = Partial<Record<ComponentKind, AnyStateMachine>>;

export interface ComponentSpec {
  systemId: string;
  kind: ComponentKind;
  logic: AnyStateMachine;
  input: unknown;
}

/** A queue of one region: position k feeds stage k (k = stages.length feeds the destination). */
export interface QueueSlot {
  id: string;
  name: string;
  position: number;
  region: number;
}

/** Queue names as in the reference: inbound, inbound-preprocess, ..., outbound. */
export function queueNames(stages: readonly string[]): string[] {
  const first = stages[0];
  const last = stages[stages.length - 1];
  const between = stages.slice(1).map((s, i) => `${stages[i]}-${s}`);
  return [first, ...between, stages.length === 1 ? `${last}-out` : last];
}

/**
 * The component a fault on `target` meets next to it, its peer: a container's
 * same-stage container in the next other region; a queue's reader (the last
 * queue's writer, its reader being the out-DNS); a table's or database's stage
 * container in `region` (default the first); a DNS's first (in) or last (out)
 * stage container in `region`. None for anything else (the network).
 */
export function peerOf(where: { stages: readonly string[]; regions: readonly number[] }, target: string, region?: number): string | undefined {
  const { stages, regions } = where;
  const inRegion = region ?? regionOfId(target) ?? regions[0];
  if (isKind(target, 'dns')) return ids.container(target === ids.outDns ? stages[stages.length - 1] : stages[0], inRegion);
  const parts = parseComponentId(target);
  if (parts === undefined) return undefined;
  if (parts.kind === 'table') return ids.container(parts.name, inRegion);
  if (parts.kind === 'queue') {
    const reader = queueNames(stages).indexOf(parts.name);
    return reader < 0 ? undefined : ids.container(stages[Math.min(reader, stages.length - 1)], inRegion);
  }
  const next = regions[(regions.indexOf(inRegion) + 1) % regions.length];
  return next === inRegion ? undefined : ids.container(parts.name, next);
}

export interface Layout {
  topology: Topology;
  regions: number[];
  stages: string[];
  queues: QueueSlot[];
  components: ComponentSpec[];
}

/** Every component of a topology, with its systemId and wiring. */
/** Every region's container of every stage, reading the stage's queue and feeding the next (both designs). */
function stageContainers(stages: readonly string[], regions: readonly number[], queueId: (position: number, region: number) => string): ComponentSpec[] {
  return regions.flatMap((region) =>
    stages.map((stage, position) => ({
      systemId: ids.container(stage, region),
      kind: 'container' as const,
      logic: containerMachine,
      input: {
        id: ids.container(stage, region),
        stage,
        region,
        inputQueue: queueId(position, region),
        table: ids.table(stage),
        outputQueue: queueId(position + 1, region),
      },
    })),
  );
}

/** Every region's queues in pipeline order, and the id of the queue at a position in a region. */
function queueSlots(stages: readonly string[], regions: readonly number[]) {
  const names = queueNames(stages);
  const queues: QueueSlot[] = regions.flatMap((region) =>
    names.map((name, position) => ({ id: ids.queue(name, region), name, position, region })),
  );
  const queueId = (position: number, region: number) => ids.queue(names[position], region);
  return { queues, queueId };
}

export function layoutOf(topology: Topology, batches: TpsRecord[][]): Layout {
  if (topology.design === 'active-passive') return activePassiveLayoutOf(topology, batches);
  const regions = topology.regions.map((r) => r.region);
  const stages = topology.stages;
  const { queues, queueId } = queueSlots(stages, regions);
  const components: ComponentSpec[] = [
    ...queues.map((q) => ({
      systemId: q.id,
      kind: 'queue' as const,
      logic: queueMachine,
      input: { id: q.id, region: q.region },
    })),
    ...stages.map((stage) => ({
      systemId: ids.table(stage),
      kind: 'table' as const,
      logic: globalTableMachine,
      input: { id: ids.table(stage), stage, regions },
    })),
    ...stageContainers(stages, regions, queueId),
    {
      systemId: ids.inDns,
      kind: 'dns',
      logic: weightedDnsMachine,
      input: {
        id: ids.inDns,
        targets: topology.regions.map((r) => ({ region: r.region, queue: queueId(0, r.region), weight: r.weight })),
      },
    },
    {
      systemId: ids.outDns,
      kind: 'dns',
      logic: weightedDnsMachine,
      input: { id: ids.outDns, targets: regions.map((region) => ({ region, queue: queueId(stages.length, region) })) },
    },
    { systemId: ids.source, kind: 'source', logic: recordSourceMachine, input: { id: ids.source, dns: ids.inDns, batches } },
    { systemId: ids.destination, kind: 'destination', logic: recordDestinationMachine, input: { id: ids.destination, dns: ids.outDns } },
  ];
  return { topology, regions, stages, queues, components };
}

/**
 * The active-passive system of a topology: the same queues and containers in
 * both regions, a global database per stage (writes go to the active region),
 * and failover DNSs in and out (to the active region only). The first region
 * is the active one at the start.
 */
export function activePassiveLayoutOf(topology: Topology, batches: TpsRecord[][]): Layout {
  const regions = topology.regions.map((r) => r.region);
  const stages = topology.stages;
  const { queues, queueId } = queueSlots(stages, regions);
  const dns = (id: string, position: number): ComponentSpec => ({
    systemId: id,
    kind: 'failoverDns',
    logic: failoverDnsMachine,
    input: { id, targets: regions.map((region) => ({ region, queue: queueId(position, region) })) },
  });
  const components: ComponentSpec[] = [
    ...queues.map((q) => ({ systemId: q.id, kind: 'queue' as const, logic: queueMachine, input: { id: q.id, region: q.region } })),
    ...stages.map((stage) => ({
      systemId: ids.table(stage),
      kind: 'database' as const,
      logic: globalDatabaseMachine,
      input: { id: ids.table(stage), stage, regions },
    })),
    ...stageContainers(stages, regions, queueId),
    dns(ids.inDns, 0),
    dns(ids.outDns, stages.length),
    { systemId: ids.source, kind: 'source', logic: recordSourceMachine, input: { id: ids.source, dns: ids.inDns, batches } },
    { systemId: ids.destination, kind: 'destination', logic: recordDestinationMachine, input: { id: ids.destination, dns: ids.outDns } },
  ];
  return { topology, regions, stages, queues, components };
}
