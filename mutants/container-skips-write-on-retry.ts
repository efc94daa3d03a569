import { enqueueActions, type AnyActorRef } from 'xstate';
import { containerMachine } from '../machines/container.machine';
import type { TableInsert, TableInsertCompleted } from '../machines/protocol';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-skips-write-on-retry',
  description: 'Retrying a record after recovery, the container assumes its table write already happened and goes straight to publishing',
  component: 'container',
};

// Records each container actor has tried to write (per actor, so runs do not share it).
const attempted = new WeakMap<AnyActorRef, Set<number>>();

export const machines = {
  container: containerMachine.provide({
    actions: {
      writeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        const corr = context.ticket; // nextTicket ran first
        const record = context.current!;
        let seen = attempted.get(self);
        if (!seen) attempted.set(self, (seen = new Set()));
        if (seen.has(record.recordId)) {
          // the bug: pretend the table answered success
          const fake: TableInsertCompleted = {
            type: 'table.insertCompleted', table: context.table, stage: context.stage, region: context.region,
            record, success: true, origin: 'write', corr,
          };
          enqueue.raise(fake);
          return;
        }
        seen.add(record.recordId);
        const insert: TableInsert = { type: 'table.insert', region: context.region, record, replyTo: self, corr };
        enqueue.sendTo(system.get(context.table), insert, { delay: LATENCY });
      }),
    },
  }),
};
