import { enqueueActions } from 'xstate';
import { globalTableMachine } from '../machines/global-table.machine';
import { replicatorMachine } from '../machines/replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-drops-while-failed',
  description: 'A failed replicator drops the writes it is told about instead of holding them until it recovers (the P reference drops them)',
  component: 'table',
};

const holdCopies = replicatorMachine.implementations.actions.holdCopies;

const replicator = replicatorMachine.provide({
  actions: {
    holdCopies: enqueueActions(({ self, enqueue }) => {
      if (self.getSnapshot().matches('failed')) return; // the bug: a copy made while failed is lost
      enqueue(holdCopies as never);
    }),
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { replicator } }) };
