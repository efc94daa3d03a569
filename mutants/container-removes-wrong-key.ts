import { enqueueActions } from 'xstate';
import { containerMachine } from '../machines/container.machine';
import type { QueueRemove } from '../machines/protocol';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-removes-wrong-key',
  description: 'The container removes by the record value instead of its id: the queue keeps the record and hands it back forever (livelock)',
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    actions: {
      removeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        const corr = context.ticket; // nextTicket ran first
        const remove: QueueRemove = { type: 'queue.remove', recordId: context.current!.recordValue, replyTo: self, corr };
        enqueue.sendTo(system.get(context.inputQueue), remove, { delay: LATENCY });
      }),
    },
  }),
};
