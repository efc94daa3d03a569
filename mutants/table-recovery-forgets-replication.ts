import { globalTableMachine } from '../machines/global-table.machine';
import { RecordFifo } from '../machines/record-fifo';
import { replicatorMachine } from '../machines/replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'table-recovery-forgets-replication',
  description: 'When a region recovers, the replicator forgets the copies it held for it instead of applying them',
  component: 'table',
};

const replicator = replicatorMachine.provide({
  actions: {
    unblockRegion: ({ context, event }) => {
      if (event.type !== 'replicator.regionRecovered') return;
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.blocked = false;
      lane.generation++;
      lane.pending = new RecordFifo(); // the bug
    },
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { replicator } }) };
