import { globalTableMachine } from '../machines/global-table.machine';
import { replicatorMachine } from '../machines/replicator.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-drops-while-failed',
  description: 'A failed replicator drops the writes it is told about instead of holding them until it recovers (the P reference drops them)',
  component: 'table',
};

const replicator = replicatorMachine.provide({
  actions: {
    holdCopies: ({ context, event, self }) => {
      if (event.type !== 'replicator.replicate') return;
      if (self.getSnapshot().matches('failed')) return; // the bug: a copy made while failed is lost
      for (const region in context.lanes) {
        if (Number(region) !== event.from) context.lanes[region].pending.push(event.record);
      }
    },
  },
});

export const machines = { table: globalTableMachine.provide({ actors: { replicator } }) };
