import { enqueueActions, sendTo, setup } from 'xstate';
import { z } from 'zod';
import type {
  TpsRecord,
  QueueCountReached,
  QueueDepthReport,
  QueueEvent,
  QueueRecordDelivered,
  QueueRemoveCompleted,
  QueueSendCompleted,
} from './protocol';
import { regionSchema } from './protocol';
import { updater } from './context-update';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, type EventReader } from './event-checks';
import { reachedWaiters, waiterOf, waitingWaiters, type Waiter } from './messages';
import { immediate, keepActor, keptActor, LATENCY, parseInput, type KeptActor } from './support';

export const queueInputSchema = z.object({
  /** systemId of this queue, named in every answer it gives */
  id: z.string().min(1),
  region: regionSchema,
});
export type QueueInput = z.input<typeof queueInputSchema>;

export interface QueueContext {
  id: string;
  region: number;
  /** held records, oldest first */
  records: TpsRecord[];
  /** id of the record last handed to the consumer and not yet removed */
  inFlight: number | null;
  /** a registered consumer waiting for its next record */
  consumer: { replyTo: KeptActor; corr?: number } | null;
  /** the latest registration accepted, to tell an older one that arrives late */
  lastReceive: { replyTo: KeptActor; corr?: number } | null;
  /** successful sends ever, for count notifications */
  sentCount: number;
  waiters: Waiter[];
}

const change = updater<QueueContext, QueueEvent>();

const QUEUE = 'queue';
const read: EventReader<QueueEvent> = eventReader<QueueEvent>(QUEUE);
const protocol = protocolOf<QueueEvent>({
  'queue.send': true,
  'queue.receive': true,
  'queue.remove': true,
  'queue.depth': true,
  'queue.notifyAt': true,
  'queue.fail': true,
  'queue.recover': true,
});

/** The delivery of a record to the registered consumer (its last receive's `corr`). */
export const recordDelivered = (context: QueueContext, record: TpsRecord, consumer: { corr?: number }): QueueRecordDelivered => ({
  type: 'queue.record',
  queue: context.id,
  region: context.region,
  record,
  corr: consumer.corr,
});

const indexOfRecord = (records: readonly TpsRecord[], recordId: number): number =>
  records.findIndex((r) => r.recordId === recordId);

/**
 * A message queue (SQS-like). Records stay stored until removed by id; a
 * consumer that registers again gets the oldest record again, so a consumer
 * that failed mid-record sees it once more. A failed queue answers failure
 * to sends and removes but keeps everything it holds.
 */
export const queueMachine = setup({
  types: {
    context: {} as QueueContext,
    events: {} as QueueEvent,
    input: {} as QueueInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(QUEUE, context, event),
      ({ context, event }) => wrongPeer(QUEUE, context, event),
      { delay: LATENCY },
    ),
    storeRecord: change((context, event) => {
      read(context, event, 'queue.send');
      context.records.push(event.record);
      context.sentCount++;
    }),
    answerSend: sendTo(
      ({ context, event }) => (read(context, event, 'queue.send'), event.replyTo),
      ({ context, event }, params: { success: boolean }): QueueSendCompleted => {
        read(context, event, 'queue.send');
        return {
          type: 'queue.sendCompleted',
          queue: context.id,
          region: context.region,
          record: event.record,
          success: params.success,
          corr: event.corr,
        };
      },
      { delay: LATENCY },
    ),
    removeRecord: change((context, event) => {
      read(context, event, 'queue.remove');
      const at = indexOfRecord(context.records, event.recordId);
      if (at === 0) context.records.shift();
      else if (at > 0) context.records.splice(at, 1);
      if (context.inFlight === event.recordId) context.inFlight = null;
    }),
    answerRemove: sendTo(
      ({ context, event }) => (read(context, event, 'queue.remove'), event.replyTo),
      ({ context, event }, params: { success: boolean; removed: boolean }): QueueRemoveCompleted => {
        read(context, event, 'queue.remove');
        return {
          type: 'queue.removeCompleted',
          queue: context.id,
          region: context.region,
          recordId: event.recordId,
          success: params.success,
          removed: params.removed,
          corr: event.corr,
        };
      },
      { delay: LATENCY },
    ),
    // A receive that arrives after a later one from the same consumer (each message has its own
    // latency) is stale: answering it would hand the record to a request the consumer gave up.
    registerConsumer: change((context, event) => {
      read(context, event, 'queue.receive');
      const last = context.lastReceive;
      const replyTo = keepActor(event.replyTo);
      const stale = event.corr !== undefined && last?.replyTo === replyTo && last.corr !== undefined && event.corr < last.corr;
      if (stale) return;
      context.consumer = { replyTo, corr: event.corr };
      context.lastReceive = { replyTo, corr: event.corr };
    }),
    deliverHead: enqueueActions(({ context, enqueue, system }) => {
      const consumer = context.consumer;
      const head = context.records[0];
      if (!consumer || !head) return;
      enqueue.sendTo(keptActor(system, consumer.replyTo, context.id), recordDelivered(context, head, consumer), { delay: LATENCY });
    }),
    // after deliverHead: the head is in flight and the consumer served
    handOverHead: change((context) => {
      const head = context.records[0];
      if (!context.consumer || !head) return;
      context.inFlight = head.recordId;
      context.consumer = null;
    }),
    answerDepth: sendTo(
      ({ context, event }) => (read(context, event, 'queue.depth'), event.replyTo),
      ({ context }): QueueDepthReport => ({
        type: 'queue.depthReport',
        queue: context.id,
        region: context.region,
        depth: context.records.length,
        inFlight: context.inFlight,
        sentCount: context.sentCount,
      }),
      { delay: LATENCY },
    ),
    addWaiter: change((context, event) => {
      read(context, event, 'queue.notifyAt');
      context.waiters.push(waiterOf(event));
    }),
    notifyWaiters: enqueueActions(({ context, enqueue, system }) => {
      for (const w of reachedWaiters(context.waiters, context.sentCount)) {
        const reached: QueueCountReached = {
          type: 'queue.countReached',
          queue: context.id,
          region: context.region,
          count: w.count,
        };
        enqueue.sendTo(keptActor(system, w.replyTo, context.id), reached, { delay: LATENCY });
      }
    }),
    dropReachedWaiters: change((context) => {
      context.waiters = waitingWaiters(context.waiters, context.sentCount);
    }),
  },
}).createMachine({
  id: 'queue',
  context: ({ input }) => {
    const { id, region } = parseInput(queueInputSchema, input, 'queue input');
    return {
      id,
      region,
      records: [],
      inFlight: null,
      consumer: null,
      lastReceive: null,
      sentCount: 0,
      waiters: [],
    };
  },
  initial: 'processing',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'queue.depth': { actions: 'answerDepth' },
    'queue.notifyAt': { actions: ['addWaiter', 'notifyWaiters', 'dropReachedWaiters'] },
  },
  states: {
    processing: {
      entry: ['deliverHead', 'handOverHead'],
      on: {
        'queue.send': {
          actions: [
            'storeRecord',
            { type: 'answerSend', params: { success: true } },
            'deliverHead',
            'handOverHead',
            'notifyWaiters',
            'dropReachedWaiters',
          ],
        },
        'queue.receive': { actions: ['registerConsumer', 'deliverHead', 'handOverHead'] },
        'queue.remove': {
          actions: [
            {
              type: 'answerRemove',
              params: ({ context, event }) => ({
                success: true,
                removed: indexOfRecord(context.records, event.recordId) >= 0,
              }),
            },
            'removeRecord',
          ],
        },
        'queue.fail': { target: 'failed' },
        'queue.recover': { description: 'Already processing: nothing to recover.' },
      },
    },
    failed: {
      on: {
        'queue.send': { actions: { type: 'answerSend', params: { success: false } } },
        'queue.receive': { actions: 'registerConsumer', description: 'Kept; served on recovery.' },
        'queue.remove': { actions: { type: 'answerRemove', params: { success: false, removed: false } } },
        'queue.fail': { description: 'Already failed.' },
        'queue.recover': { target: 'processing' },
      },
    },
  },
});
