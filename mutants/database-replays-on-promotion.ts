import { enqueueActions } from 'xstate';
import { globalDatabaseMachine } from '../machines/global-database.machine';
import { regionalDatabaseMachine } from '../machines/regional-database.machine';
import { LATENCY, peer } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'database-replays-on-promotion',
  description: 'A regional database promoted to active re-seeds replication: it tells the replicator every row it holds, so the new passive region gets copies it already has',
  component: 'database',
};

const regionalDatabase = regionalDatabaseMachine.provide({
  actions: {
    takeRole: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'database.setRole') return;
      enqueue.assign({ active: event.active });
      if (!event.active || !context.replicator) return;
      // the bug: every row is replicated again
      for (const record of context.rows)
        enqueue.sendTo(peer(system, context.replicator, context.id), { type: 'replicator.replicate', record, from: context.region }, { delay: LATENCY });
    }),
  },
});

export const machines = { database: globalDatabaseMachine.provide({ actors: { regionalDatabase } }) };
