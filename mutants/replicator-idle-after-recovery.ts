import { enqueueActions } from 'xstate';
import { globalTableMachine } from '../machines/global-table.machine';
import { replicatorMachine } from '../machines/replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-idle-after-recovery',
  description:
    'A recovered replicator does not restart its lanes: the copies it held while failed wait for the next write to the table, forever if none comes',
  component: 'table',
};

const applyCopies = replicatorMachine.implementations.actions.applyCopies;

const replicator = replicatorMachine.provide({
  actions: {
    // the bug: the recovery itself does not apply the held copies
    applyCopies: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'replicator.recover') enqueue(applyCopies as never);
    }),
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { replicator } }) };
