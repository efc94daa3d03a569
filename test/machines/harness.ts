/**
 * Test-only harness: runs component machines as children of one small root
 * machine (one actor system, so peers resolve each other by systemId), with
 * probe actors that record every event they receive, and an inspection log
 * of every event delivered to every actor, in delivery order.
 */
import {
  createActor,
  setup,
  type AnyActorLogic,
  type AnyActorRef,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type StateValue,
  type Snapshot,
} from 'xstate';
import { VirtualClock } from '../../actors/virtual-clock';
import type { TpsRecord } from '../../machines/protocol';

export interface Part {
  /** id and systemId of the child */
  id: string;
  logic: AnyActorLogic;
  input?: unknown;
}

export interface Delivery {
  /** systemId of the receiving actor */
  to: string;
  /** systemId of the sender; undefined for a send from the test itself */
  from: string | undefined;
  type: string;
  event: AnyEventObject;
  /** virtual time of delivery (0 without a clock) */
  at: number;
}

/** A machine that accepts any event and records it. */
export function probeLogic(events: AnyEventObject[]) {
  return setup({}).createMachine({
    id: 'probe',
    on: { '*': { actions: ({ event }) => void events.push(event) } },
  });
}

export const rec = (recordId: number, recordValue = recordId * 10 + 1): TpsRecord => ({ recordId, recordValue });

export interface SystemOptions {
  /** systemIds of probe actors to create (before the parts) */
  probes?: string[];
  clock?: VirtualClock;
}

export function startSystem(parts: Part[], options: SystemOptions = {}) {
  const received: Record<string, AnyEventObject[]> = {};
  const all: Part[] = [];
  for (const id of options.probes ?? []) {
    received[id] = [];
    all.push({ id, logic: probeLogic(received[id]) });
  }
  all.push(...parts);
  const clock = options.clock;
  const log: Delivery[] = [];
  const rootLogic = setup({}).createMachine({
    id: 'root',
    context: ({ spawn }) => {
      for (const p of all) spawn(p.logic as never, { id: p.id, systemId: p.id, input: p.input } as never);
      return {};
    },
  });
  const root = createActor(rootLogic, {
    clock,
    inspect: (ev) => {
      if (ev.type !== '@xstate.event') return;
      const to = (ev.actorRef as { systemId?: string }).systemId;
      if (!to) return;
      log.push({
        to,
        from: (ev.sourceRef as { systemId?: string } | undefined)?.systemId,
        type: ev.event.type,
        event: ev.event,
        at: clock ? clock.now() : 0,
      });
    },
  });
  root.start();

  const get = (id: string): AnyActorRef => {
    const ref = root.system.get(id) as AnyActorRef | undefined;
    if (!ref) throw new Error(`no actor '${id}' in the test system`);
    return ref;
  };
  // Every part is a machine: its snapshot is a machine snapshot (XState types a ref's as any).
  const snap = (id: string) => get(id).getSnapshot() as AnyMachineSnapshot;
  return {
    root,
    clock,
    log,
    received,
    get,
    send: (id: string, event: AnyEventObject) => get(id).send(event),
    snap,
    state: (id: string) => snap(id).value as StateValue,
    /** the child's context: its fields unknown, or typed as the test's machine (`ctx<QueueContext>('q')`) */
    ctx: <T extends object = Record<string, unknown>>(id: string) => snap(id).context as T,
    /** events delivered to `to` (optionally only of `type`, or only from `from`) */
    deliveredTo: (to: string, filter: { type?: string; from?: string } = {}) =>
      log.filter(
        (d) =>
          d.to === to &&
          (filter.type === undefined || d.type === filter.type) &&
          (filter.from === undefined || d.from === filter.from),
      ),
    /** clear the probes' records and the delivery log */
    reset: () => {
      log.length = 0;
      for (const k of Object.keys(received)) received[k].length = 0;
    },
  };
}
export type TestSystem = ReturnType<typeof startSystem>;

/** Creates (does not start) one actor with this input; returns its snapshot's status and error message. */
export function inputOutcome(logic: AnyActorLogic, input: unknown): { status: string; name?: string; message?: string } {
  const actor = createActor(logic, { input } as never);
  const snap = actor.getSnapshot() as Snapshot<unknown> & { error?: Error };
  return { status: snap.status, name: snap.error?.name, message: snap.error?.message };
}

/** Steps the clock until `done()` holds; fails if it never does. */
export function stepUntil(clock: VirtualClock, done: () => boolean, limit = 10_000): void {
  for (let i = 0; i < limit; i++) {
    if (done()) return;
    if (!clock.step()) break;
  }
  if (!done()) throw new Error('condition never held');
}
