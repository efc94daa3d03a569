import { enqueueActions } from 'xstate';
import { queueMachine } from '../machines/queue.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-ignores-receive-on-recovery',
  description:
    'A receive registered while the queue was failed is kept but not served on recovery: the consumer waits until some later send wakes the queue, forever if none comes',
  component: 'queue',
};

const deliverHead = queueMachine.implementations.actions.deliverHead;

export const machines = {
  queue: queueMachine.provide({
    actions: {
      // the bug: entering processing on recovery does not look for a waiting consumer
      deliverHead: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'queue.recover') enqueue(deliverHead as never);
      }),
    },
  }),
};
