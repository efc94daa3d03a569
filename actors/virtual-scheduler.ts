import type { AnyActorRef, EventObject } from 'xstate';
import { relay, replaceScheduler } from './xstate-internals';
import type { VirtualClock } from './virtual-clock';

// The system type an actor ref carries (XState does not export its AnyActorSystem).
type AnyActorSystem = AnyActorRef['system'];
type Timer = ReturnType<VirtualClock['setTimeout']>;

/** Called for every delayed send as it is scheduled (when the sender sends it). */
export type ScheduleHook = (source: AnyActorRef, target: AnyActorRef, event: EventObject) => void;

/**
 * Gives an actor system a lean scheduler for delayed sends on a VirtualClock.
 *
 * XState's own scheduler draws a random id and reads the wall clock for
 * every delayed send and files it in a dictionary keyed by that id. In a
 * simulation every message is a delayed send, so that halves throughput and
 * puts randomness and the wall clock on the model's path. This one keeps the
 * same semantics (delivery through the system's relay after the delay;
 * `cancel(source, id)` for sends given an id; `cancelAll(actor)` when an
 * actor stops) without them. Not kept: the system's persisted list of
 * scheduled events; a simulation is never persisted mid-run.
 */
export function useVirtualScheduler(system: AnyActorSystem, clock: VirtualClock, onSchedule?: ScheduleHook): void {
  const named = new Map<string, Timer>();
  const key = (source: AnyActorRef, id: string) => `${source.sessionId}.${id}`;

  // Each timer records its source, so cancelAll walks the pending timers: an actor stops rarely,
  // while a per-source set would cost an add and a delete on every message.
  const schedule: AnyActorSystem['scheduler']['schedule'] = (source, target, event, delay, id) => {
    onSchedule?.(source, target, event);
    const name = id === undefined ? undefined : key(source, id);
    const timer: Timer = clock.setTimeout(
      () => {
        if (name !== undefined && named.get(name) === timer) named.delete(name);
        relay(system, source, target, event);
      },
      delay,
      source,
    );
    if (name !== undefined) named.set(name, timer);
  };

  const cancel: AnyActorSystem['scheduler']['cancel'] = (source, id) => {
    const timer = named.get(key(source, id));
    if (timer === undefined) return;
    named.delete(key(source, id));
    clock.clearTimeout(timer);
  };

  const cancelAll: AnyActorSystem['scheduler']['cancelAll'] = (source) => {
    clock.cancelOwnedBy(source);
    const prefix = `${source.sessionId}.`;
    for (const k of named.keys()) if (k.startsWith(prefix)) named.delete(k);
  };

  replaceScheduler(system, { schedule, cancel, cancelAll });
}
