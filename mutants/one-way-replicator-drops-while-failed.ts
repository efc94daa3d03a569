import { assign } from 'xstate';
import { databaseWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'one-way-replicator-drops-while-failed',
  description: 'A failed one-way replicator drops the writes it is told about instead of holding them until it recovers',
  component: 'database',
};

export const machines = databaseWithReplicatorActions({
  holdCopy: assign(({ context, event, self }) => {
    if (event.type !== 'replicator.replicate' || self.getSnapshot().matches('failed')) return {}; // the bug
    return { pending: [...context.pending, event.record] };
  }),
});
