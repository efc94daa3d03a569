/**
 * `active-active-tps/machines`: the component machines and what they need to
 * run anywhere (protocol types, input schemas, systemIds, virtual clock and
 * scheduler, seeded PRNG, latency models). Browser-safe: nothing reachable
 * from here imports a Node builtin (test/package/browser-entry.test.ts).
 */
export * from './machines/protocol';
export { InputError, LATENCY, keepActor, keptActor, type KeptActor } from './machines/support';
export { MisuseError } from './machines/event-checks';
export { update, updater, withInPlaceUpdates } from './machines/context-update';
export { queueMachine, queueInputSchema, type QueueInput, type QueueContext } from './machines/queue.machine';
export {
  regionalTableMachine,
  regionalTableInputSchema,
  type RegionalTableInput,
  type RegionalTableContext,
} from './machines/regional-table.machine';
export {
  replicatorMachine,
  replicatorInputSchema,
  replicationLag,
  type ReplicatorInput,
  type ReplicatorContext,
} from './machines/replicator.machine';
export {
  globalTableMachine,
  globalTableInputSchema,
  regionalTableId,
  replicatorId,
  type GlobalTableInput,
} from './machines/global-table.machine';
export { containerMachine, containerInputSchema, type ContainerInput, type ContainerContext } from './machines/container.machine';
export { weightedDnsMachine, weightedDnsInputSchema, pickTarget, type WeightedDnsInput } from './machines/weighted-dns.machine';
export { recordSourceMachine, recordSourceInputSchema, type RecordSourceInput } from './machines/record-source.machine';
export {
  recordDestinationMachine,
  recordDestinationInputSchema,
  type RecordDestinationInput,
} from './machines/record-destination.machine';

// Running them on virtual time, reproducibly.
export { VirtualClock } from './actors/virtual-clock';
export { useVirtualScheduler, type ScheduleHook } from './actors/virtual-scheduler';
export { Prng } from './actors/prng';
export { createLatency, latencySchema, type LatencyOptions } from './actors/latency';
export { makeRecordSet } from './actors/record-set';

// The active-passive design's component machines (queue and container are shared).
export * from './machines/active-passive-protocol';
export { regionalDatabaseMachine, regionalDatabaseInputSchema, type RegionalDatabaseInput, type RegionalDatabaseContext } from './machines/regional-database.machine';
export { oneWayReplicatorMachine, oneWayReplicatorInputSchema, passiveRegion, type OneWayReplicatorInput, type OneWayReplicatorContext } from './machines/one-way-replicator.machine';
export { globalDatabaseMachine, globalDatabaseInputSchema, regionalDatabaseId, oneWayReplicatorId, type GlobalDatabaseInput } from './machines/global-database.machine';
export { failoverDnsMachine, failoverDnsInputSchema, type FailoverDnsInput } from './machines/failover-dns.machine';
