import { enqueueActions, sendTo, setup, type AnyActorRef } from 'xstate';
import { updater } from './context-update';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import { z } from 'zod';
import {
  relayedRecord,
  removeCompleted,
  removeRefused,
  requesterOf,
  sendCompleted,
  sendRefused,
  type DnsRequest,
  type QueueAnswer,
  type Requester,
} from './messages';
import type { DnsRemoveCompleted, DnsSendCompleted, DnsSetRegionOnline, WrongPeer } from './protocol';
import { regionSchema } from './protocol';
import { immediate, keptActor, LATENCY, parseInput, peer, type PeerSystem } from './support';

export const weightedDnsInputSchema = z.object({
  id: z.string().min(1),
  /** one target queue per region, with its routing weight */
  targets: z
    .array(
      z.object({
        region: regionSchema,
        queue: z.string().min(1),
        weight: z.number().nonnegative().default(1),
      }),
    )
    .min(1, 'a DNS needs at least one target')
    .refine((t) => new Set(t.map((x) => x.region)).size === t.length, 'one target per region'),
});
export type WeightedDnsInput = z.input<typeof weightedDnsInputSchema>;

export type WeightedDnsEvent = DnsRequest | DnsSetRegionOnline | QueueAnswer | WrongPeer;

interface Target {
  region: number;
  queue: string;
  weight: number;
  online: boolean;
  /** smooth weighted round-robin credit */
  credit: number;
}

export interface WeightedDnsContext {
  id: string;
  targets: Target[];
  ticket: number;
  /** requests forwarded to a queue and not answered yet, by ticket */
  pending: Record<number, Requester>;
  /** the consumer of the out role and its last receive request */
  consumer: Requester | null;
  /** region each delivered record came from, so its remove goes back there */
  origin: Record<number, number>;
  /** regions whose receive is held while they are offline, asked again when back online */
  heldReceives: Record<number, true>;
  routed: Record<number, number>;
}

/**
 * The region smooth weighted round-robin picks next (deterministic: 50/50
 * alternates, 70/30 gives exactly 7 of every 10 to the first). Credit moves
 * only when a send succeeds, so a failed send is retried on the same region.
 */
export function pickTarget(targets: readonly Target[]): Target | undefined {
  let best: Target | undefined;
  for (const t of targets) {
    if (!t.online || t.weight <= 0) continue;
    if (!best || t.credit + t.weight > best.credit + best.weight) best = t;
  }
  return best;
}

function settleCredit(targets: Target[], chosen: number): void {
  let total = 0;
  for (const t of targets) {
    if (!t.online || t.weight <= 0) continue;
    t.credit += t.weight;
    total += t.weight;
  }
  const c = targets.find((t) => t.region === chosen);
  if (c) c.credit -= total;
}

const targetOfOrigin = (context: WeightedDnsContext, recordId: number): Target | undefined =>
  context.targets.find((t) => t.region === context.origin[recordId]);

/** Who asked the request a queue's answer (by its ticket) answers. */
const asker = (system: PeerSystem, context: WeightedDnsContext, ticket: number): AnyActorRef =>
  keptActor(system, context.pending[ticket].replyTo, context.id);

const change = updater<WeightedDnsContext, WeightedDnsEvent>();

const DNS = 'weighted DNS';
const read: EventReader<WeightedDnsEvent> = eventReader<WeightedDnsEvent>(DNS);
const protocol = protocolOf<WeightedDnsEvent>({
  'dns.send': true,
  'dns.receive': true,
  'dns.remove': true,
  'dns.setRegionOnline': true,
  'queue.sendCompleted': true,
  'queue.record': true,
  'queue.removeCompleted': true,
  'tps.wrongPeer': true,
});

/**
 * Route 53 with a weighted routing policy. In role: each record sent is
 * routed to a region's queue by weight; an offline region gets nothing. Out
 * role: a consumer receives from every region's queue and each remove is
 * routed back to the queue the record came from.
 */
export const weightedDnsMachine = setup({
  types: {
    context: {} as WeightedDnsContext,
    events: {} as WeightedDnsEvent,
    input: {} as WeightedDnsInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    hasOnlineTarget: ({ context }) => pickTarget(context.targets) !== undefined,
    knowsOrigin: ({ context, event }) => (read(context, event, 'dns.remove'), targetOfOrigin(context, event.recordId) !== undefined),
    answersPendingRequest: ({ context, event }) =>
      (read(context, event, ['queue.sendCompleted', 'queue.removeCompleted']), event.corr !== undefined && event.corr in context.pending),
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(DNS, context, event),
      ({ context, event }) => wrongPeer(DNS, context, event),
      { delay: LATENCY },
    ),
    // A target queue it was given (input) is of the wrong kind.
    failOnWrongPeer: ({ context, event }) => {
      read(context, event, 'tps.wrongPeer');
      throw wrongPeerError(DNS, context, event);
    },
    // A request is forwarded under a fresh ticket, remembering who asked.
    holdRequest: change((context, event) => {
      read(context, event, ['dns.send', 'dns.remove']);
      context.ticket++;
      context.pending[context.ticket] = requesterOf(event);
    }),
    forwardSend: sendTo(
      ({ context, system }) => peer(system, pickTarget(context.targets)!.queue, context.id),
      ({ context, event, self }) => {
        read(context, event, 'dns.send');
        return { type: 'queue.send', record: event.record, replyTo: self, corr: context.ticket } as const;
      },
      { delay: LATENCY },
    ),
    refuseSend: sendTo(
      ({ context, event }) => (read(context, event, 'dns.send'), event.replyTo),
      ({ context, event }): DnsSendCompleted => (read(context, event, 'dns.send'), sendRefused(context.id, event)),
      { delay: LATENCY },
    ),
    answerSend: sendTo(
      ({ context, event, system }) => (read(context, event, 'queue.sendCompleted'), asker(system, context, event.corr!)),
      ({ context, event }): DnsSendCompleted => (
        read(context, event, 'queue.sendCompleted'), sendCompleted(context.id, event, context.pending[event.corr!].corr)
      ),
      { delay: LATENCY },
    ),
    settleSend: change((context, event) => {
      read(context, event, 'queue.sendCompleted');
      delete context.pending[event.corr!];
      if (!event.success) return;
      settleCredit(context.targets, event.region);
      context.routed[event.region] = (context.routed[event.region] ?? 0) + 1;
    }),
    // An offline region is not read from; its receive waits until it is back online.
    registerConsumer: change((context, event) => {
      read(context, event, 'dns.receive');
      context.consumer = requesterOf(event);
      for (const t of context.targets) {
        if ((event.region === undefined || t.region === event.region) && !t.online) context.heldReceives[t.region] = true;
      }
    }),
    receiveFromTargets: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.receive');
      for (const t of context.targets) {
        if ((event.region === undefined || t.region === event.region) && t.online)
          enqueue.sendTo(peer(system, t.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
      }
    }),
    noteOrigin: change((context, event) => {
      read(context, event, 'queue.record');
      context.origin[event.record.recordId] = event.region;
    }),
    relayRecord: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.record');
      if (!context.consumer) return;
      enqueue.sendTo(keptActor(system, context.consumer.replyTo, context.id), relayedRecord(context.id, event), { delay: LATENCY });
    }),
    forwardRemove: sendTo(
      ({ context, event, system }) => (read(context, event, 'dns.remove'), peer(system, targetOfOrigin(context, event.recordId)!.queue, context.id)),
      ({ context, event, self }) => {
        read(context, event, 'dns.remove');
        return { type: 'queue.remove', recordId: event.recordId, replyTo: self, corr: context.ticket } as const;
      },
      { delay: LATENCY },
    ),
    refuseRemove: sendTo(
      ({ context, event }) => (read(context, event, 'dns.remove'), event.replyTo),
      ({ context, event }): DnsRemoveCompleted => (read(context, event, 'dns.remove'), removeRefused(context.id, event)),
      { delay: LATENCY },
    ),
    answerRemove: sendTo(
      ({ context, event, system }) => (read(context, event, 'queue.removeCompleted'), asker(system, context, event.corr!)),
      ({ context, event }): DnsRemoveCompleted => (
        read(context, event, 'queue.removeCompleted'), removeCompleted(context.id, event, context.pending[event.corr!].corr)
      ),
      { delay: LATENCY },
    ),
    settleRemove: change((context, event) => {
      read(context, event, 'queue.removeCompleted');
      delete context.pending[event.corr!];
      if (event.success) delete context.origin[event.recordId];
    }),
    // before setRegionOnline: a receive held while the region was offline is asked again
    resumeHeldReceive: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.setRegionOnline');
      const target = context.targets.find((t) => t.region === event.region);
      if (!target || !event.online || !context.heldReceives[event.region]) return;
      enqueue.sendTo(peer(system, target.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
    }),
    setRegionOnline: change((context, event) => {
      read(context, event, 'dns.setRegionOnline');
      const target = context.targets.find((t) => t.region === event.region);
      if (!target) return;
      target.online = event.online;
      target.credit = 0;
      if (event.online) delete context.heldReceives[event.region];
    }),
  },
}).createMachine({
  id: 'weightedDns',
  context: ({ input }) => {
    const { id, targets } = parseInput(weightedDnsInputSchema, input, 'weighted DNS input');
    return {
      id,
      targets: targets.map((t) => ({ ...t, online: true, credit: 0 })),
      ticket: 0,
      pending: {},
      consumer: null,
      origin: {},
      heldReceives: {},
      routed: {},
    };
  },
  initial: 'routing',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'tps.wrongPeer': { actions: 'failOnWrongPeer' },
  },
  states: {
    routing: {
      on: {
        'dns.send': [{ guard: 'hasOnlineTarget', actions: ['holdRequest', 'forwardSend'] }, { actions: 'refuseSend' }],
        'queue.sendCompleted': [
          { guard: 'answersPendingRequest', actions: ['answerSend', 'settleSend'] },
          { description: 'An answer to no pending request: ignored.' },
        ],
        'dns.receive': { actions: ['registerConsumer', 'receiveFromTargets'] },
        'queue.record': { actions: ['noteOrigin', 'relayRecord'] },
        'dns.remove': [{ guard: 'knowsOrigin', actions: ['holdRequest', 'forwardRemove'] }, { actions: 'refuseRemove' }],
        'queue.removeCompleted': [
          { guard: 'answersPendingRequest', actions: ['answerRemove', 'settleRemove'] },
          { description: 'An answer to no pending request: ignored.' },
        ],
        'dns.setRegionOnline': { actions: ['resumeHeldReceive', 'setRegionOnline'] },
      },
    },
  },
});
