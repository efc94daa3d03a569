import { update } from '../machines/context-update';
import type { ReplicatorContext, ReplicatorEvent } from '../machines/replicator.machine';
import { tableWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-drops-while-peer-failed',
  description: 'The replicator drops a copy its target region refused (the region was failed) instead of holding it until recovery',
  component: 'table',
};

export const machines = tableWithReplicatorActions({
  settleCopy: update<ReplicatorContext, ReplicatorEvent>((context, event) => {
    if (event.type !== 'table.insertCompleted') return;
    const lane = context.lanes[event.region];
    if (!lane) return;
    lane.busy = false;
    lane.pending = lane.pending.filter((r) => r.recordId !== event.record.recordId); // the bug: success or not
  }),
});
