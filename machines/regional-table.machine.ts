import { enqueueActions, sendTo, setup } from 'xstate';
import { updater } from './context-update';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, type EventReader } from './event-checks';
import { z } from 'zod';
import { countReport, insertCompleted, readResult, type TableRequest } from './messages';
import type { ReplicatorReplicate, TableCountReport, TableInsertCompleted, TableReadResult, TpsRecord } from './protocol';
import { regionSchema } from './protocol';
import { immediate, LATENCY, parseInput, peer } from './support';

export const regionalTableInputSchema = z.object({
  id: z.string().min(1),
  /** the pipeline stage whose global table this replica belongs to */
  stage: z.string().min(1),
  region: regionSchema,
  /** systemId of the replicator told about every local write; none for a lone table */
  replicator: z.string().min(1).optional(),
});
export type RegionalTableInput = z.input<typeof regionalTableInputSchema>;

export type RegionalTableEvent = TableRequest;

export interface RegionalTableContext {
  id: string;
  stage: string;
  region: number;
  replicator: string | undefined;
  /** rows by record id */
  rows: Record<number, TpsRecord>;
  count: number;
  /** ids of local (non-replicated) writes, in the order they were made */
  writes: number[];
  /** ids of copies applied by replication, in the order they were applied */
  replicated: number[];
}

const change = updater<RegionalTableContext, RegionalTableEvent>();

const TABLE = 'regional table';
const read: EventReader<RegionalTableEvent> = eventReader<RegionalTableEvent>(TABLE);
const protocol = protocolOf<RegionalTableEvent>({
  'table.insert': true,
  'table.read': true,
  'table.count': true,
  'table.fail': true,
  'table.recover': true,
});

/**
 * One region's replica of a global table (DynamoDB-like). A failed table
 * answers failure at once, as a real database returns errors, so writers
 * notice and can react.
 */
export const regionalTableMachine = setup({
  types: {
    context: {} as RegionalTableContext,
    events: {} as RegionalTableEvent,
    input: {} as RegionalTableInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isLocalWriteWithReplicator: ({ context, event }) =>
      (read(context, event, 'table.insert'), context.replicator !== undefined && (event.origin ?? 'write') === 'write'),
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(TABLE, context, event),
      ({ context, event }) => wrongPeer(TABLE, context, event),
      { delay: LATENCY },
    ),
    writeRow: change((context, event) => {
      read(context, event, 'table.insert');
      if (!(event.record.recordId in context.rows)) context.count++;
      context.rows[event.record.recordId] = event.record;
      if ((event.origin ?? 'write') === 'write') context.writes.push(event.record.recordId);
      else context.replicated.push(event.record.recordId);
    }),
    answerInsert: sendTo(
      ({ context, event }) => (read(context, event, 'table.insert'), event.replyTo),
      ({ context, event }, params: { success: boolean }): TableInsertCompleted => (
        read(context, event, 'table.insert'), insertCompleted({ table: context.id, stage: context.stage, region: context.region }, event, params.success)
      ),
      { delay: LATENCY },
    ),
    tellReplicator: enqueueActions(({ context, event, system, enqueue }) => {
      read(context, event, 'table.insert');
      if (!context.replicator) return;
      const replicate: ReplicatorReplicate = {
        type: 'replicator.replicate',
        record: event.record,
        from: context.region,
      };
      enqueue.sendTo(peer(system, context.replicator, context.id), replicate, { delay: LATENCY });
    }),
    answerRead: sendTo(
      ({ context, event }) => (read(context, event, 'table.read'), event.replyTo),
      ({ context, event }): TableReadResult => (read(context, event, 'table.read'), readResult(context, event.recordId, context.rows[event.recordId])),
      { delay: LATENCY },
    ),
    answerCount: sendTo(
      ({ context, event }) => (read(context, event, 'table.count'), event.replyTo),
      ({ context }): TableCountReport => countReport(context, context.count),
      { delay: LATENCY },
    ),
  },
}).createMachine({
  id: 'regionalTable',
  context: ({ input }) => {
    const { id, stage, region, replicator } = parseInput(regionalTableInputSchema, input, 'regional table input');
    return { id, stage, region, replicator, rows: {}, count: 0, writes: [], replicated: [] };
  },
  initial: 'active',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    // Observability queries, answered from what is stored whatever the state.
    'table.read': { actions: 'answerRead' },
    'table.count': { actions: 'answerCount' },
  },
  states: {
    active: {
      on: {
        'table.insert': [
          {
            guard: 'isLocalWriteWithReplicator',
            actions: ['writeRow', { type: 'answerInsert', params: { success: true } }, 'tellReplicator'],
          },
          { actions: ['writeRow', { type: 'answerInsert', params: { success: true } }] },
        ],
        'table.fail': { target: 'failed' },
        'table.recover': { description: 'Already active.' },
      },
    },
    failed: {
      on: {
        'table.insert': { actions: { type: 'answerInsert', params: { success: false } } },
        'table.fail': { description: 'Already failed.' },
        'table.recover': { target: 'active' },
      },
    },
  },
});
