import { enqueueActions } from 'xstate';
import { replicatorMachine } from '../machines/replicator.machine';
import { tableWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-blocks-on-stale-failure',
  description:
    'The replicator blocks a lane on any failed copy, even one answered after the region had already recovered: with no later recovery, the lane stays blocked',
  component: 'table',
};

const settleCopy = replicatorMachine.implementations.actions.settleCopy;

export const machines = tableWithReplicatorActions({
  // the bug: a failure answer is taken as current whatever generation it carries
  settleCopy: enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'table.insertCompleted' || event.success || !context.lanes[event.region]) return enqueue(settleCopy as never);
    enqueue.assign({ lanes: { ...context.lanes, [event.region]: { ...context.lanes[event.region], busy: false, blocked: true } } });
  }),
});
