import { assign, type AnyActorRef } from 'xstate';
import { recordSourceMachine } from '../machines/record-source.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'source-republishes',
  description: 'The source sends the first record of every batch twice (a retry that was not needed)',
  component: 'source',
};

// Batches whose first record this source actor already repeated.
const repeated = new WeakMap<AnyActorRef, Set<number>>();

export const machines = {
  source: recordSourceMachine.provide({
    actions: {
      advance: assign(({ context, self }) => {
        let done = repeated.get(self);
        if (!done) repeated.set(self, (done = new Set()));
        if (context.next === 0 && !done.has(context.batch)) {
          done.add(context.batch);
          return { published: context.published + 1 }; // the bug: the same record again
        }
        return { next: context.next + 1, published: context.published + 1 };
      }),
    },
  }),
};
