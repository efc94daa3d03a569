import { containerMachine } from '../machines/container.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-matches-doubt-by-ticket',
  description:
    'The container takes an answer as the one it awaits in doubt only if it answers the request before its latest: right after one restart it is, after a second restart while confirming it is not, and the container waits forever',
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    guards: {
      // the bug: assumes one restart at most since the send (its ticket, then the receive's)
      answersDoubtWithSuccess: ({ context, event }) =>
        event.type === 'queue.sendCompleted' && event.record.recordId === context.inDoubt && event.success && event.corr === context.ticket - 1,
      answersDoubtWithFailure: ({ context, event }) =>
        event.type === 'queue.sendCompleted' && event.record.recordId === context.inDoubt && !event.success && event.corr === context.ticket - 1,
    },
  }),
};
