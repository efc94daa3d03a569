import { and, assign, enqueueActions, sendTo, setup } from 'xstate';
import { z } from 'zod';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import type { DatabaseSwitchCompleted, LostCopy, ReplicatorSwitch } from './active-passive-protocol';
import type { ReplicatorFail, ReplicatorRecover, ReplicatorReplicate, TableInsert, TableInsertCompleted, TpsRecord, WrongPeer } from './protocol';
import { regionSchema } from './protocol';
import { immediate, LATENCY, parseInput, peer } from './support';

export const oneWayReplicatorInputSchema = z
  .object({
    id: z.string().min(1),
    /** the two regional databases, by region */
    databases: z
      .array(z.object({ region: regionSchema, database: z.string().min(1) }).strict())
      .length(2, 'a one-way replicator joins exactly two regional databases')
      .refine((d) => d.length !== 2 || d[0].region !== d[1].region, 'the two databases must be in different regions'),
    /** the region copied from; the first database's when not given */
    from: regionSchema.optional(),
  })
  .strict()
  .refine((i) => i.from === undefined || i.databases.some((d) => d.region === i.from), {
    message: 'from must be the region of one of the databases',
    path: ['from'],
  });
export type OneWayReplicatorInput = z.input<typeof oneWayReplicatorInputSchema>;

export type OneWayReplicatorEvent = ReplicatorReplicate | ReplicatorFail | ReplicatorRecover | ReplicatorSwitch | TableInsertCompleted | WrongPeer;

export interface OneWayReplicatorContext {
  readonly id: string;
  readonly databases: readonly { readonly region: number; readonly database: string }[];
  /** the active region: copies go from it to the other one */
  readonly from: number;
  /** copies written to the active region and not yet applied to the passive one, oldest first */
  readonly pending: readonly TpsRecord[];
  /** the oldest pending copy has been sent and not answered */
  readonly busy: boolean;
  /** the passive database answered failure: hold until replication is recovered */
  readonly blocked: boolean;
  /** bumped on each switch and recovery, so an answer to an older copy is not taken for the current one */
  readonly generation: number;
  /** copies dropped by switches: written to the old active region, never applied to the new one */
  readonly lost: readonly LostCopy[];
  /** the copy that was out when the direction turned, until its answer comes */
  readonly orphan: LostCopy | null;
  /** ids of the copies the latest switch dropped */
  readonly lastSwitchLost: readonly number[];
}

/** The region that is not `from`. */
export const passiveRegion = (c: Pick<OneWayReplicatorContext, 'databases' | 'from'>): number =>
  c.databases.find((d) => d.region !== c.from)!.region;

/** A copy can be sent: none is out, the passive database is not refusing, and one is waiting. */
const canApply = (c: OneWayReplicatorContext): boolean => !c.busy && !c.blocked && c.pending.length > 0;

const REPLICATOR = 'one-way replicator';
const read: EventReader<OneWayReplicatorEvent> = eventReader<OneWayReplicatorEvent>(REPLICATOR);
const protocol = protocolOf<OneWayReplicatorEvent>({
  'replicator.replicate': true,
  'replicator.fail': true,
  'replicator.recover': true,
  'replicator.switch': true,
  'table.insertCompleted': true,
  'tps.wrongPeer': true,
});

/**
 * Asynchronous one-way replication of an active-passive global database
 * (Aurora-like): every write of the active region is copied, in order and one
 * at a time, to the passive region. Failed, it holds copies and applies them
 * on recovery. A switch turns the direction at once: copies not yet applied
 * are lost (the design's recovery point), and reported as such.
 */
export const oneWayReplicatorMachine = setup({
  types: {
    context: {} as OneWayReplicatorContext,
    events: {} as OneWayReplicatorEvent,
    input: {} as OneWayReplicatorInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
    isFromActive: ({ context, event }) => (read(context, event, 'replicator.replicate'), event.from === context.from),
    answersCurrentCopy: ({ context, event }) =>
      (read(context, event, 'table.insertCompleted'), event.corr === context.generation && context.busy),
    succeeded: ({ context, event }) => (read(context, event, 'table.insertCompleted'), event.success),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(REPLICATOR, context, event),
      ({ context, event }) => wrongPeer(REPLICATOR, context, event),
      { delay: LATENCY },
    ),
    // A peer it was given (input) is of the wrong kind.
    failOnWrongPeer: ({ context, event }) => {
      read(context, event, 'tps.wrongPeer');
      throw wrongPeerError(REPLICATOR, context, event);
    },
    holdCopy: assign({
      pending: ({ context, event }) => (read(context, event, 'replicator.replicate'), [...context.pending, event.record]),
    }),
    // a write of the old active region reported after the switch: it will never be copied
    noteLateCopy: assign({
      lost: ({ context, event }) => {
        read(context, event, 'replicator.replicate');
        return [...context.lost, { record: event.record, from: event.from, to: context.from }];
      },
    }),
    // the answer to the copy that was out at a switch: refused, that copy is lost too
    settleOrphan: assign(({ context, event }) => {
      read(context, event, 'table.insertCompleted');
      if (context.orphan?.record.recordId !== event.record.recordId) return {};
      return event.success ? { orphan: null } : { orphan: null, lost: [...context.lost, context.orphan] };
    }),
    settleApplied: assign(({ context }) => ({ busy: false, pending: context.pending.slice(1) })),
    settleRefused: assign({ busy: false, blocked: true }),
    applyNextCopy: enqueueActions(({ context, enqueue, system, self }) => {
      if (!canApply(context)) return;
      const to = passiveRegion(context);
      const target = context.databases.find((d) => d.region === to)!.database;
      const insert: TableInsert = {
        type: 'table.insert',
        region: to,
        record: context.pending[0],
        origin: 'replication',
        corr: context.generation,
        replyTo: self,
      };
      enqueue.sendTo(peer(system, target, context.id), insert, { delay: LATENCY });
      enqueue.assign({ busy: true });
    }),
    // A new generation on every recovery: a refusal of a copy sent before it, answered after it,
    // must not block the lane again; the copy out then is sent again (a re-send of the same record).
    unblock: assign(({ context }) => ({ blocked: false, busy: false, generation: context.generation + 1 })),
    turnDirection: assign(({ context, event }) => {
      read(context, event, 'replicator.switch');
      if (event.to === context.from) return { lastSwitchLost: [] };
      // a copy already sent may still be applied: it counts as lost only if it is refused (orphanRefused)
      const unsent = context.busy ? context.pending.slice(1) : context.pending;
      const dropped = unsent.map((record) => ({ record, from: context.from, to: event.to }));
      return {
        from: event.to,
        pending: [],
        orphan: context.busy ? { record: context.pending[0], from: context.from, to: event.to } : null,
        busy: false,
        blocked: false,
        generation: context.generation + 1,
        lost: [...context.lost, ...dropped],
        lastSwitchLost: dropped.map((d) => d.record.recordId),
      };
    }),
    answerSwitch: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'replicator.switch');
      if (!event.replyTo) return;
      const done: DatabaseSwitchCompleted = {
        type: 'database.switchCompleted',
        database: event.database,
        success: true,
        activeRegion: context.from,
        lost: context.lastSwitchLost,
      };
      enqueue.sendTo(event.replyTo, done, { delay: LATENCY });
    }),
  },
}).createMachine({
  id: 'oneWayReplicator',
  context: ({ input }) => {
    const { id, databases, from } = parseInput(oneWayReplicatorInputSchema, input, 'one-way replicator input');
    return { id, databases, from: from ?? databases[0].region, pending: [], busy: false, blocked: false, generation: 0, lost: [], lastSwitchLost: [], orphan: null };
  },
  initial: 'replicating',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'tps.wrongPeer': { actions: 'failOnWrongPeer' },
  },
  states: {
    replicating: {
      entry: 'applyNextCopy',
      on: {
        'replicator.replicate': [
          { guard: 'isFromActive', actions: ['holdCopy', 'applyNextCopy'] },
          { actions: 'noteLateCopy' },
        ],
        'table.insertCompleted': [
          { guard: and(['answersCurrentCopy', 'succeeded']), actions: ['settleApplied', 'applyNextCopy'] },
          { guard: 'answersCurrentCopy', actions: 'settleRefused' },
          { description: 'An answer to a copy sent before a switch or recovery.', actions: 'settleOrphan' },
        ],
        'replicator.switch': { actions: ['turnDirection', 'answerSwitch', 'applyNextCopy'] },
        'replicator.fail': { target: 'failed' },
        // The whole database recovered after replication did: a copy refused, or still to be refused, by the
        // failed passive database is sent again under a new generation (a re-send of the same record).
        'replicator.recover': { actions: ['unblock', 'applyNextCopy'] },
      },
    },
    failed: {
      on: {
        'replicator.replicate': [{ guard: 'isFromActive', actions: 'holdCopy' }, { actions: 'noteLateCopy' }],
        'table.insertCompleted': [
          { guard: and(['answersCurrentCopy', 'succeeded']), actions: 'settleApplied' },
          { guard: 'answersCurrentCopy', actions: 'settleRefused' },
          { description: 'An answer to a copy sent before a switch or recovery.', actions: 'settleOrphan' },
        ],
        'replicator.switch': { actions: ['turnDirection', 'answerSwitch'] },
        'replicator.fail': { description: 'Already failed.' },
        'replicator.recover': { target: 'replicating', actions: 'unblock' },
      },
    },
  },
});
