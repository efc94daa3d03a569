import { enqueueActions, type AnyStateMachine } from 'xstate';
import { globalDatabaseMachine } from '../machines/global-database.machine';
import { globalTableMachine } from '../machines/global-table.machine';
import { oneWayReplicatorMachine } from '../machines/one-way-replicator.machine';
import type { TpsRecord } from '../machines/protocol';
import { queueMachine, recordDelivered, type QueueContext } from '../machines/queue.machine';
import { replicatorMachine } from '../machines/replicator.machine';
import { keptActor, LATENCY } from '../machines/support';
import type { ComponentKind } from '../machines/layout';

/** What a mutant module exports besides `machines` (the `--machines MODULE` format). */
export interface MutantInfo {
  name: string;
  description: string;
  component: ComponentKind;
}

export interface MutantModule {
  mutant: MutantInfo;
  machines: Partial<Record<ComponentKind, AnyStateMachine>>;
}

/** A global table whose replicator runs the given actions (a planted bug) in place of its own. */
export const tableWithReplicatorActions = (actions: NonNullable<Parameters<typeof replicatorMachine.provide>[0]['actions']>) => ({
  table: globalTableMachine.provide({ actors: { replicator: replicatorMachine.provide({ actions }) } }),
});

/** A global database whose one-way replicator runs the given actions (a planted bug) in place of its own. */
export const databaseWithReplicatorActions = (actions: NonNullable<Parameters<typeof oneWayReplicatorMachine.provide>[0]['actions']>) => ({
  database: globalDatabaseMachine.provide({ actors: { replicator: oneWayReplicatorMachine.provide({ actions }) } }),
});

/**
 * A queue that hands its consumer the record `pick` chooses instead of its oldest (a planted bug),
 * then counts `inFlight(context, record)` as in flight: delivery and hand-over in one action.
 */
export const queueHandingOut = (
  pick: (context: QueueContext) => TpsRecord | undefined,
  inFlight: (context: QueueContext, record: TpsRecord) => number,
) => ({
  queue: queueMachine.provide({
    actions: {
      deliverHead: enqueueActions(({ context, enqueue, system }) => {
        const consumer = context.consumer;
        const record = pick(context);
        if (!consumer || !record) return;
        enqueue.sendTo(keptActor(system, consumer.replyTo, context.id), recordDelivered(context, record, consumer), { delay: LATENCY });
        enqueue.assign({ consumer: null, inFlight: inFlight(context, record) });
      }),
    },
  }),
});
