import { sendTo } from 'xstate';
import { globalTableMachine } from '../machines/global-table.machine';
import { insertCompleted } from '../machines/messages';
import type { TableInsert, TableInsertCompleted } from '../machines/protocol';
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
      ({ context, event }): TableInsertCompleted =>
        insertCompleted({ table: context.id, stage: context.stage, region: context.region }, event as TableInsert, true),
      { delay: LATENCY },
    ),
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { regionalTable } }) };
