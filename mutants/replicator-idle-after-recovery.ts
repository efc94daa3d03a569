import { enqueueActions } from 'xstate';
import { replicatorMachine } from '../machines/replicator.machine';
import { tableWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-idle-after-recovery',
  description:
    'A recovered replicator does not restart its lanes: the copies it held while failed wait for the next write to the table, forever if none comes',
  component: 'table',
};

const applyCopies = replicatorMachine.implementations.actions.applyCopies;

export const machines = tableWithReplicatorActions({
  // the bug: the recovery itself does not apply the held copies
  applyCopies: enqueueActions(({ event, enqueue }) => {
    if (event.type !== 'replicator.recover') enqueue(applyCopies as never);
  }),
});
