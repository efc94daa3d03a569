import { enqueueActions } from 'xstate';
import { containerMachine } from '../machines/container.machine';
import type { TableInsert } from '../machines/protocol';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-writes-other-region',
  description: "Region 2's containers write to region 1's table (a misconfigured endpoint); replication hides it from a row count",
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    actions: {
      writeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        const corr = context.ticket; // nextTicket ran first
        const insert: TableInsert = { type: 'table.insert', region: 1, record: context.current!, replyTo: self, corr };
        enqueue.sendTo(system.get(context.table), insert, { delay: LATENCY });
      }),
    },
  }),
};
