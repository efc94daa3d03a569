import { enqueueActions } from 'xstate';
import { containerMachine, tableWrite } from '../machines/container.machine';
import type { QueueRemove } from '../machines/protocol';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-removes-before-write',
  description: 'The container removes the record from its input queue when it asks for the table write, before the write is confirmed',
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    actions: {
      writeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        // corr -1: the container ignores this remove's answer
        const remove: QueueRemove = { type: 'queue.remove', recordId: context.current!.recordId, replyTo: self, corr: -1 };
        enqueue.sendTo(system.get(context.inputQueue), remove, { delay: LATENCY });
        enqueue.sendTo(system.get(context.table), tableWrite(context, self), { delay: LATENCY });
      }),
    },
  }),
};
