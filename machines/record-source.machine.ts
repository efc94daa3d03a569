import { and, assertEvent, enqueueActions, sendTo, setup } from 'xstate';
import { updater } from './context-update';
import { z } from 'zod';
import type {
  DnsSend,
  DnsSendCompleted,
  SourceBatchFailed,
  SourceBatchPublished,
  SourcePublish,
  SourcePublishRejected,
  TpsRecord,
} from './protocol';
import { recordSchema } from './protocol';
import { immediate, keepActor, keptActor, LATENCY, parseInput, peer, type KeptActor } from './support';

export const recordSourceInputSchema = z.object({
  id: z.string().min(1),
  /** systemId of the DNS it publishes through */
  dns: z.string().min(1),
  batches: z.array(z.array(recordSchema).min(1, 'a batch holds at least one record')),
});
export type RecordSourceInput = z.input<typeof recordSourceInputSchema>;

export type RecordSourceEvent = SourcePublish | DnsSendCompleted;

export interface RecordSourceContext {
  id: string;
  dns: string;
  batches: TpsRecord[][];
  /** 1-based number of the batch being published, 0 when idle */
  batch: number;
  /** index in the batch of the record awaiting its completion */
  next: number;
  replyTo: KeptActor | null;
  ticket: number;
  published: number;
  /** per batch, how many of its records were sent successfully: a new publish resumes there */
  sentOf: number[];
}

const change = updater<RecordSourceContext, RecordSourceEvent>();

/**
 * The record source: publishes a batch one record at a time through the DNS,
 * each after the previous one completed, then reports the batch done or how
 * far it got. Publishing a batch again resumes after its last record sent
 * successfully, so an interrupted batch is finished without sending any
 * record twice (a fully published batch is reported done at once).
 */
export const recordSourceMachine = setup({
  types: {
    context: {} as RecordSourceContext,
    events: {} as RecordSourceEvent,
    input: {} as RecordSourceInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isKnownBatch: ({ context, event }) =>
      event.type === 'source.publish' &&
      Number.isInteger(event.batch) &&
      event.batch >= 1 &&
      event.batch <= context.batches.length,
    isCurrentSuccess: ({ context, event }) =>
      event.type === 'dns.sendCompleted' && event.corr === context.ticket && event.success,
    isCurrentFailure: ({ context, event }) =>
      event.type === 'dns.sendCompleted' && event.corr === context.ticket && !event.success,
    wasLastRecord: ({ context }) => context.next + 1 >= context.batches[context.batch - 1].length,
    isPublishedBatch: ({ context, event }) =>
      event.type === 'source.publish' && context.sentOf[event.batch - 1] >= context.batches[event.batch - 1].length,
  },
  actions: {
    startBatch: change((context, event) => {
      assertEvent(event, 'source.publish');
      context.batch = event.batch;
      context.next = context.sentOf[event.batch - 1];
      context.replyTo = event.replyTo ? keepActor(event.replyTo) : null;
    }),
    reportAlreadyPublished: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'source.publish');
      if (!event.replyTo) return;
      const done: SourceBatchPublished = { type: 'source.batchPublished', batch: event.batch, count: context.batches[event.batch - 1].length };
      enqueue.sendTo(event.replyTo, done);
    }),
    nextTicket: change((context) => {
      context.ticket++;
    }),
    sendNextRecord: sendTo(
      ({ context, system }) => peer(system, context.dns, context.id),
      ({ context, self }): DnsSend => ({
        type: 'dns.send',
        record: context.batches[context.batch - 1][context.next],
        replyTo: self,
        corr: context.ticket,
      }),
      { delay: LATENCY },
    ),
    advance: change((context) => {
      context.sentOf[context.batch - 1] = ++context.next;
      context.published++;
    }),
    finishBatch: change((context) => {
      context.batch = 0;
      context.next = 0;
      context.replyTo = null;
    }),
    reportPublished: enqueueActions(({ context, enqueue, system }) => {
      const done: SourceBatchPublished = {
        type: 'source.batchPublished',
        batch: context.batch,
        count: context.batches[context.batch - 1].length,
      };
      if (context.replyTo) enqueue.sendTo(keptActor(system, context.replyTo, context.id), done);
    }),
    reportFailed: enqueueActions(({ context, enqueue, system }) => {
      const failed: SourceBatchFailed = {
        type: 'source.batchFailed',
        batch: context.batch,
        sent: context.next,
        failedRecordId: context.batches[context.batch - 1][context.next].recordId,
      };
      if (context.replyTo) enqueue.sendTo(keptActor(system, context.replyTo, context.id), failed);
    }),
    rejectPublish: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'source.publish');
      if (!event.replyTo) return;
      const reason =
        context.batch !== 0
          ? `batch ${context.batch} is still being published`
          : `no batch ${event.batch}: batches are 1..${context.batches.length}`;
      const rejected: SourcePublishRejected = { type: 'source.publishRejected', batch: event.batch, reason };
      enqueue.sendTo(event.replyTo, rejected);
    }),
    ignoreStaleReply: () => {},
  },
}).createMachine({
  id: 'recordSource',
  context: ({ input }) => {
    const { id, dns, batches } = parseInput(recordSourceInputSchema, input, 'record source input');
    return { id, dns, batches, batch: 0, next: 0, replyTo: null, ticket: 0, published: 0, sentOf: batches.map(() => 0) };
  },
  initial: 'idle',
  on: {
    'dns.sendCompleted': { actions: 'ignoreStaleReply' },
  },
  states: {
    idle: {
      on: {
        'source.publish': [
          { guard: and(['isKnownBatch', 'isPublishedBatch']), actions: 'reportAlreadyPublished' },
          { guard: 'isKnownBatch', target: 'publishing', actions: 'startBatch' },
          { actions: 'rejectPublish' },
        ],
      },
    },
    publishing: {
      entry: ['nextTicket', 'sendNextRecord'],
      on: {
        'source.publish': { actions: 'rejectPublish' },
        'dns.sendCompleted': [
          { guard: 'isCurrentFailure', target: 'idle', actions: ['reportFailed', 'finishBatch'] },
          { guard: and(['isCurrentSuccess', 'wasLastRecord']), target: 'idle', actions: ['advance', 'reportPublished', 'finishBatch'] },
          { guard: 'isCurrentSuccess', target: 'publishing', reenter: true, actions: 'advance' },
        ],
      },
    },
  },
});
