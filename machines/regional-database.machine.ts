import { and, assign, sendTo, setup } from 'xstate';
import { z } from 'zod';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, type EventReader } from './event-checks';
import type { DatabaseSetRole } from './active-passive-protocol';
import { countReport, insertCompleted, readResult, type TableRequest } from './messages';
import type { InsertOrigin, ReplicatorReplicate, TableCountReport, TableInsert, TableInsertCompleted, TableReadResult, TpsRecord } from './protocol';
import { regionSchema } from './protocol';
import { immediate, LATENCY, parseInput, peer } from './support';

export const regionalDatabaseInputSchema = z
  .object({
    id: z.string().min(1),
    /** the pipeline stage whose global database this one belongs to */
    stage: z.string().min(1),
    region: regionSchema,
    /** the active database acknowledges writes; the passive one only takes copies */
    active: z.boolean(),
    /** systemId of the replicator told about every write; none for a lone database */
    replicator: z.string().min(1).optional(),
  })
  .strict();
export type RegionalDatabaseInput = z.input<typeof regionalDatabaseInputSchema>;

export type RegionalDatabaseEvent = TableRequest | DatabaseSetRole;

export interface RegionalDatabaseContext {
  readonly id: string;
  readonly stage: string;
  readonly region: number;
  readonly replicator: string | undefined;
  /** the role it serves in (kept while failed, so recovery returns to it) */
  readonly active: boolean;
  /** rows in the order they were first stored (plain data; replaced, never mutated) */
  readonly rows: readonly TpsRecord[];
  /** ids of writes it acknowledged as the active database, in order */
  readonly writes: readonly number[];
  /** ids of copies applied by replication, in order */
  readonly replicated: readonly number[];
}

const originOf = (event: TableInsert): InsertOrigin => event.origin ?? 'write';

const DATABASE = 'regional database';
const read: EventReader<RegionalDatabaseEvent> = eventReader<RegionalDatabaseEvent>(DATABASE);
const protocol = protocolOf<RegionalDatabaseEvent>({
  'table.insert': true,
  'table.read': true,
  'table.count': true,
  'table.fail': true,
  'table.recover': true,
  'database.setRole': true,
});

/**
 * One region's database of an active-passive global database (Aurora-like).
 * Only the active one takes writes and acknowledges them (and tells the
 * replicator); the passive one applies the replicator's copies and refuses
 * writes, so a writer that reached it by mistake learns it at once. A failed
 * database answers failure to everything it is asked to store.
 */
export const regionalDatabaseMachine = setup({
  types: {
    context: {} as RegionalDatabaseContext,
    events: {} as RegionalDatabaseEvent,
    input: {} as RegionalDatabaseInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
    isWrite: ({ event }) => event.type === 'table.insert' && originOf(event) === 'write',
    isCopy: ({ event }) => event.type === 'table.insert' && originOf(event) === 'replication',
    hasReplicator: ({ context }) => context.replicator !== undefined,
    roleIsActive: ({ context }) => context.active,
    becomesActive: ({ context, event }) => (read(context, event, 'database.setRole'), event.active),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(DATABASE, context, event),
      ({ context, event }) => wrongPeer(DATABASE, context, event),
      { delay: LATENCY },
    ),
    storeRow: assign(({ context, event }) => {
      read(context, event, 'table.insert');
      const { record } = event;
      const known = context.rows.some((r) => r.recordId === record.recordId);
      const rows = known ? context.rows.map((r) => (r.recordId === record.recordId ? record : r)) : [...context.rows, record];
      return originOf(event) === 'write'
        ? { rows, writes: [...context.writes, record.recordId] }
        : { rows, replicated: [...context.replicated, record.recordId] };
    }),
    answerInsert: sendTo(
      ({ context, event }) => (read(context, event, 'table.insert'), event.replyTo),
      ({ context, event }, params: { success: boolean }): TableInsertCompleted => (
        read(context, event, 'table.insert'), insertCompleted({ table: context.id, stage: context.stage, region: context.region }, event, params.success)
      ),
      { delay: LATENCY },
    ),
    tellReplicator: sendTo(
      ({ context, system }) => peer(system, context.replicator!, context.id),
      ({ context, event }): ReplicatorReplicate => {
        read(context, event, 'table.insert');
        return { type: 'replicator.replicate', record: event.record, from: context.region };
      },
      { delay: LATENCY },
    ),
    takeRole: assign({ active: ({ context, event }) => (read(context, event, 'database.setRole'), event.active) }),
    answerRead: sendTo(
      ({ context, event }) => (read(context, event, 'table.read'), event.replyTo),
      ({ context, event }): TableReadResult => {
        read(context, event, 'table.read');
        const recordId = event.recordId;
        return readResult(context, recordId, context.rows.find((r) => r.recordId === recordId));
      },
      { delay: LATENCY },
    ),
    answerCount: sendTo(
      ({ context, event }) => (read(context, event, 'table.count'), event.replyTo),
      ({ context }): TableCountReport => countReport(context, context.rows.length),
      { delay: LATENCY },
    ),
  },
}).createMachine({
  id: 'regionalDatabase',
  context: ({ input }) => {
    const { id, stage, region, active, replicator } = parseInput(regionalDatabaseInputSchema, input, 'regional database input');
    return { id, stage, region, replicator, active, rows: [], writes: [], replicated: [] };
  },
  initial: 'starting',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    // Observability queries, answered from what is stored whatever the state.
    'table.read': { actions: 'answerRead' },
    'table.count': { actions: 'answerCount' },
  },
  states: {
    starting: {
      always: [{ guard: 'roleIsActive', target: 'active' }, { target: 'passive' }],
    },
    active: {
      on: {
        'table.insert': [
          {
            guard: and(['isWrite', 'hasReplicator']),
            actions: ['storeRow', { type: 'answerInsert', params: { success: true } }, 'tellReplicator'],
          },
          { actions: ['storeRow', { type: 'answerInsert', params: { success: true } }] },
        ],
        'database.setRole': [
          { guard: 'becomesActive', description: 'Already active.' },
          { target: 'passive', actions: 'takeRole' },
        ],
        'table.fail': { target: 'failed' },
        'table.recover': { description: 'Already serving.' },
      },
    },
    passive: {
      on: {
        'table.insert': [
          { guard: 'isCopy', actions: ['storeRow', { type: 'answerInsert', params: { success: true } }] },
          { description: 'A write reached the passive database: refused.', actions: { type: 'answerInsert', params: { success: false } } },
        ],
        'database.setRole': [
          { guard: 'becomesActive', target: 'active', actions: 'takeRole' },
          { description: 'Already passive.' },
        ],
        'table.fail': { target: 'failed' },
        'table.recover': { description: 'Already serving.' },
      },
    },
    failed: {
      on: {
        'table.insert': { actions: { type: 'answerInsert', params: { success: false } } },
        'database.setRole': { actions: 'takeRole' },
        'table.fail': { description: 'Already failed.' },
        'table.recover': [{ guard: 'roleIsActive', target: 'active' }, { target: 'passive' }],
      },
    },
  },
});
