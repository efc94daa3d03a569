import { assertEvent, enqueueActions, setup } from 'xstate';
import { updater } from './context-update';
import { z } from 'zod';
import type {
  DestinationCountReached,
  DestinationNotifyAt,
  DnsReceive,
  DnsRecordDelivered,
  DnsRemove,
  DnsRemoveCompleted,
  TpsRecord,
} from './protocol';
import { immediate, keepActor, keptActor, LATENCY, parseInput, peer, type KeptActor } from './support';

export const recordDestinationInputSchema = z.object({
  id: z.string().min(1),
  /** systemId of the DNS it receives through */
  dns: z.string().min(1),
});
export type RecordDestinationInput = z.input<typeof recordDestinationInputSchema>;

export type RecordDestinationEvent = DnsRecordDelivered | DnsRemoveCompleted | DestinationNotifyAt;

export interface RecordDestinationContext {
  id: string;
  dns: string;
  /** records kept, by id */
  records: Record<number, TpsRecord>;
  /** ids in the order they were first received */
  arrivals: number[];
  count: number;
  /** deliveries of a record already kept (at-least-once redelivery) */
  redeliveries: number;
  waiters: { count: number; replyTo: KeptActor }[];
}

const change = updater<RecordDestinationContext, RecordDestinationEvent>();

/**
 * The record destination: receives from every region through the out-DNS,
 * keeps each record once, removes it from the queue it came from, and asks
 * that region for the next one.
 */
export const recordDestinationMachine = setup({
  types: {
    context: {} as RecordDestinationContext,
    events: {} as RecordDestinationEvent,
    input: {} as RecordDestinationInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isNewRecord: ({ context, event }) =>
      event.type === 'dns.record' && !(event.record.recordId in context.records),
  },
  actions: {
    receiveFromAllRegions: enqueueActions(({ context, enqueue, system, self }) => {
      const receive: DnsReceive = { type: 'dns.receive', replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), receive, { delay: LATENCY });
    }),
    keepRecord: change((context, event) => {
      assertEvent(event, 'dns.record');
      const { record } = event;
      context.records[record.recordId] = record;
      context.arrivals.push(record.recordId);
      context.count++;
    }),
    countRedelivery: change((context) => {
      context.redeliveries++;
    }),
    removeFromQueue: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.record');
      const { record } = event;
      const remove: DnsRemove = { type: 'dns.remove', recordId: record.recordId, replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), remove, { delay: LATENCY });
    }),
    // A failed remove leaves the record in its queue; registering again gets it
    // back once that queue works, and it is then only removed.
    receiveNextFromRegion: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.removeCompleted');
      const receive: DnsReceive = { type: 'dns.receive', region: event.region ?? undefined, replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), receive, { delay: LATENCY });
    }),
    addWaiter: change((context, event) => {
      assertEvent(event, 'destination.notifyAt');
      context.waiters.push({ count: event.count, replyTo: keepActor(event.replyTo) });
    }),
    notifyWaiters: enqueueActions(({ context, enqueue, system }) => {
      if (!context.waiters.some((w) => w.count <= context.count)) return;
      for (const w of context.waiters) {
        if (w.count > context.count) continue;
        const reached: DestinationCountReached = { type: 'destination.countReached', count: w.count };
        enqueue.sendTo(keptActor(system, w.replyTo, context.id), reached, { delay: LATENCY });
      }
    }),
    dropReachedWaiters: change((context) => {
      context.waiters = context.waiters.filter((w) => w.count > context.count);
    }),
  },
}).createMachine({
  id: 'recordDestination',
  context: ({ input }) => {
    const { id, dns } = parseInput(recordDestinationInputSchema, input, 'record destination input');
    return { id, dns, records: {}, arrivals: [], count: 0, redeliveries: 0, waiters: [] };
  },
  initial: 'receiving',
  states: {
    receiving: {
      entry: 'receiveFromAllRegions',
      on: {
        'dns.record': [
          { guard: 'isNewRecord', actions: ['keepRecord', 'removeFromQueue', 'notifyWaiters', 'dropReachedWaiters'] },
          { actions: ['countRedelivery', 'removeFromQueue'] },
        ],
        'dns.removeCompleted': { actions: 'receiveNextFromRegion' },
        'destination.notifyAt': { actions: ['addWaiter', 'notifyWaiters', 'dropReachedWaiters'] },
      },
    },
  },
});
