import { update } from '../machines/context-update';
import type { ReplicatorContext, ReplicatorEvent } from '../machines/replicator.machine';
import { tableWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'table-recovery-forgets-replication',
  description: 'When a region recovers, the replicator forgets the copies it held for it instead of applying them',
  component: 'table',
};

export const machines = tableWithReplicatorActions({
  unblockRegion: update<ReplicatorContext, ReplicatorEvent>((context, event) => {
    if (event.type !== 'replicator.regionRecovered') return;
    const lane = context.lanes[event.region];
    if (!lane) return;
    lane.blocked = false;
    lane.generation++;
    lane.pending = []; // the bug
  }),
});
