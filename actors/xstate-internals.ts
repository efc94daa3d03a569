import type { ActorRefLike, ActorSystem, AnyActorRef, AnyMachineSnapshot, AnyStateNode, EventObject, InspectionEvent } from 'xstate';
import { matchesEventDescriptor } from './state-nodes';

/**
 * The one place that touches XState internals (fields marked @internal or not
 * in its typings). The simulation needs them to see every message, to run
 * delayed sends on the virtual clock and to read virtual time. xstate is the
 * app's (a peer dependency); test/system/xstate-internals.test.ts fails loudly
 * if an upgrade changes any of them, and the consumer test runs a scenario on
 * the peer range's lowest version.
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
  wrapRelay(system, (original) => (source, target, event) => {
    before(source, target, event);
    original(source, target, event);
    after?.(target, event);
  });
}

/** Replaces the system's relay by `wrap(current relay)` (e.g. a timer around every delivery). */
export function wrapRelay(system: AnySystem, wrap: (inner: Relay) => Relay): void {
  const internal = system as Internal;
  internal._relay = wrap(internal._relay.bind(system));
}

/** The logic an actor runs: public on XState's Actor, but not on the ActorRef type the system hands out. */
export function logicOf(actorRef: ActorRefLike): unknown {
  return (actorRef as { logic?: unknown }).logic;
}

/** The actor that spawned this one (`_parent`, @internal), if any. */
export function parentOf(actorRef: ActorRefLike): AnyActorRef | undefined {
  return (actorRef as { _parent?: AnyActorRef })._parent;
}

/** The transitions a `@xstate.microstep` event took: the definition's own transition objects (`_transitions`). */
export function microstepTransitions(event: InspectionEvent): readonly unknown[] {
  return event.type === '@xstate.microstep' ? event._transitions : [];
}

/** The scheduler's three entry points for delayed sends. */
export type SchedulerMethods = Pick<AnySystem['scheduler'], 'schedule' | 'cancel' | 'cancelAll'>;

/** Replaces the system's scheduler for delayed sends (the virtual scheduler). */
export function replaceScheduler(system: AnySystem, methods: SchedulerMethods): void {
  system.scheduler.schedule = methods.schedule;
  system.scheduler.cancel = methods.cancel;
  system.scheduler.cancelAll = methods.cancelAll;
}

/**
 * Whether any transition of the snapshot's current state is enabled by the
 * event (guards evaluated), as `getTransitionData` answers it. XState picks,
 * from each active atomic state up through its ancestors, the first candidate
 * whose guard passes, so the answer depends only on the active state nodes
 * and the event type unless every candidate is guarded: an active node with
 * an unguarded candidate -> true, no candidate at all -> false. Those answers
 * are cached per (atomic state node, event type); guarded-only ones are
 * evaluated each time.
 */
export function handles(snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  const nodes = (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
  let atomic: AnyStateNode | undefined;
  for (const node of nodes) {
    if (node.type === 'parallel') return snapshot.machine.getTransitionData(snapshot, event).length > 0;
    if (node.type === 'atomic' || node.type === 'final') atomic = node;
  }
  if (!atomic) return snapshot.machine.getTransitionData(snapshot, event).length > 0;
  let byType = handledCache.get(atomic);
  if (!byType) handledCache.set(atomic, (byType = new Map<string, boolean | 'guarded'>()));
  let answer = byType.get(event.type);
  if (answer === undefined) byType.set(event.type, (answer = classify(nodes, event.type)));
  return answer === 'guarded' ? snapshot.machine.getTransitionData(snapshot, event).length > 0 : answer;
}

/** With no parallel state, the one active atomic node determines the active configuration. */
const handledCache = new WeakMap<AnyStateNode, Map<string, boolean | 'guarded'>>();

function classify(nodes: readonly AnyStateNode[], type: string): boolean | 'guarded' {
  let candidates = false;
  for (const node of nodes)
    for (const [descriptor, list] of node.transitions) {
      if (!matchesEventDescriptor(type, descriptor)) continue;
      for (const t of list) {
        if (t.guard === undefined) return true;
        candidates = true;
      }
    }
  return candidates ? 'guarded' : false;
}

/**
 * The `@xstate.microstep` inspection event the actor would emit for `event` in
 * `snapshot`, for a fact applied to its context without sending it (the spec's
 * direct feed): its `_transitions` are the definition's own transition objects.
 */
export function microstepFor(rootId: string, actorRef: AnyActorRef, snapshot: AnyMachineSnapshot, event: EventObject): InspectionEvent {
  const _transitions = snapshot.machine.getTransitionData(snapshot, event);
  return { type: '@xstate.microstep', rootId, actorRef, event, snapshot, _transitions };
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
