// Component machines: reuse them in any XState v5 app.
export * from './machines/protocol';
export { InputError, LATENCY } from './machines/support';
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
export { RecordFifo } from './machines/record-fifo';

// Simulation support.
export { VirtualClock } from './actors/virtual-clock';
export { useVirtualScheduler, type ScheduleHook } from './actors/virtual-scheduler';
export { Prng } from './actors/prng';
export { createLatency, latencySchema, type LatencyOptions } from './actors/latency';
export { makeRecordSet } from './actors/record-set';

// The system, its spec and scenarios.
export { activeActiveSpecMachine, type SpecEvent, type Violation } from './specs/active-active-spec.machine';
export { createDeliveryObserver } from './specs/delivery-observer';
export { orchestratorMachine, controlVerbs, resolveControl, type ControlCommand } from './system/orchestrator.machine';
export { scenarioDriverMachine, type ScenarioStep, type StepResult, type Wait } from './system/scenarios/scenario-driver.machine';
export { defaultTopology, topologySchema, parseTopology, type Topology, type TopologyInput } from './system/topology';
export { layoutOf, ids, queueNames, type Layout } from './system/layout';
export { simulate, type SimulationOptions, type SimulationResult } from './system/simulation';
export { tuneGcForSimulation } from './system/gc-tuning';
export { scenarios, type Scenario } from './system/scenarios';
export { runScenario, type RunOptions, type RunReport } from './system/run-scenario';

// Exploring many schedules (`tps check`).
export {
  checkScenario,
  checkOptionsSchema,
  failureReason,
  type CheckOptions,
  type CheckReport,
  type CheckProgress,
  type CheckFailure,
  type SeedSummary,
  type MinAvgMax,
} from './system/checker/check';
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
