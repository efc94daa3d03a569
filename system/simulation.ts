import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createActor,
  type AnyActorRef,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type InspectionEvent,
  type SnapshotFrom,
} from 'xstate';
import { createLatency, type LatencyOptions } from '../actors/latency';
import { makeRecordSet } from '../actors/record-set';
import { VirtualClock } from '../actors/virtual-clock';
import { createPctOrder } from '../actors/schedule-order';
import { useVirtualScheduler } from '../actors/virtual-scheduler';
import { checkInspectOption, toXStateInspect, type InspectOption } from './inspect-option';
import { handles, interceptInspection, interceptRelay, microstepFor } from '../actors/xstate-internals';
import type { TpsRecord } from '../machines/protocol';
import type { RecordDestinationContext } from '../machines/record-destination.machine';
import type { RecordSourceContext } from '../machines/record-source.machine';
import { contextOf, peer } from '../machines/support';
import type { SpecContext, Violation, PendingRecord } from '../specs/active-active-spec.machine';
import { createAfterDeliveryObserver, createDeliveryObserver } from '../specs/delivery-observer';
import { createSpecFeed } from '../specs/spec-feed';
import { createActivePassiveAfterObserver, createActivePassiveObserver } from '../specs/active-passive-observer';
import { activePassiveEndOfRun } from '../specs/active-passive-end-of-run';
import type { ActivePassiveSpecContext, ActivePassiveSpecEvent } from '../specs/active-passive-spec.machine';
import { endOfRunChecks, noProgressViolation, type RoutingReport } from '../specs/end-of-run';
import { resolveBudget } from './budget';
import type { FaultInjectorContext } from './faults/fault-injector.machine';
import type { FaultRecord } from './faults/fault-plan';
import { NetworkConditions } from './faults/network';
import { followFaultTrails } from './faults/trails';
import { ids } from '../machines/ids';
import { layoutOf, type ComponentKind, type Layout } from '../machines/layout';
import { orchestratorMachine } from './orchestrator.machine';
import { stateName, type scenarioDriverMachine, type ScenarioStep, type StepResult } from './scenarios/scenario-driver.machine';
import { compileScenario, type CompiledScenario } from './scenarios/compile';
import type { ScenarioFile } from './scenarios/format';
import { defaultTopologyFor, parseTopology, type Topology, type TopologyInput } from '../machines/topology';
import { decideVerdict, type RunFailure, type VerdictFacts } from './verdict';

/** What a simulation runs: a scenario file (parsed), or steps built in code from the layout and record set. */
export type ScenarioSource = ScenarioFile | ((layout: Layout, batches: TpsRecord[][]) => ScenarioStep[]);

export interface UnhandledEvent {
  actor: string;
  state: string;
  event: string;
  at: number;
}

export interface SimulationOptions {
  seed: number;
  topology?: TopologyInput;
  batches?: { count: number; size: number };
  latency?: LatencyOptions;
  /** fail the run on any event an actor's state does not handle (default true) */
  strict?: boolean;
  /** keep the trace lines (one JSON object each) in the result */
  keepTrace?: boolean;
  /** replacement logic per component kind, e.g. a faulty container */
  machines?: Partial<Record<ComponentKind, AnyStateMachine>>;
  /** budget against a run that never settles (livelock): messages between actors (default 50x a fault-free run's) */
  maxMessages?: number;
  /** ... and virtual ms (default: that many messages at the slowest latency) */
  maxVirtualMs?: number;
  /** extra inspection observer or function, as XState takes it (e.g. `@statelyai/inspect`'s `inspector.inspect`); a function is told the virtual time too */
  inspect?: InspectOption;
  /**
   * Sees XState's inspection events as they are made, uncopied (cheap, unlike
   * `inspect`), e.g. for coverage; the root's children are announced before it is wired.
   */
  onInspectionEvent?: (event: InspectionEvent) => void;
}

export interface SimulationResult {
  seed: number;
  verdict: 'pass' | 'fail';
  steps: StepResult[];
  /** lost: published and not kept at the end; duplicates: ids sent twice to a queue or kept twice */
  records: { published: number; delivered: number; duplicates: number; lost: number };
  /** the in-DNS split against the weights */
  routing: RoutingReport;
  violations: Violation[];
  stuck: PendingRecord[];
  specState: string;
  unhandledEvents: UnhandledEvent[];
  crossRegionOrderPreserved: boolean;
  traceDigest: string;
  trace?: string[];
  stats: { messages: number; virtualTimeMs: number; wallMs: number };
  /** final snapshot contexts of interest, for narratives and tests */
  final: { destinationArrivals: number[]; spec: SpecContext };
  /** the fault plan as it was carried out: when each fault started and healed, and what it hit */
  faults: FaultRecord[];
  layout: Layout;
  /** active-passive only: records a region switch dropped before they were replicated, by database */
  lostOnFailover?: { recordId: number; database: string }[];
  /** why the run failed (absent when it passed): system/verdict.ts */
  failure?: RunFailure;
}

const numberOrNull = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * Runs a scenario (the driver's steps) on a fresh system, on a virtual clock,
 * to quiescence. Deterministic: the same options give the same trace.
 */
export function simulate(scenario: ScenarioSource, options: SimulationOptions): SimulationResult {
  const run = simulation(scenario, options);
  let next = run.next();
  while (!next.done) next = run.next();
  return next.value;
}

/** Playback pace: `speed` virtual ms per real ms; `sleep` waits real ms (default setTimeout). */
export interface Pace {
  speed: number;
  sleep?: (ms: number) => Promise<void>;
  /** longest single wait in real ms (default 1000) */
  maxSleepMs?: number;
}

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => (ms >= 1 ? setTimeout(resolve, ms) : setImmediate(resolve)));

/**
 * `simulate` played in real time: waits (virtual delta / speed) ms before the
 * timers of each new virtual instant fire, so whatever observes the run (an
 * inspector) sees every event while its snapshot is current. Same trace and
 * digest as `simulate`.
 */
export async function simulateAsync(scenario: ScenarioSource, options: SimulationOptions, pace: Pace): Promise<SimulationResult> {
  if (!(pace.speed > 0)) throw new RangeError('pace.speed must be above 0');
  const sleep = pace.sleep ?? realSleep;
  const run = simulation(scenario, options);
  let now = 0;
  let next = run.next();
  while (!next.done) {
    await sleep(Math.min(pace.maxSleepMs ?? 1000, (next.value - now) / pace.speed));
    now = next.value;
    next = run.next();
  }
  return next.value;
}

/** Fires due timers; yields the next virtual instant before its timers fire. */
function* fireTimers(clock: VirtualClock, more: () => boolean, check: () => void): Generator<number, void> {
  for (;;) {
    const due = more() ? clock.nextDue() : undefined;
    if (due === undefined) return;
    if (due > clock.now()) yield due;
    clock.step();
    check();
  }
}

/** What a run is set up with, before any actor starts. */
interface RunSetup {
  options: SimulationOptions;
  file: ScenarioFile | undefined;
  topology: Topology;
  batches: TpsRecord[][];
  layout: Layout;
  compiled: CompiledScenario;
  network: NetworkConditions;
  latency: (from: string) => number;
  clock: VirtualClock;
  strict: boolean;
  maxMessages: number;
  maxVirtualMs: number;
  activePassive: boolean;
}

/** Parses the topology, draws the records, compiles the scenario (every name checked) and builds the clock and latency. */
function setUpRun(scenario: ScenarioSource, options: SimulationOptions): RunSetup {
  checkInspectOption(options.inspect, 'simulation options');
  const file = typeof scenario === 'function' ? undefined : scenario;
  const topology: Topology = parseTopology(options.topology ?? file?.topology ?? defaultTopologyFor(file?.design ?? 'active-active'));
  const shape = options.batches ?? (file ? { count: file.records.batches, size: file.records.size } : { count: 3, size: 10 });
  const batches = makeRecordSet(options.seed, shape.count, shape.size);
  const layout = layoutOf(topology, batches);
  // Every name in a scenario file is checked here, before any actor starts.
  const compiled: CompiledScenario =
    typeof scenario === 'function'
      ? { steps: scenario(layout, batches), faults: [], restartFailedContainers: false }
      : compileScenario(scenario, layout, batches, options.machines);
  const network = new NetworkConditions();
  const baseLatency = createLatency(options.latency ?? {}, options.seed);
  const latency = (from: string) => {
    const delay = baseLatency(from);
    const factor = network.factorFor(from);
    return factor === 1 ? delay : Math.round(delay * factor);
  };
  // A strategy's message order (PCT-style), when the plan carries one; else by due time.
  const clock = new VirtualClock(file?.schedule ? createPctOrder(file.schedule) : undefined);
  const { maxMessages, maxVirtualMs } = resolveBudget(options, {
    records: batches.flat().length,
    stages: topology.stages.length,
    regions: topology.regions.length,
    latency: options.latency,
  });
  const activePassive = topology.design === 'active-passive';
  return { options, file, topology, batches, layout, compiled, network, latency, clock, strict: options.strict ?? true, maxMessages, maxVirtualMs, activePassive };
}

/** The receivers of the last WINDOW messages (a ring), to name the busiest one if the budget runs out. */
const WINDOW = 1000;

/** The trace as it is taken at the system's relay: the digest, the kept lines, unhandled events, recent receivers. */
interface TraceTap {
  messages: number;
  unhandled: UnhandledEvent[];
  recent: string[];
  lines: string[] | undefined;
  record: (source: AnyActorRef | undefined, target: AnyActorRef, event: AnyEventObject) => void;
  digest: () => string;
}

function traceTap(clock: VirtualClock, keepTrace: boolean | undefined, isSpec: (ref: AnyActorRef) => boolean): TraceTap {
  const hash = createHash('sha256');
  let pendingHash = '';
  const tap: TraceTap = {
    messages: 0,
    unhandled: [],
    recent: [],
    lines: keepTrace ? [] : undefined,
    // Every message between actors passes through the system's relay: the
    // trace is taken there, not from XState's inspection stream, which costs
    // several inspection events per message (it is only wired for a viewer).
    record: (source, target, event) => {
      const type = event.type;
      if (!source || isSpec(target) || type.startsWith('xstate.')) return;
      tap.recent[tap.messages++ % WINDOW] = target.id;
      const e = event as { record?: { recordId?: unknown }; recordId?: unknown; success?: unknown };
      const recordId = numberOrNull(e.record?.recordId) ?? numberOrNull(e.recordId);
      const line =
        `{"t":${clock.now()},"from":"${source.id}","to":"${target.id}","type":"${type}"` +
        (recordId !== undefined ? `,"recordId":${recordId}` : '') +
        (typeof e.success === 'boolean' ? `,"success":${e.success}` : '') +
        '}';
      // Hashed in chunks: one native call per line costs more than the hashing.
      pendingHash += line + '\n';
      if (pendingHash.length > 4096) {
        hash.update(pendingHash);
        pendingHash = '';
      }
      tap.lines?.push(line);
      // Unhandled: no transition of the target's current state is enabled by it.
      // Delivered from a timer, the event is processed at once in that state;
      // guards are pure, so evaluating them here as well changes nothing.
      const snapshot = target.getSnapshot() as AnyMachineSnapshot;
      if (snapshot.status === 'active' && snapshot.machine && !handles(snapshot, event)) {
        tap.unhandled.push({ actor: target.id, state: stateName(snapshot.value), event: type, at: clock.now() });
      }
    },
    digest: () => hash.update(pendingHash).digest('hex'),
  };
  return tap;
}

/** The started system and the actors the run reads at its end. */
interface RunningSystem {
  root: AnyActorRef;
  system: AnyActorRef['system'];
  spec: AnyActorRef;
  driver: AnyActorRef;
  destination: AnyActorRef;
  source: AnyActorRef;
  error: () => unknown;
  /** the fault log with the states each started fault's target went through */
  faultLog: () => FaultRecord[];
}

/** Creates the orchestrator, wires the trace, the spec's observers and the virtual scheduler, and starts it. */
function startSystem(run: RunSetup, tap: TraceTap, holder: { spec?: AnyActorRef }): RunningSystem {
  const { options, clock, layout } = run;
  // With no viewer, facts go straight into the spec's context (no macrostep per fact); see specs/spec-feed.ts.
  // A coverage hook is told of each as the microstep the spec would have taken for it.
  const onInspectionEvent = options.onInspectionEvent;
  const feed = createSpecFeed(
    () => holder.spec,
    !options.inspect,
    onInspectionEvent && ((ref, before, e) => onInspectionEvent(microstepFor(root.sessionId, ref, before, e))),
  );
  // The active-passive design has its own spec, fed event by event (its context is immutable).
  const apFeed = (e: ActivePassiveSpecEvent) => holder.spec?.send(e);
  const observe = run.activePassive ? createActivePassiveObserver(layout, () => clock.now(), apFeed) : createDeliveryObserver(layout, () => clock.now(), feed);
  const afterDelivery = run.activePassive
    ? createActivePassiveAfterObserver(layout, () => clock.now(), apFeed)
    : createAfterDeliveryObserver(() => clock.now(), feed);
  const root = createActor(orchestratorMachine, {
    id: 'tps',
    systemId: 'tps',
    clock,
    ...(options.inspect ? { inspect: toXStateInspect(options.inspect, () => clock.now()) } : {}),
    input: {
      topology: run.topology,
      batches: run.batches,
      latency: run.latency,
      machines: options.machines,
      scenario: run.compiled.steps,
      faults: run.compiled.faults,
      restartFailedContainers: run.compiled.restartFailedContainers,
      network: run.network,
      // nobody outside the run keeps a snapshot unless a viewer is attached
      inPlaceUpdates: !options.inspect,
    },
  });
  const system = root.system;
  interceptRelay(system, tap.record, afterDelivery);
  const trails = followFaultTrails(system);
  if (options.onInspectionEvent) interceptInspection(system, options.onInspectionEvent);
  const actor = (id: string) => peer(system, id, 'simulation');
  const spec = actor(ids.spec);
  holder.spec = spec;
  let rootError: unknown;
  const running: RunningSystem = {
    root,
    system,
    spec,
    driver: actor(ids.driver),
    destination: actor(ids.destination),
    source: actor(ids.source),
    error: () => rootError,
    faultLog: () => {
      const injector = system.get(ids.faults) as AnyActorRef | undefined;
      return trails.finish(injector ? contextOf<FaultInjectorContext>(injector).log : []);
    },
  };
  // Facts are read as answers are sent (when they happen), not when they land.
  useVirtualScheduler(system, clock, (_source, target, event) => observe(target, event));
  // A crash's stragglers: the sender's timers are its messages in flight.
  run.network.delayInFlightWith((from, ms) => {
    const sender = system.get(from) as AnyActorRef | undefined;
    if (sender) clock.delayOwnedBy(sender, ms);
  });
  root.subscribe({ error: (err) => (rootError = err) });
  root.start();
  // Read through error(): TypeScript takes the `let` as still undefined here (set in a callback).
  if (running.error()) throw running.error();
  return running;
}

/**
 * Runs to quiescence within the budget, telling the driver when it is still
 * waiting then; then lets the messages still in flight land. Returns the
 * budget exhausted, if one was.
 */
function* runToQuiescence(run: RunSetup, tap: TraceTap, sys: RunningSystem): Generator<number, string | undefined> {
  const { clock } = run;
  let exhausted: string | undefined;
  const withinBudget = () => {
    if (tap.messages >= run.maxMessages) exhausted = `${run.maxMessages} messages`;
    else if ((clock.nextDue() ?? 0) > run.maxVirtualMs) exhausted = `${run.maxVirtualMs} virtual ms`;
    return exhausted === undefined;
  };
  const checkError = () => {
    if (sys.error()) throw sys.error();
  };
  const driverDone = () => (sys.driver.getSnapshot() as AnyMachineSnapshot).status !== 'active';
  for (;;) {
    yield* fireTimers(clock, withinBudget, checkError);
    checkError();
    if (driverDone() || exhausted) break;
    sys.driver.send({ type: 'sim.quiescent', at: clock.now() });
    if (!driverDone() && clock.pending === 0) break;
  }
  // Messages still in flight after the driver is done (the last removes), within the same budget.
  yield* fireTimers(clock, withinBudget, checkError);
  return exhausted;
}

/** What the driver, source, destination and fault injector hold at the end (read before the system stops). */
interface EndState {
  driverState: string;
  steps: StepResult[];
  published: number;
  destination: { count: number; arrivals: number[]; records?: Record<number, unknown> };
  faults: FaultRecord[];
}

function readEndState(sys: RunningSystem): EndState {
  // The driver's declared output once it is done; its results so far when the run stopped it.
  const driver = sys.driver.getSnapshot() as SnapshotFrom<typeof scenarioDriverMachine>;
  return {
    driverState: stateName(driver.value),
    steps: (driver.status === 'done' ? driver.output : driver.context).results,
    published: contextOf<RecordSourceContext>(sys.source).published,
    destination: contextOf<RecordDestinationContext>(sys.destination),
    faults: sys.faultLog(),
  };
}

/** A spec still hot once the run settled is told so (it then turns cold or stuck). */
function settleSpec(sys: RunningSystem, clock: VirtualClock, exhausted: string | undefined): AnyMachineSnapshot {
  const snapshot = () => sys.spec.getSnapshot() as AnyMachineSnapshot;
  if (!exhausted && snapshot().matches('hot')) sys.spec.send({ type: 'spec.quiescent', at: clock.now() });
  return snapshot();
}

/** The result fields every design reports the same way. */
function commonResult(run: RunSetup, tap: TraceTap, end: EndState, started: number) {
  const arrivals = end.destination.arrivals;
  return {
    seed: run.options.seed,
    steps: end.steps,
    unhandledEvents: tap.unhandled,
    crossRegionOrderPreserved: arrivals.every((id, i) => i === 0 || arrivals[i - 1] < id),
    traceDigest: tap.digest(),
    trace: tap.lines,
    stats: { messages: tap.messages, virtualTimeMs: run.clock.now(), wallMs: Math.round((performance.now() - started) * 100) / 100 },
    faults: end.faults,
    layout: run.layout,
  };
}

/** What both designs report first: the common parts, the verdict on the design's own facts, and the records' fate. */
function judgedResult(
  run: RunSetup,
  tap: TraceTap,
  endState: EndState,
  started: number,
  facts: Pick<VerdictFacts, 'specState' | 'specSettled' | 'violations' | 'loss'>,
  records: { lost: number; duplicates: number },
) {
  const { verdict, failure } = decideVerdict({ driverState: endState.driverState, steps: endState.steps, unhandled: tap.unhandled, strict: run.strict, ...facts });
  return {
    ...commonResult(run, tap, endState, started),
    verdict,
    ...(failure ? { failure } : {}),
    records: { published: endState.published, delivered: endState.destination.count, duplicates: records.duplicates, lost: records.lost },
  };
}

/** Active-active: the end-of-run checks on the spec's context, then the verdict. */
function activeActiveResult(run: RunSetup, tap: TraceTap, sys: RunningSystem, exhausted: string | undefined, started: number): SimulationResult {
  const { clock } = run;
  const specSnapshot = settleSpec(sys, clock, exhausted);
  // The run's own list: violations found after the run are added without changing a snapshot a viewer may hold.
  const specContext: SpecContext = { ...(specSnapshot.context as SpecContext) };
  specContext.violations = specContext.violations.slice();
  if (exhausted) specContext.violations.push(noProgressViolation(specContext, clock.now(), exhausted, busiest(tap.recent)));
  const endState = readEndState(sys);
  sys.root.stop();
  const end = endOfRunChecks(specContext, endState.destination, clock.now());
  const specState = String(specSnapshot.value);
  const loss = { lost: end.lost, duplicates: end.duplicates };
  return {
    ...judgedResult(run, tap, endState, started, { specState, specSettled: specState === 'cold', violations: specContext.violations, loss }, loss),
    routing: end.routing,
    violations: specContext.violations,
    stuck: specContext.stuck,
    specState,
    final: { destinationArrivals: endState.destination.arrivals, spec: specContext },
  };
}

/** The receiver of most of the recent messages (a livelock's likely place). */
function busiest(recent: string[]): { component: string; messages: number; window: number } | undefined {
  const counts = new Map<string, number>();
  for (const id of recent) counts.set(id, (counts.get(id) ?? 0) + 1);
  const top = [...counts].reduce<[string, number] | undefined>((best, x) => (!best || x[1] > best[1] ? x : best), undefined);
  return top && { component: top[0], messages: top[1], window: recent.length };
}

/** Active-passive: its own end-of-run checks (loss on failover), then the verdict. */
function activePassiveResult(run: RunSetup, tap: TraceTap, sys: RunningSystem, exhausted: string | undefined, started: number): SimulationResult {
  const { clock } = run;
  const endState = readEndState(sys);
  const specSnap = settleSpec(sys, clock, exhausted);
  sys.root.stop();
  const specContext = specSnap.context as ActivePassiveSpecContext;
  const end = activePassiveEndOfRun(specContext, clock.now(), exhausted);
  // A scenario that measures loss on failover accepts records missing only because a switch dropped their copies.
  const measured = run.file?.lossOnFailover === 'measured';
  const failing = end.violations.filter((v) => !(measured && v.kind === 'lost-on-failover')) as unknown as Violation[];
  const specState = String(specSnap.value);
  const specSettled = specState === 'cold' || (measured && failing.length === 0 && end.lostOnFailover.length > 0);
  return {
    ...judgedResult(run, tap, endState, started, { specState, specSettled, violations: failing }, { lost: end.lost, duplicates: end.duplicates }),
    routing: { regions: [], slack: 0, changes: 0 },
    violations: failing,
    stuck: end.stuck,
    specState,
    final: { destinationArrivals: endState.destination.arrivals, spec: specContext as unknown as SpecContext },
    lostOnFailover: end.lostOnFailover,
  };
}

/** The run as a generator (see fireTimers), driven by `simulate` and `simulateAsync`: set up, run, collect, report. */
function* simulation(scenario: ScenarioSource, options: SimulationOptions): Generator<number, SimulationResult> {
  const started = performance.now();
  const run = setUpRun(scenario, options);
  const holder: { spec?: AnyActorRef } = {};
  const tap = traceTap(run.clock, options.keepTrace, (ref) => ref === holder.spec);
  const sys = startSystem(run, tap, holder);
  const exhausted = yield* runToQuiescence(run, tap, sys);
  return run.activePassive ? activePassiveResult(run, tap, sys, exhausted, started) : activeActiveResult(run, tap, sys, exhausted, started);
}
