import { enqueueActions } from 'xstate';
import { globalDatabaseMachine, oneWayReplicatorId } from '../machines/global-database.machine';
import { peer } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'database-switch-keeps-roles',
  description: 'The global database switches its routing and replication but does not tell the regional databases their new roles',
  component: 'database',
};

export const machines = {
  database: globalDatabaseMachine.provide({
    actions: {
      switchRegions: enqueueActions(({ context, event, enqueue, system }) => {
        if (event.type !== 'database.switch') return;
        const to = context.activeRegion === context.regions[0] ? context.regions[1] : context.regions[0];
        // the bug: no database.setRole to the regional databases
        enqueue.sendTo(peer(system, oneWayReplicatorId(context.id), context.id), { type: 'replicator.switch', to, replyTo: event.replyTo, database: context.id });
        enqueue.assign({ activeRegion: to, switches: context.switches + 1 });
      }),
    },
  }),
};
