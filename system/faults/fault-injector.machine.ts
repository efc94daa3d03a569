import { assign, enqueueActions, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../../machines/support';
import type { ControlApplied, ControlEvent, ControlRejected } from './control';
import { stateMatches, stateName } from '../../actors/state-name';
import { systemNow } from '../../actors/xstate-internals';
import { describeFault, faultCommands, faultHitActor, faultSchema, type Fault, type FaultRecord } from './fault-plan';

export const faultInjectorInputSchema = z
  .object({
    faults: z.array(faultSchema),
    /** after healing a fault, also recover every container left in failed dependency (an operator's restart) */
    restartFailedContainers: z.boolean().default(false),
    /** systemIds of the containers, for that restart */
    containers: z.array(z.string()).default([]),
    /** per fault, the component next to its target whose state it records at the start (machines/layout.ts peerOf) */
    peers: z.array(z.string().nullable()).default([]),
  })
  .strict();
export type FaultInjectorInput = z.input<typeof faultInjectorInputSchema>;

type Status = 'pending' | 'active' | 'done' | 'expired';

export interface FaultInjectorContext {
  faults: Fault[];
  status: Status[];
  log: FaultRecord[];
  restartFailedContainers: boolean;
  containers: string[];
  rejected: string[];
}

export type FaultInjectorEvent =
  | { type: 'fault.start'; index: number }
  | { type: 'fault.end'; index: number }
  | { type: 'fault.expire'; index: number }
  | { type: 'container.failedDependency'; id: string }
  | ControlRejected
  | ControlApplied;

/** Watches actors for the states that trigger faults; reports each trigger once. */
const watchTriggers = fromCallback<{ type: 'fault.started'; index: number }, { faults: Fault[] }>(
  ({ input, sendBack, receive, system }) => {
    const subscriptions = new Map<number, { unsubscribe(): void }>();
    const stop = (index: number) => {
      subscriptions.get(index)?.unsubscribe();
      subscriptions.delete(index);
    };
    receive((event) => stop(event.index));
    input.faults.forEach((fault, index) => {
      if (!('when' in fault.trigger)) return;
      const { when, from = 0 } = fault.trigger;
      const actor = system.get(when.actor) as AnyActorRef | undefined;
      if (!actor) return;
      const check = (snapshot: AnyMachineSnapshot) => {
        if (!subscriptions.has(index) || snapshot.status !== 'active') return;
        if (systemNow(system) < from) return;
        if (!stateMatches(snapshot.value, when.state)) return;
        if (when.recordId !== undefined && currentRecordId(snapshot) !== when.recordId) return;
        stop(index);
        sendBack({ type: 'fault.start', index });
      };
      subscriptions.set(index, actor.subscribe(check));
    });
    return () => [...subscriptions.keys()].forEach(stop);
  },
);

/** After healing: reports each container that enters failed dependency, so it is restarted. */
const superviseContainers = fromCallback<EventObject, { containers: string[] }>(({ input, sendBack, system }) => {
  const subscriptions = input.containers.flatMap((id) => {
    const actor = system.get(id) as AnyActorRef | undefined;
    if (!actor) return [];
    let failed = false;
    const check = (snapshot: AnyMachineSnapshot) => {
      const now = snapshot.status === 'active' && stateMatches(snapshot.value, 'failedDependency');
      if (now && !failed) sendBack({ type: 'container.failedDependency', id });
      failed = now;
    };
    check(actor.getSnapshot() as AnyMachineSnapshot);
    return [actor.subscribe(check)];
  });
  return () => subscriptions.forEach((s) => s.unsubscribe());
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The record a component is on (its context's `current.recordId`), if any: each kind has its own context. */
function currentRecordId(snapshot: AnyMachineSnapshot): number | undefined {
  const context: unknown = snapshot.context;
  const current = isObject(context) ? context.current : undefined;
  const id = isObject(current) ? current.recordId : undefined;
  return typeof id === 'number' ? id : undefined;
}

/** An actor's snapshot by systemId, if it is there. */
const snapshotOf = (system: AnyActorRef['system'], id: string) => (system.get(id) as AnyActorRef | undefined)?.getSnapshot() as AnyMachineSnapshot | undefined;

/** A fault's new status and log entry, as a context change (a new list each, the others shared). */
function noted(context: FaultInjectorContext, index: number, status: Status, log: Partial<FaultRecord>) {
  return {
    status: context.status.map((s, i) => (i === index ? status : s)),
    log: context.log.map((entry, i) => (i === index ? { ...entry, ...log } : entry)),
  };
}

const isStatus = (status: Status) => ({ context, event }: { context: FaultInjectorContext; event: FaultInjectorEvent }) =>
  'index' in event && context.status[event.index] === status;

/**
 * The fault injector (the P reference's FailureInjector): carries out a
 * fault plan. Each fault starts at its virtual time or when a watched actor
 * reaches its trigger state, and is healed after its duration; every
 * command goes through the orchestrator like an operator's. Healed once
 * every fault is healed or its trigger window has passed.
 */
export const faultInjectorMachine = setup({
  types: {
    context: {} as FaultInjectorContext,
    events: {} as FaultInjectorEvent,
    input: {} as FaultInjectorInput,
  },
  actors: { watchTriggers, superviseContainers },
  guards: {
    isPending: isStatus('pending'),
    isActive: isStatus('active'),
    allHealed: ({ context }) => context.status.every((s) => s === 'done' || s === 'expired'),
  },
  actions: {
    scheduleFaults: enqueueActions(({ context, enqueue, self }) => {
      context.faults.forEach((fault, index) => {
        if ('at' in fault.trigger) enqueue.sendTo(self, { type: 'fault.start', index }, { delay: fault.trigger.at });
        else enqueue.sendTo(self, { type: 'fault.expire', index }, { delay: fault.trigger.until });
      });
    }),
    startFault: enqueueActions(({ context, event, enqueue, self, system }) => {
      if (event.type !== 'fault.start') return;
      const fault = context.faults[event.index];
      const now = systemNow(system);
      const hit = faultHitActor(fault);
      const snapshot = hit ? snapshotOf(system, hit) : undefined;
      const log: Partial<FaultRecord> = { start: now, hitState: snapshot ? stateName(snapshot.value) : null, hitRecordId: (snapshot && currentRecordId(snapshot)) ?? null };
      const peer = context.log[event.index].peer;
      if (peer !== undefined) {
        const peerSnapshot = snapshotOf(system, peer);
        log.peerState = peerSnapshot ? stateName(peerSnapshot.value) : null;
      }
      enqueue.assign(noted(context, event.index, 'active', log));
      const { fail, beforeFail } = faultCommands(fault);
      if (beforeFail) enqueue.sendParent({ type: 'tps.control', command: beforeFail, replyTo: self } satisfies ControlEvent);
      enqueue.sendParent({ type: 'tps.control', command: fail, replyTo: self } satisfies ControlEvent);
      enqueue.sendTo('watcher', { type: 'fault.started', index: event.index });
      enqueue.sendTo(self, { type: 'fault.end', index: event.index }, { delay: fault.duration });
    }),
    healFault: enqueueActions(({ context, event, enqueue, self, system }) => {
      if (event.type !== 'fault.end') return;
      const fault = context.faults[event.index];
      enqueue.assign(noted(context, event.index, 'done', { end: systemNow(system) }));
      const recover: ControlEvent = { type: 'tps.control', command: faultCommands(fault).recover, replyTo: self };
      enqueue.sendParent(recover);
      if (!context.restartFailedContainers) return;
      for (const id of context.containers) {
        const snapshot = snapshotOf(system, id);
        if (snapshot && stateMatches(snapshot.value, 'failedDependency'))
          enqueue.sendParent({ type: 'tps.control', command: { target: id, verb: 'recover' }, replyTo: self } satisfies ControlEvent);
      }
    }),
    expireFault: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'fault.expire') return;
      enqueue.assign(noted(context, event.index, 'expired', {}));
      enqueue.sendTo('watcher', { type: 'fault.started', index: event.index });
    }),
    restartContainer: enqueueActions(({ event, enqueue, self }) => {
      if (event.type !== 'container.failedDependency') return;
      enqueue.sendParent({ type: 'tps.control', command: { target: event.id, verb: 'recover' }, replyTo: self } satisfies ControlEvent);
    }),
    noteRejected: assign({
      rejected: ({ context, event }) =>
        event.type === 'tps.controlRejected' ? [...context.rejected, `${event.command.verb} ${event.command.target}: ${event.reason}`] : context.rejected,
    }),
    // A start or end that no longer applies (the fault already started, ended or expired).
    ignore: () => {},
  },
}).createMachine({
  id: 'faultInjector',
  context: ({ input }) => {
    const { faults, restartFailedContainers, containers, peers } = parseInput(faultInjectorInputSchema, input, 'fault injector input');
    return {
      faults,
      status: faults.map(() => 'pending'),
      log: faults.map((f, i) => ({
        id: f.id,
        kind: f.kind,
        target: f.target,
        ...(f.region !== undefined ? { region: f.region } : {}),
        start: null,
        end: null,
        hitState: null,
        hitRecordId: null,
        ...(peers[i] ? { peer: peers[i], peerState: null } : {}),
        label: describeFault(f),
      })),
      restartFailedContainers,
      containers,
      rejected: [],
    };
  },
  invoke: { id: 'watcher', src: 'watchTriggers', input: ({ context }) => ({ faults: context.faults }) },
  on: {
    'fault.start': [{ guard: 'isPending', target: '.injecting', actions: 'startFault' }, { actions: 'ignore' }],
    'fault.end': [{ guard: 'isActive', target: '.injecting', actions: 'healFault' }, { actions: 'ignore' }],
    'fault.expire': [{ guard: 'isPending', target: '.injecting', actions: 'expireFault' }, { actions: 'ignore' }],
    'tps.controlRejected': { actions: 'noteRejected' },
    'tps.controlApplied': {},
    'container.failedDependency': {},
  },
  entry: 'scheduleFaults',
  initial: 'injecting',
  states: {
    injecting: {
      description: 'Faults are pending or active.',
      always: { guard: 'allHealed', target: 'healed' },
    },
    healed: {
      description:
        'Every fault is healed or was never triggered: no new fault starts. With restartFailedContainers, a container that enters failed dependency (an answer from before the healing) is restarted.',
      invoke: {
        src: 'superviseContainers',
        input: ({ context }) => ({ containers: context.restartFailedContainers ? context.containers : [] }),
      },
      on: { 'container.failedDependency': { actions: 'restartContainer' } },
    },
  },
});
