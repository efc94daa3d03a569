import { assign } from 'xstate';
import { queueMachine } from '../machines/queue.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-takes-stale-receive',
  description:
    'The queue takes every receive as the consumer\'s latest: a request from before a crash that arrives after the one sent on restart wins, and the record goes to a request the container gave up',
  component: 'queue',
};

export const machines = {
  queue: queueMachine.provide({
    actions: {
      registerConsumer: assign(({ event }) => {
        const consumer = event.type === 'queue.receive' ? { replyTo: event.replyTo, corr: event.corr } : null;
        return { consumer, lastReceive: consumer };
      }),
    },
  }),
};
