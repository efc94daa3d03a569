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
  return snapshot.machine.getTransitionData(snapshot, event).length > 0;
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
