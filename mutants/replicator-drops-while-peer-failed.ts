import { globalTableMachine } from '../machines/global-table.machine';
import { update } from '../machines/context-update';
import { replicatorMachine, type ReplicatorContext, type ReplicatorEvent } from '../machines/replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-drops-while-peer-failed',
  description: 'The replicator drops a copy its target region refused (the region was failed) instead of holding it until recovery',
  component: 'table',
};

const replicator = replicatorMachine.provide({
  actions: {
    settleCopy: update<ReplicatorContext, ReplicatorEvent>((context, event) => {
      if (event.type !== 'table.insertCompleted') return;
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.busy = false;
      lane.pending = lane.pending.filter((r) => r.recordId !== event.record.recordId); // the bug: success or not
    }),
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { replicator } }) };
