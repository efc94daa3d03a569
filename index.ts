// Component machines: reuse them in any XState v5 app.
export * from './machines/protocol';
export { InputError, LATENCY, keepActor, keptActor, type KeptActor } from './machines/support';
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
// The active-passive design's component machines (queue and container are shared).
export * from './machines/active-passive-protocol';
export { regionalDatabaseMachine, regionalDatabaseInputSchema, type RegionalDatabaseInput, type RegionalDatabaseContext } from './machines/regional-database.machine';
export { oneWayReplicatorMachine, oneWayReplicatorInputSchema, passiveRegion, type OneWayReplicatorInput, type OneWayReplicatorContext } from './machines/one-way-replicator.machine';
export { globalDatabaseMachine, globalDatabaseInputSchema, regionalDatabaseId, oneWayReplicatorId, type GlobalDatabaseInput } from './machines/global-database.machine';
export { failoverDnsMachine, failoverDnsInputSchema, type FailoverDnsInput } from './machines/failover-dns.machine';

// Simulation support.
export { VirtualClock } from './actors/virtual-clock';
export { useVirtualScheduler, type ScheduleHook } from './actors/virtual-scheduler';
export { Prng } from './actors/prng';
export { createLatency, latencySchema, type LatencyOptions } from './actors/latency';
export { makeRecordSet } from './actors/record-set';

// The system, its spec and scenarios.
export { activeActiveSpecMachine, progressOf, type SpecContext, type SpecEvent, type Violation, type ViolationKind } from './specs/active-active-spec.machine';
export {
  activePassiveSpecMachine,
  type ActivePassiveSpecEvent,
  type ActivePassiveViolation,
  type ActivePassiveViolationKind,
} from './specs/active-passive-spec.machine';
export { createAfterDeliveryObserver, createDeliveryObserver } from './specs/delivery-observer';
export { routingSlack, type RoutingReport } from './specs/end-of-run';
export { expectedMessages, resolveBudget } from './system/budget';
export { orchestratorMachine } from './system/orchestrator.machine';
export { controlVerbs, resolveControl, NETWORK, type ControlCommand, type ControlKind } from './system/control';
export {
  scenarioDriverMachine,
  systemView,
  type ScenarioStep,
  type StepResult,
  type Wait,
  type SystemView,
  type CheckOutcome,
  type Publication,
} from './system/scenarios/scenario-driver.machine';
export { control, destinationHolds, finalStep, inState, publish, queueHasSeen, routedTo, specIsCold, tablesConverged } from './system/scenarios/steps';
export { happyPathSteps } from './system/scenarios/happy-path';
export { narrate } from './system/narrative';
export {
  faultInjectorMachine,
  faultInjectorInputSchema,
  type FaultInjectorInput,
} from './system/faults/fault-injector.machine';
export {
  faultSchema,
  faultKinds,
  faultCommands,
  describeFault,
  type Fault,
  type FaultKind,
  type FaultRecord,
  type FaultTrigger,
} from './system/faults/fault-plan';
export { NetworkConditions } from './system/faults/network';
export { defaultTopology, topologySchema, parseTopology, type Topology, type TopologyInput } from './system/topology';
export { layoutOf, ids, queueNames, type Layout } from './system/layout';
export { simulate, simulateAsync, type Pace, type ScenarioSource, type SimulationOptions, type SimulationResult } from './system/simulation';
export { tuneGcForSimulation } from './system/gc-tuning';
export {
  scenarios,
  builtInScenarios,
  isPlanned,
  parseScenarioFile,
  scenarioFileSchema,
  compileScenario,
  chaosPlan,
  f5FailRandomPlan,
  healingBound,
  type Scenario,
  type PlannedScenario,
  type CodeScenario,
  type ScenarioFile,
  type ScenarioFileInput,
  type CompiledScenario,
} from './system/scenarios';
export { runScenario, runScenarioAsync, readScenarioFile, planToSave, type RunOptions, type RunReport } from './system/run-scenario';

// Exploring many schedules (`tps check`).
export {
  checkScenario,
  checkOptionsSchema,
  failureReason,
  failedBy,
  routingShares,
  type RoutingShare,
  type CheckOptions,
  type CheckReport,
  type CheckProgress,
  type CheckFailure,
  type SeedSummary,
  type MinAvgMax,
} from './system/checker/check';
export { createWorkerPool, type WorkerPool } from './system/checker/pool';
export { parseShard, shardRange, SHARD_INDEX_ENV, type Shard } from './system/checker/shard';
export { mergeReports, type CheckSummary } from './system/checker/merge';
export { componentKinds, loadMachinesModule, validateMachines, type MachineOverrides } from './system/machines-module';
export { shrinkPlan, failureSignature, type ShrinkOptions, type ShrinkResult, type ShrinkSize, type ShrinkProgress } from './system/checker/shrink';
export {
  coverageCollector,
  coverageDefinitions,
  coverageSummary,
  coverageTable,
  emptyCoverage,
  mergeCoverage,
  type CoverageCounts,
  type CoverageSummary,
  type CoverageTable,
} from './system/checker/coverage';
