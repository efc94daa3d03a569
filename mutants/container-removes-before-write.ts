import { enqueueActions } from 'xstate';
import { containerMachine } from '../machines/container.machine';
import type { QueueRemove, TableInsert } from '../machines/protocol';
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
        const corr = context.ticket; // nextTicket ran first
        // corr -1: the container ignores this remove's answer
        const remove: QueueRemove = { type: 'queue.remove', recordId: context.current!.recordId, replyTo: self, corr: -1 };
        const insert: TableInsert = { type: 'table.insert', region: context.region, record: context.current!, replyTo: self, corr };
        enqueue.sendTo(system.get(context.inputQueue), remove, { delay: LATENCY });
        enqueue.sendTo(system.get(context.table), insert, { delay: LATENCY });
      }),
    },
  }),
};
