import { enqueueActions } from 'xstate';
import { queueMachine, recordDelivered } from '../machines/queue.machine';
import { keptActor, LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-lifo',
  description: 'The queue hands out its newest record instead of its oldest (last in, first out)',
  component: 'queue',
};

export const machines = {
  queue: queueMachine.provide({
    actions: {
      deliverHead: enqueueActions(({ context, enqueue, system }) => {
        const consumer = context.consumer;
        const held = context.records;
        const newest = held[held.length - 1];
        if (!consumer || !newest) return;
        enqueue.sendTo(keptActor(system, consumer.replyTo, context.id), recordDelivered(context, newest, consumer), { delay: LATENCY });
        enqueue.assign({ consumer: null, inFlight: newest.recordId });
      }),
    },
  }),
};
