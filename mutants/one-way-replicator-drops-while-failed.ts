import { assign } from 'xstate';
import { globalDatabaseMachine } from '../machines/global-database.machine';
import { oneWayReplicatorMachine } from '../machines/one-way-replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'one-way-replicator-drops-while-failed',
  description: 'A failed one-way replicator drops the writes it is told about instead of holding them until it recovers',
  component: 'database',
};

const replicator = oneWayReplicatorMachine.provide({
  actions: {
    holdCopy: assign(({ context, event, self }) => {
      if (event.type !== 'replicator.replicate' || self.getSnapshot().matches('failed')) return {}; // the bug
      return { pending: [...context.pending, event.record] };
    }),
  },
});

export const machines = { database: globalDatabaseMachine.provide({ actors: { replicator } }) };
