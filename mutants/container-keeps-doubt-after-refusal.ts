import { enqueueActions } from 'xstate';
import { containerMachine } from '../machines/container.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-keeps-doubt-after-refusal',
  description:
    'A refusal of its send that reaches the container while it is down is ignored: recovered, it waits to confirm a send that was already answered',
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    actions: {
      // the bug: only a success answered after a crash settles the doubt
      noteStaleForward: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'queue.sendCompleted' || !event.success) return;
        enqueue.assign({
          forwarded: { ...context.forwarded, [event.record.recordId]: true },
          inDoubt: event.record.recordId === context.inDoubt ? null : context.inDoubt,
        });
      }),
    },
  }),
};
