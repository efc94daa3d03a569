import { assign } from 'xstate';
import { queueMachine } from '../machines/queue.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-removes-head',
  description: 'The queue removes its oldest record whatever id the remove names (the P reference\'s blind dequeue)',
  component: 'queue',
};

export const machines = {
  queue: queueMachine.provide({
    actions: {
      removeRecord: assign(({ context, event }) => {
        if (event.type !== 'queue.remove') return {};
        const head = context.records.peek();
        if (head) context.records.remove(head.recordId);
        return { inFlight: null };
      }),
    },
  }),
};
