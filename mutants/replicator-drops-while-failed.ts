import { enqueueActions } from 'xstate';
import { replicatorMachine } from '../machines/replicator.machine';
import { tableWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-drops-while-failed',
  description: 'A failed replicator drops the writes it is told about instead of holding them until it recovers (the P reference drops them)',
  component: 'table',
};

const holdCopies = replicatorMachine.implementations.actions.holdCopies;

export const machines = tableWithReplicatorActions({
  holdCopies: enqueueActions(({ self, enqueue }) => {
    if (self.getSnapshot().matches('failed')) return; // the bug: a copy made while failed is lost
    enqueue(holdCopies as never);
  }),
});
