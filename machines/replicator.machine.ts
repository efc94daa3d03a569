import { assertEvent, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import type {
  ReplicatorFail,
  ReplicatorRecover,
  ReplicatorRegionRecovered,
  ReplicatorReplicate,
  TableInsert,
  TableInsertCompleted,
  TpsRecord,
} from './protocol';
import { regionSchema } from './protocol';
import { updater } from './context-update';
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
  /** copies not yet applied, oldest first */
  pending: TpsRecord[];
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
  Object.values(context.lanes).reduce((sum, lane) => sum + lane.pending.length, 0);

const change = updater<ReplicatorContext, ReplicatorEvent>();

/** Lanes with a copy to apply and no copy awaiting its answer, by target region. */
function readyLanes(context: ReplicatorContext): [number, ReplicationLane][] {
  const ready: [number, ReplicationLane][] = [];
  for (const region in context.lanes) {
    const lane = context.lanes[region];
    if (!lane.busy && !lane.blocked && lane.pending.length > 0) ready.push([Number(region), lane]);
  }
  return ready;
}

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
  actions: {
    holdCopies: change((context, event) => {
      assertEvent(event, 'replicator.replicate');
      for (const region in context.lanes) {
        if (Number(region) !== event.from) context.lanes[region].pending.push(event.record);
      }
    }),
    settleCopy: change((context, event) => {
      assertEvent(event, 'table.insertCompleted');
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.busy = false;
      if (event.success) {
        const at = lane.pending.findIndex((r) => r.recordId === event.record.recordId);
        if (at === 0) lane.pending.shift();
        else if (at > 0) lane.pending.splice(at, 1);
      } else if (event.corr === lane.generation) lane.blocked = true;
    }),
    unblockRegion: change((context, event) => {
      assertEvent(event, 'replicator.regionRecovered');
      const lane = context.lanes[event.region];
      if (!lane) return;
      lane.blocked = false;
      lane.generation++;
    }),
    applyCopies: enqueueActions(({ context, enqueue, system, self }) => {
      for (const [region, lane] of readyLanes(context)) {
        const insert: TableInsert = {
          type: 'table.insert',
          region,
          record: lane.pending[0],
          origin: 'replication',
          corr: lane.generation,
          replyTo: self,
        };
        enqueue.sendTo(peer(system, lane.table, context.id), insert, { delay: LATENCY });
      }
    }),
    // after applyCopies: a lane waits for the answer to the copy it sent
    markLanesBusy: change((context) => {
      for (const [, lane] of readyLanes(context)) lane.busy = true;
    }),
  },
}).createMachine({
  id: 'replicator',
  context: ({ input }) => {
    const { id, tables } = parseInput(replicatorInputSchema, input, 'replicator input');
    const lanes: Record<number, ReplicationLane> = {};
    for (const { region, table } of tables) {
      lanes[region] = { table, pending: [], busy: false, blocked: false, generation: 0 };
    }
    return { id, lanes };
  },
  initial: 'replicating',
  states: {
    replicating: {
      entry: ['applyCopies', 'markLanesBusy'],
      on: {
        'replicator.replicate': { actions: ['holdCopies', 'applyCopies', 'markLanesBusy'] },
        'table.insertCompleted': { actions: ['settleCopy', 'applyCopies', 'markLanesBusy'] },
        'replicator.regionRecovered': { actions: ['unblockRegion', 'applyCopies', 'markLanesBusy'] },
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
