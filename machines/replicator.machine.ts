import { assertEvent, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import type {
  ReplicatorFail,
  ReplicatorRecover,
  ReplicatorRegionRecovered,
  ReplicatorReplicate,
  TableInsert,
  TableInsertCompleted,
} from './protocol';
import { regionSchema } from './protocol';
import { RecordFifo } from './record-fifo';
import { immediate, LATENCY, parseInput, peer } from './support';

export const replicatorInputSchema = z.object({
  id: z.string().min(1),
  /** the regional tables it keeps in step, by region */
  tables: z
    .array(z.object({ region: regionSchema, table: z.string().min(1) }))
    .min(2, 'a replicator needs at least two regional tables'),
});
export type ReplicatorInput = z.input<typeof replicatorInputSchema>;

export type ReplicatorEvent =
  | ReplicatorReplicate
  | ReplicatorRegionRecovered
  | ReplicatorFail
  | ReplicatorRecover
  | TableInsertCompleted;

/** Copies bound for one target region, applied one at a time, in order. */
export interface ReplicationLane {
  table: string;
  pending: RecordFifo;
  busy: boolean;
  /** the target answered failure: hold until it is reported recovered */
  blocked: boolean;
  /** bumped on each recovery so a failure answer from before it does not block */
  generation: number;
}

export interface ReplicatorContext {
  id: string;
  lanes: Record<number, ReplicationLane>;
}

/** Number of copies not yet applied in their target region. */
export const replicationLag = (context: ReplicatorContext): number =>
  Object.values(context.lanes).reduce((sum, lane) => sum + lane.pending.size, 0);

/**
 * Asynchronous replication between the regional tables of one global table.
 * Nothing is dropped: copies for a failed region, or made while the
 * replicator itself is failed, are held and applied in order on recovery.
 */
export const replicatorMachine = setup({
  types: {
    context: {} as ReplicatorContext,
    events: {} as ReplicatorEvent,
    input: {} as ReplicatorInput,
  },
  delays: { [LATENCY]: immediate },
  // Lanes are this replicator's own and are updated in place: every event still gives
  // observers a snapshot (XState notifies them per event), so no copy is made to publish one.
  actions: {
    holdCopies: enqueueActions(({ context, event }) => {
      assertEvent(event, 'replicator.replicate');
      for (const region in context.lanes) {
        if (Number(region) !== event.from) context.lanes[region].pending.push(event.record);
      }
    }),
    settleCopy: enqueueActions(({ context, event }) => {
      assertEvent(event, 'table.insertCompleted');
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.busy = false;
      if (event.success) lane.pending.remove(event.record.recordId);
      else if (event.corr === lane.generation) lane.blocked = true;
    }),
    unblockRegion: enqueueActions(({ context, event }) => {
      assertEvent(event, 'replicator.regionRecovered');
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.blocked = false;
      lane.generation++;
    }),
    applyCopies: enqueueActions(({ context, enqueue, system, self }) => {
      for (const region in context.lanes) {
        const lane = context.lanes[region];
        const head = lane.pending.peek();
        if (lane.busy || lane.blocked || !head) continue;
        lane.busy = true;
        const insert: TableInsert = {
          type: 'table.insert',
          region: Number(region),
          record: head,
          origin: 'replication',
          corr: lane.generation,
          replyTo: self,
        };
        enqueue.sendTo(peer(system, lane.table, context.id), insert, { delay: LATENCY });
      }
    }),
  },
}).createMachine({
  id: 'replicator',
  context: ({ input }) => {
    const { id, tables } = parseInput(replicatorInputSchema, input, 'replicator input');
    const lanes: Record<number, ReplicationLane> = {};
    for (const { region, table } of tables) {
      lanes[region] = { table, pending: new RecordFifo(), busy: false, blocked: false, generation: 0 };
    }
    return { id, lanes };
  },
  initial: 'replicating',
  states: {
    replicating: {
      entry: 'applyCopies',
      on: {
        'replicator.replicate': { actions: ['holdCopies', 'applyCopies'] },
        'table.insertCompleted': { actions: ['settleCopy', 'applyCopies'] },
        'replicator.regionRecovered': { actions: ['unblockRegion', 'applyCopies'] },
        'replicator.fail': { target: 'failed' },
        'replicator.recover': { description: 'Already replicating.' },
      },
    },
    failed: {
      on: {
        'replicator.replicate': { actions: ['holdCopies'] },
        'table.insertCompleted': { actions: ['settleCopy'] },
        'replicator.regionRecovered': { actions: ['unblockRegion'] },
        'replicator.fail': { description: 'Already failed.' },
        'replicator.recover': { target: 'replicating' },
      },
    },
  },
});
