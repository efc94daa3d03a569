import type { ActorSystem, AnyActorRef, AnyMachineSnapshot, EventObject, InspectionEvent } from 'xstate';

/**
 * The one place that touches XState internals (fields marked @internal or not
 * in its typings). The simulation needs them to see every message, to run
 * delayed sends on the virtual clock and to read virtual time. xstate is
 * pinned to an exact version in package.json, and
 * test/system/xstate-internals.test.ts fails loudly if an upgrade changes any
 * of them.
 */

type AnySystem = ActorSystem<any>;
export type Relay = (source: AnyActorRef | undefined, target: AnyActorRef, event: EventObject) => void;
type Internal = AnySystem & { _relay: Relay; _clock: unknown };

/** Virtual time: the system's clock is the VirtualClock in a simulation; outside one it has no `now`. */
export function systemNow(system: AnySystem): number {
  const clock = (system as Internal)._clock as { now?: () => number };
  return typeof clock?.now === 'function' ? clock.now() : 0;
}

/** Delivers an event the way the system does (after a delay, or between actors). */
export function relay(system: AnySystem, source: AnyActorRef | undefined, target: AnyActorRef, event: EventObject): void {
  (system as Internal)._relay(source, target, event);
}

/** Calls `before` on every event the system delivers between actors, and `after` once the target has processed it. */
export function interceptRelay(system: AnySystem, before: Relay, after?: (target: AnyActorRef, event: EventObject) => void): void {
  const internal = system as Internal;
  const original = internal._relay.bind(system);
  internal._relay = (source, target, event) => {
    before(source, target, event);
    original(source, target, event);
    after?.(target, event);
  };
}

/** The scheduler's three entry points for delayed sends. */
export type SchedulerMethods = Pick<AnySystem['scheduler'], 'schedule' | 'cancel' | 'cancelAll'>;

/** Replaces the system's scheduler for delayed sends (the virtual scheduler). */
export function replaceScheduler(system: AnySystem, methods: SchedulerMethods): void {
  system.scheduler.schedule = methods.schedule;
  system.scheduler.cancel = methods.cancel;
  system.scheduler.cancelAll = methods.cancelAll;
}

/** Whether any transition of the snapshot's current state is enabled by the event (guards evaluated). */
export function handles(snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  const machine = snapshot.machine;
  let cache = handledCache.get(machine);
  if (!cache) handledCache.set(machine, (cache = { guardedTypes: guardedEventTypes(machine), byState: new Map() }));
  // A guarded transition for this type anywhere in the machine: the answer may depend on context, evaluate it.
  if (cache.guardedTypes.has(event.type) || (cache.guardedTypes.size > 0 && matchesGuardedWildcard(cache.guardedTypes, event.type)))
    return machine.getTransitionData(snapshot, event).length > 0;
  // Otherwise it depends only on the state value and the event type (getTransitionData reads nothing else).
  const value = snapshot.value;
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  let byType = cache.byState.get(key);
  if (!byType) cache.byState.set(key, (byType = new Map()));
  let answer = byType.get(event.type);
  if (answer === undefined) byType.set(event.type, (answer = machine.getTransitionData(snapshot, event).length > 0));
  return answer;
}

type AnyMachine = AnyMachineSnapshot['machine'];
interface HandledCache {
  /** event descriptors ('a.b', 'a.*', '*') with at least one guarded transition in some state node */
  guardedTypes: Set<string>;
  /** state value (as a key) -> event type -> handled */
  byState: Map<string, Map<string, boolean>>;
}
const handledCache = new WeakMap<AnyMachine, HandledCache>();

type NodeLike = { transitions: Map<string, { guard?: unknown }[]>; states: Record<string, NodeLike> };

function guardedEventTypes(machine: AnyMachine): Set<string> {
  const guarded = new Set<string>();
  const visit = (node: NodeLike) => {
    for (const [descriptor, list] of node.transitions) if (list.some((t) => t.guard !== undefined)) guarded.add(descriptor);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as NodeLike);
  return guarded;
}

/** XState's wildcard descriptors: '*' matches every type, 'a.*' every type starting 'a.'. */
function matchesGuardedWildcard(guarded: Set<string>, type: string): boolean {
  if (guarded.has('*')) return true;
  for (const d of guarded) if (d.endsWith('.*') && type.startsWith(d.slice(0, -1))) return true;
  return false;
}

/** Calls `hook` with every inspection event the system emits (cheaper than an `inspect` observer for coverage). */
export function interceptInspection(system: AnySystem, hook: (event: InspectionEvent) => void): void {
  const internal = system as AnySystem & { _sendInspectionEvent: (event: InspectionEvent) => void };
  const original = internal._sendInspectionEvent.bind(system);
  internal._sendInspectionEvent = (event) => {
    hook(event);
    original(event);
  };
}
