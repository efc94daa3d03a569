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
      removeRecord: assign(({ context, event }) =>
        event.type !== 'queue.remove' ? {} : { records: context.records.slice(1), inFlight: null },
      ),
    },
  }),
};
