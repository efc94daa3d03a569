import { enqueueActions, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../../machines/support';
import type { ControlApplied, ControlEvent, ControlRejected } from '../control';
import { stateMatches, stateName } from '../state-name';
import { systemNow } from '../xstate-internals';
import { describeFault, faultCommands, faultHitActor, faultSchema, type Fault, type FaultRecord } from './fault-plan';

export const faultInjectorInputSchema = z
  .object({
    faults: z.array(faultSchema),
    /** after healing a fault, also recover every container left in failed dependency (an operator's restart) */
    restartFailedContainers: z.boolean().default(false),
    /** systemIds of the containers, for that restart */
    containers: z.array(z.string()).default([]),
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
        if (when.recordId !== undefined && snapshot.context?.current?.recordId !== when.recordId) return;
        stop(index);
        sendBack({ type: 'fault.start', index });
      };
      subscriptions.set(index, actor.subscribe(check));
    });
    return () => [...subscriptions.keys()].forEach(stop);
  },
);

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
  actors: { watchTriggers },
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
      const snapshot = hit ? (system.get(hit)?.getSnapshot() as AnyMachineSnapshot | undefined) : undefined;
      context.status[event.index] = 'active';
      context.log[event.index] = {
        ...context.log[event.index],
        start: now,
        hitState: snapshot ? stateName(snapshot.value) : null,
        hitRecordId: snapshot?.context?.current?.recordId ?? null,
      };
      const control: ControlEvent = { type: 'tps.control', command: faultCommands(fault).fail, replyTo: self };
      enqueue.sendParent(control);
      enqueue.sendTo('watcher', { type: 'fault.started', index: event.index });
      enqueue.sendTo(self, { type: 'fault.end', index: event.index }, { delay: fault.duration });
    }),
    healFault: enqueueActions(({ context, event, enqueue, self, system }) => {
      if (event.type !== 'fault.end') return;
      const fault = context.faults[event.index];
      context.status[event.index] = 'done';
      context.log[event.index] = { ...context.log[event.index], end: systemNow(system) };
      const recover: ControlEvent = { type: 'tps.control', command: faultCommands(fault).recover, replyTo: self };
      enqueue.sendParent(recover);
      if (!context.restartFailedContainers) return;
      for (const id of context.containers) {
        const snapshot = system.get(id)?.getSnapshot() as AnyMachineSnapshot | undefined;
        if (snapshot && stateMatches(snapshot.value, 'failedDependency'))
          enqueue.sendParent({ type: 'tps.control', command: { target: id, verb: 'recover' }, replyTo: self } satisfies ControlEvent);
      }
    }),
    expireFault: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'fault.expire') return;
      context.status[event.index] = 'expired';
      enqueue.sendTo('watcher', { type: 'fault.started', index: event.index });
    }),
    noteRejected: ({ context, event }) => {
      if (event.type === 'tps.controlRejected') context.rejected.push(`${event.command.verb} ${event.command.target}: ${event.reason}`);
    },
    // A start or end that no longer applies (the fault already started, ended or expired).
    ignore: () => {},
  },
}).createMachine({
  id: 'faultInjector',
  context: ({ input }) => {
    const { faults, restartFailedContainers, containers } = parseInput(faultInjectorInputSchema, input, 'fault injector input');
    return {
      faults,
      status: faults.map(() => 'pending' as Status),
      log: faults.map((f) => ({
        id: f.id,
        kind: f.kind,
        target: f.target,
        ...(f.region !== undefined ? { region: f.region } : {}),
        start: null,
        end: null,
        hitState: null,
        hitRecordId: null,
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
  },
  entry: 'scheduleFaults',
  initial: 'injecting',
  states: {
    injecting: {
      description: 'Faults are pending or active.',
      always: { guard: 'allHealed', target: 'healed' },
    },
    healed: {
      description: 'Every fault is healed or was never triggered: no new fault starts.',
    },
  },
});
