import { enqueueActions, sendTo, setup } from 'xstate';
import { updater } from './context-update';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import { z } from 'zod';
import type {
  DestinationCountReached,
  DestinationNotifyAt,
  DnsReceive,
  DnsRecordDelivered,
  DnsRemove,
  DnsRemoveCompleted,
  TpsRecord,
  WrongPeer,
} from './protocol';
import { reachedWaiters, waiterOf, waitingWaiters, type Waiter } from './messages';
import { immediate, keptActor, LATENCY, parseInput, peer } from './support';

export const recordDestinationInputSchema = z.object({
  id: z.string().min(1),
  /** systemId of the DNS it receives through */
  dns: z.string().min(1),
});
export type RecordDestinationInput = z.input<typeof recordDestinationInputSchema>;

export type RecordDestinationEvent = DnsRecordDelivered | DnsRemoveCompleted | DestinationNotifyAt | WrongPeer;

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
  waiters: Waiter[];
}

const change = updater<RecordDestinationContext, RecordDestinationEvent>();

const DESTINATION = 'record destination';
const read: EventReader<RecordDestinationEvent> = eventReader<RecordDestinationEvent>(DESTINATION);
const protocol = protocolOf<RecordDestinationEvent>({
  'dns.record': true,
  'dns.removeCompleted': true,
  'destination.notifyAt': true,
  'tps.wrongPeer': true,
});

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
    isNewRecord: ({ context, event }) => (read(context, event, 'dns.record'), !(event.record.recordId in context.records)),
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(DESTINATION, context, event),
      ({ context, event }) => wrongPeer(DESTINATION, context, event),
      { delay: LATENCY },
    ),
    // The DNS it was given (input) is of the wrong kind.
    failOnWrongPeer: ({ context, event }) => {
      read(context, event, 'tps.wrongPeer');
      throw wrongPeerError(DESTINATION, context, event);
    },
    receiveFromAllRegions: enqueueActions(({ context, enqueue, system, self }) => {
      const receive: DnsReceive = { type: 'dns.receive', replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), receive, { delay: LATENCY });
    }),
    keepRecord: change((context, event) => {
      read(context, event, 'dns.record');
      const { record } = event;
      context.records[record.recordId] = record;
      context.arrivals.push(record.recordId);
      context.count++;
    }),
    countRedelivery: change((context) => {
      context.redeliveries++;
    }),
    removeFromQueue: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.record');
      const { record } = event;
      const remove: DnsRemove = { type: 'dns.remove', recordId: record.recordId, replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), remove, { delay: LATENCY });
    }),
    // A failed remove leaves the record in its queue; registering again gets it
    // back once that queue works, and it is then only removed.
    receiveNextFromRegion: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.removeCompleted');
      const receive: DnsReceive = { type: 'dns.receive', region: event.region ?? undefined, replyTo: self };
      enqueue.sendTo(peer(system, context.dns, context.id), receive, { delay: LATENCY });
    }),
    addWaiter: change((context, event) => {
      read(context, event, 'destination.notifyAt');
      context.waiters.push(waiterOf(event));
    }),
    notifyWaiters: enqueueActions(({ context, enqueue, system }) => {
      for (const w of reachedWaiters(context.waiters, context.count)) {
        const reached: DestinationCountReached = { type: 'destination.countReached', count: w.count };
        enqueue.sendTo(keptActor(system, w.replyTo, context.id), reached, { delay: LATENCY });
      }
    }),
    dropReachedWaiters: change((context) => {
      context.waiters = waitingWaiters(context.waiters, context.count);
    }),
  },
}).createMachine({
  id: 'recordDestination',
  context: ({ input }) => {
    const { id, dns } = parseInput(recordDestinationInputSchema, input, 'record destination input');
    return { id, dns, records: {}, arrivals: [], count: 0, redeliveries: 0, waiters: [] };
  },
  initial: 'receiving',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'tps.wrongPeer': { actions: 'failOnWrongPeer' },
  },
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
