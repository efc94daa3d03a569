// Component machines and simulation support (also the browser-safe entry `active-active-tps/machines`).
export * from './machines-entry';

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
export { orchestratorMachine, orchestratorInputSchema, type OrchestratorInput } from './system/orchestrator.machine';
export { controlVerbs, resolveControl, NETWORK, type ControlCommand, type ControlKind } from './system/faults/control';
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
export { defaultTopology, topologySchema, parseTopology, type Topology, type TopologyInput } from './machines/topology';
export { layoutOf, queueNames, type Layout } from './machines/layout';
export { ids } from './machines/ids';
export { inspectOptionSchema, type InspectOption } from './system/inspect-option';
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
