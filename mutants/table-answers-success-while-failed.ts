import { sendTo } from 'xstate';
import { globalTableMachine } from '../machines/global-table.machine';
import type { InsertOrigin, TableInsert, TableInsertCompleted } from '../machines/protocol';
import { regionalTableMachine } from '../machines/regional-table.machine';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'table-answers-success-while-failed',
  description: 'A failed regional table answers every insert with success, without writing it',
  component: 'table',
};

const regionalTable = regionalTableMachine.provide({
  actions: {
    answerInsert: sendTo(
      ({ event }) => (event as TableInsert).replyTo,
      ({ context, event }): TableInsertCompleted => {
        const e = event as TableInsert;
        return {
          type: 'table.insertCompleted', table: context.id, stage: context.stage, region: context.region,
          record: e.record, success: true, origin: (e.origin ?? 'write') as InsertOrigin, corr: e.corr,
        };
      },
      { delay: LATENCY },
    ),
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { regionalTable } }) };
