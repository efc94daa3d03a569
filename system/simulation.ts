import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createActor,
  type AnyActorRef,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type InspectionEvent,
} from 'xstate';
import { createLatency, type LatencyOptions } from '../actors/latency';
import { makeRecordSet } from '../actors/record-set';
import { VirtualClock } from '../actors/virtual-clock';
import { createPctOrder } from '../actors/schedule-order';
import { useVirtualScheduler } from '../actors/virtual-scheduler';
import { checkInspectOption, toXStateInspect, type InspectOption } from './inspect-option';
import { handles, interceptInspection, interceptRelay, microstepFor } from '../actors/xstate-internals';
import type { TpsRecord } from '../machines/protocol';
import type { SpecContext, Violation, PendingRecord } from '../specs/active-active-spec.machine';
import { createAfterDeliveryObserver, createDeliveryObserver } from '../specs/delivery-observer';
import { createSpecFeed } from '../specs/spec-feed';
import { createActivePassiveAfterObserver, createActivePassiveObserver } from '../specs/active-passive-observer';
import { activePassiveEndOfRun } from '../specs/active-passive-end-of-run';
import type { ActivePassiveSpecContext, ActivePassiveSpecEvent } from '../specs/active-passive-spec.machine';
import { endOfRunChecks, noProgressViolation, type RoutingReport } from '../specs/end-of-run';
import { resolveBudget } from './budget';
import type { FaultRecord } from './faults/fault-plan';
import { NetworkConditions } from './faults/network';
import { ids } from '../machines/ids';
import { layoutOf, type ComponentKind, type Layout } from '../machines/layout';
import { orchestratorMachine } from './orchestrator.machine';
import { stateName, type ScenarioStep, type StepResult } from './scenarios/scenario-driver.machine';
import { compileScenario, type CompiledScenario } from './scenarios/compile';
import type { ScenarioFile } from './scenarios/format';
import { defaultTopologyFor, parseTopology, type Topology, type TopologyInput } from '../machines/topology';

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

/** The run as a generator (see fireTimers), driven by `simulate` and `simulateAsync`. */
function* simulation(scenario: ScenarioSource, options: SimulationOptions): Generator<number, SimulationResult> {
  const started = performance.now();
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
  const strict = options.strict ?? true;
  const { maxMessages, maxVirtualMs } = resolveBudget(options, {
    records: batches.flat().length,
    stages: topology.stages.length,
    regions: topology.regions.length,
    latency: options.latency,
  });

  const hash = createHash('sha256');
  const trace: string[] | undefined = options.keepTrace ? [] : undefined;
  let pendingHash = '';
  let messages = 0;
  const unhandled: UnhandledEvent[] = [];
  let spec: AnyActorRef | undefined;
  // With no viewer, facts go straight into the spec's context (no macrostep per fact); see specs/spec-feed.ts.
  // A coverage hook is told of each as the microstep the spec would have taken for it.
  const onInspectionEvent = options.onInspectionEvent;
  const feed = createSpecFeed(
    () => spec,
    !options.inspect,
    onInspectionEvent && ((ref, before, e) => onInspectionEvent(microstepFor(root.sessionId, ref, before, e))),
  );
  // The active-passive design has its own spec, fed event by event (its context is immutable).
  const activePassive = topology.design === 'active-passive';
  const apFeed = (e: ActivePassiveSpecEvent) => spec?.send(e);
  const observe = activePassive ? createActivePassiveObserver(layout, () => clock.now(), apFeed) : createDeliveryObserver(layout, () => clock.now(), feed);
  const afterDelivery = activePassive
    ? createActivePassiveAfterObserver(layout, () => clock.now(), apFeed)
    : createAfterDeliveryObserver(() => clock.now(), feed);
  // The receivers of the last WINDOW messages (a ring), to name the busiest one if the budget runs out.
  const WINDOW = 1000;
  const recent: string[] = [];

  // Every message between actors passes through the system's relay: the
  // trace is taken there, not from XState's inspection stream, which costs
  // several inspection events per message (it is only wired for a viewer).
  const record = (source: AnyActorRef | undefined, target: AnyActorRef, event: AnyEventObject) => {
    const type = event.type;
    if (!source || target === spec || type.startsWith('xstate.')) return;
    recent[messages++ % WINDOW] = target.id;
    const e = event as Record<string, any>;
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
    trace?.push(line);
    // Unhandled: no transition of the target's current state is enabled by it.
    // Delivered from a timer, the event is processed at once in that state;
    // guards are pure, so evaluating them here as well changes nothing.
    const snapshot = target.getSnapshot() as AnyMachineSnapshot;
    if (snapshot.status === 'active' && snapshot.machine && !handles(snapshot, event)) {
      unhandled.push({ actor: target.id, state: stateName(snapshot.value), event: type, at: clock.now() });
    }
  };

  const root = createActor(orchestratorMachine, {
    id: 'tps',
    systemId: 'tps',
    clock,
    ...(options.inspect ? { inspect: toXStateInspect(options.inspect, () => clock.now()) } : {}),
    input: {
      topology,
      batches,
      latency,
      machines: options.machines,
      scenario: compiled.steps,
      faults: compiled.faults,
      restartFailedContainers: compiled.restartFailedContainers,
      network,
      // nobody outside the run keeps a snapshot unless a viewer is attached
      inPlaceUpdates: !options.inspect,
    },
  });
  const system = root.system;
  interceptRelay(system, record, afterDelivery);
  if (options.onInspectionEvent) interceptInspection(system, options.onInspectionEvent);
  spec = system.get(ids.spec);
  const driver = system.get(ids.driver)!;
  const destinationRef = system.get(ids.destination)!;
  const sourceRef = system.get(ids.source)!;
  // Facts are read as answers are sent (when they happen), not when they land.
  useVirtualScheduler(system, clock, (_source, target, event) => observe(target, event));
  let rootError: unknown;
  root.subscribe({ error: (err) => (rootError = err) });
  root.start();
  if (rootError) throw rootError;
  const driverDone = () => driver.getSnapshot().status !== 'active';

  // Run to quiescence, within the budget; tell the driver when it is still waiting then.
  let exhausted: string | undefined;
  const withinBudget = () => {
    if (messages >= maxMessages) exhausted = `${maxMessages} messages`;
    else if ((clock.nextDue() ?? 0) > maxVirtualMs) exhausted = `${maxVirtualMs} virtual ms`;
    return exhausted === undefined;
  };
  const checkError = () => {
    if (rootError) throw rootError;
  };
  for (;;) {
    yield* fireTimers(clock, withinBudget, checkError);
    checkError();
    if (driverDone() || exhausted) break;
    driver.send({ type: 'sim.quiescent', at: clock.now() });
    if (!driverDone() && clock.pending === 0) break;
  }
  // Messages still in flight after the driver is done (the last removes), within the same budget.
  yield* fireTimers(clock, withinBudget, checkError);
  if (activePassive) {
    const sourceContext = sourceRef.getSnapshot().context;
    const destinationContext = destinationRef.getSnapshot().context;
    const driverSnap = driver.getSnapshot() as AnyMachineSnapshot;
    const faultLog: FaultRecord[] = (system.get(ids.faults)?.getSnapshot() as AnyMachineSnapshot | undefined)?.context.log ?? [];
    if (!exhausted && spec!.getSnapshot().matches('hot')) spec!.send({ type: 'spec.quiescent', at: clock.now() });
    const specSnap = spec!.getSnapshot();
    root.stop();
    const end = activePassiveEndOfRun(specSnap.context as ActivePassiveSpecContext, clock.now(), exhausted);
    const results = (driverSnap.status === 'done' ? driverSnap.output : driverSnap.context).results as StepResult[];
    const arrivals: number[] = destinationContext.arrivals;
    // A scenario that measures loss on failover accepts records missing only because a switch dropped their copies.
    const measured = file?.lossOnFailover === 'measured';
    const failing = end.violations.filter((v) => !(measured && v.kind === 'lost-on-failover'));
    const specOk = specSnap.value === 'cold' || (measured && failing.length === 0 && end.lostOnFailover.length > 0);
    const ok = driverSnap.value === 'passed' && results.every((r) => r.ok) && specOk && failing.length === 0 && (!strict || unhandled.length === 0);
    return {
      seed: options.seed,
      verdict: ok ? 'pass' : 'fail',
      steps: results,
      records: { published: sourceContext.published, delivered: destinationContext.count, duplicates: end.duplicates, lost: end.lost },
      routing: { regions: [], slack: 0, changes: 0 },
      violations: failing as unknown as Violation[],
      stuck: end.stuck,
      specState: String(specSnap.value),
      unhandledEvents: unhandled,
      crossRegionOrderPreserved: arrivals.every((id, i) => i === 0 || arrivals[i - 1] < id),
      traceDigest: hash.update(pendingHash).digest('hex'),
      trace,
      stats: { messages, virtualTimeMs: clock.now(), wallMs: Math.round((performance.now() - started) * 100) / 100 },
      final: { destinationArrivals: arrivals, spec: specSnap.context as unknown as SpecContext },
      faults: faultLog,
      layout,
      lostOnFailover: end.lostOnFailover,
    };
  }
  if (!exhausted && spec!.getSnapshot().matches('hot')) spec!.send({ type: 'spec.quiescent', at: clock.now() });

  const specSnapshot = spec!.getSnapshot();
  // The run's own list: violations found after the run are added without changing a snapshot a viewer may hold.
  const specContext: SpecContext = { ...(specSnapshot.context as SpecContext) };
  specContext.violations = specContext.violations.slice();
  if (exhausted) {
    const counts = new Map<string, number>();
    for (const id of recent) counts.set(id, (counts.get(id) ?? 0) + 1);
    const top = [...counts].reduce<[string, number] | undefined>((best, x) => (!best || x[1] > best[1] ? x : best), undefined);
    specContext.violations.push(
      noProgressViolation(specContext, clock.now(), exhausted, top && { component: top[0], messages: top[1], window: recent.length }),
    );
  }
  const destination = destinationRef.getSnapshot().context;
  const source = sourceRef.getSnapshot().context;
  // The driver's declared output once it is done; its results so far when the run stopped it.
  const driverSnapshot = driver.getSnapshot() as AnyMachineSnapshot;
  const steps_ = (driverSnapshot.status === 'done' ? driverSnapshot.output : driverSnapshot.context).results as StepResult[];
  const arrivals: number[] = destination.arrivals;
  const faults: FaultRecord[] = (system.get(ids.faults)?.getSnapshot() as AnyMachineSnapshot | undefined)?.context.log ?? [];
  root.stop();

  const end = endOfRunChecks(specContext, destination, clock.now());
  const orderPreserved = arrivals.every((id, i) => i === 0 || arrivals[i - 1] < id);
  const ok =
    driver.getSnapshot().value === 'passed' &&
    steps_.every((s) => s.ok) &&
    specSnapshot.value === 'cold' &&
    specContext.violations.length === 0 &&
    end.lost === 0 &&
    end.duplicates === 0 &&
    (!strict || unhandled.length === 0);

  return {
    seed: options.seed,
    verdict: ok ? 'pass' : 'fail',
    steps: steps_,
    records: { published: source.published, delivered: destination.count, duplicates: end.duplicates, lost: end.lost },
    routing: end.routing,
    violations: specContext.violations,
    stuck: specContext.stuck,
    specState: String(specSnapshot.value),
    unhandledEvents: unhandled,
    crossRegionOrderPreserved: orderPreserved,
    traceDigest: hash.update(pendingHash).digest('hex'),
    trace,
    stats: { messages, virtualTimeMs: clock.now(), wallMs: Math.round((performance.now() - started) * 100) / 100 },
    final: { destinationArrivals: arrivals, spec: specContext },
    faults,
    layout,
  };
}
