import { enqueueActions } from 'xstate';
import { queueMachine, recordDelivered } from '../machines/queue.machine';
import { keptActor, LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-hides-in-flight',
  description:
    'A consumer that registers again after a failure never sees the record it had in flight: the queue keeps it hidden (a visibility timeout that never ends) and hands out the next one',
  component: 'queue',
};

export const machines = {
  queue: queueMachine.provide({
    actions: {
      deliverHead: enqueueActions(({ context, enqueue, system }) => {
        const consumer = context.consumer;
        const held = context.records;
        const visible = context.inFlight === null ? held : held.filter((r) => r.recordId !== context.inFlight);
        const head = visible[0];
        if (!consumer || !head) return;
        enqueue.sendTo(keptActor(system, consumer.replyTo, context.id), recordDelivered(context, head, consumer), { delay: LATENCY });
        // the hidden record stays "in flight"; the new one is handed out beside it
        enqueue.assign({ consumer: null, inFlight: context.inFlight ?? head.recordId });
      }),
    },
  }),
};
