import { enqueueActions } from 'xstate';
import { queueMachine } from '../machines/queue.machine';
import type { QueueRecordDelivered } from '../machines/protocol';
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
        const delivery: QueueRecordDelivered = { type: 'queue.record', queue: context.id, region: context.region, record: newest, corr: consumer.corr };
        enqueue.sendTo(keptActor(system, consumer.replyTo, context.id), delivery, { delay: LATENCY });
        enqueue.assign({ consumer: null, inFlight: newest.recordId });
      }),
    },
  }),
};
