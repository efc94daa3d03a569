import { assertEvent, enqueueActions, sendTo, setup } from 'xstate';
import { updater } from './context-update';
import { z } from 'zod';
import type {
  DnsReceive,
  DnsRecordDelivered,
  DnsRemove,
  DnsRemoveCompleted,
  DnsSend,
  DnsSendCompleted,
  DnsSetRegionOnline,
  QueueRecordDelivered,
  QueueRemoveCompleted,
  QueueSendCompleted,
} from './protocol';
import { regionSchema } from './protocol';
import { immediate, keepActor, keptActor, LATENCY, parseInput, peer, type KeptActor } from './support';

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

export type WeightedDnsEvent =
  | DnsSend
  | DnsReceive
  | DnsRemove
  | DnsSetRegionOnline
  | QueueSendCompleted
  | QueueRecordDelivered
  | QueueRemoveCompleted;

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
  pending: Record<number, { replyTo: KeptActor; corr?: number }>;
  /** the consumer of the out role and its last receive request */
  consumer: { replyTo: KeptActor; corr?: number } | null;
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

const change = updater<WeightedDnsContext, WeightedDnsEvent>();

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
    knowsOrigin: ({ context, event }) => (assertEvent(event, 'dns.remove'), targetOfOrigin(context, event.recordId) !== undefined),
    answersPendingRequest: ({ context, event }) =>
      (assertEvent(event, ['queue.sendCompleted', 'queue.removeCompleted']), event.corr !== undefined && event.corr in context.pending),
  },
  actions: {
    // A request is forwarded under a fresh ticket, remembering who asked.
    holdRequest: change((context, event) => {
      assertEvent(event, ['dns.send', 'dns.remove']);
      context.ticket++;
      context.pending[context.ticket] = { replyTo: keepActor(event.replyTo), corr: event.corr };
    }),
    forwardSend: sendTo(
      ({ context, system }) => peer(system, pickTarget(context.targets)!.queue, context.id),
      ({ context, event, self }) => {
        assertEvent(event, 'dns.send');
        return { type: 'queue.send', record: event.record, replyTo: self, corr: context.ticket } as const;
      },
      { delay: LATENCY },
    ),
    refuseSend: sendTo(
      ({ event }) => (assertEvent(event, 'dns.send'), event.replyTo),
      ({ context, event }): DnsSendCompleted => {
        assertEvent(event, 'dns.send');
        return { type: 'dns.sendCompleted', dns: context.id, record: event.record, region: null, success: false, corr: event.corr };
      },
      { delay: LATENCY },
    ),
    answerSend: sendTo(
      ({ context, event, system }) => (assertEvent(event, 'queue.sendCompleted'), keptActor(system, context.pending[event.corr!].replyTo, context.id)),
      ({ context, event }): DnsSendCompleted => {
        assertEvent(event, 'queue.sendCompleted');
        return {
          type: 'dns.sendCompleted',
          dns: context.id,
          record: event.record,
          region: event.region,
          success: event.success,
          corr: context.pending[event.corr!].corr,
        };
      },
      { delay: LATENCY },
    ),
    settleSend: change((context, event) => {
      assertEvent(event, 'queue.sendCompleted');
      delete context.pending[event.corr!];
      if (!event.success) return;
      settleCredit(context.targets, event.region);
      context.routed[event.region] = (context.routed[event.region] ?? 0) + 1;
    }),
    // An offline region is not read from; its receive waits until it is back online.
    registerConsumer: change((context, event) => {
      assertEvent(event, 'dns.receive');
      context.consumer = { replyTo: keepActor(event.replyTo), corr: event.corr };
      for (const t of context.targets) {
        if ((event.region === undefined || t.region === event.region) && !t.online) context.heldReceives[t.region] = true;
      }
    }),
    receiveFromTargets: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.receive');
      for (const t of context.targets) {
        if ((event.region === undefined || t.region === event.region) && t.online)
          enqueue.sendTo(peer(system, t.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
      }
    }),
    noteOrigin: change((context, event) => {
      assertEvent(event, 'queue.record');
      context.origin[event.record.recordId] = event.region;
    }),
    relayRecord: enqueueActions(({ context, event, enqueue, system }) => {
      assertEvent(event, 'queue.record');
      if (!context.consumer) return;
      const delivery: DnsRecordDelivered = { type: 'dns.record', dns: context.id, region: event.region, record: event.record };
      enqueue.sendTo(keptActor(system, context.consumer.replyTo, context.id), delivery, { delay: LATENCY });
    }),
    forwardRemove: sendTo(
      ({ context, event, system }) => (assertEvent(event, 'dns.remove'), peer(system, targetOfOrigin(context, event.recordId)!.queue, context.id)),
      ({ context, event, self }) => {
        assertEvent(event, 'dns.remove');
        return { type: 'queue.remove', recordId: event.recordId, replyTo: self, corr: context.ticket } as const;
      },
      { delay: LATENCY },
    ),
    refuseRemove: sendTo(
      ({ event }) => (assertEvent(event, 'dns.remove'), event.replyTo),
      ({ context, event }): DnsRemoveCompleted => {
        assertEvent(event, 'dns.remove');
        return { type: 'dns.removeCompleted', dns: context.id, region: null, recordId: event.recordId, success: false, corr: event.corr };
      },
      { delay: LATENCY },
    ),
    answerRemove: sendTo(
      ({ context, event, system }) => (assertEvent(event, 'queue.removeCompleted'), keptActor(system, context.pending[event.corr!].replyTo, context.id)),
      ({ context, event }): DnsRemoveCompleted => {
        assertEvent(event, 'queue.removeCompleted');
        return {
          type: 'dns.removeCompleted',
          dns: context.id,
          region: event.region,
          recordId: event.recordId,
          success: event.success,
          corr: context.pending[event.corr!].corr,
        };
      },
      { delay: LATENCY },
    ),
    settleRemove: change((context, event) => {
      assertEvent(event, 'queue.removeCompleted');
      delete context.pending[event.corr!];
      if (event.success) delete context.origin[event.recordId];
    }),
    // before setRegionOnline: a receive held while the region was offline is asked again
    resumeHeldReceive: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.setRegionOnline');
      const target = context.targets.find((t) => t.region === event.region);
      if (!target || !event.online || !context.heldReceives[event.region]) return;
      enqueue.sendTo(peer(system, target.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
    }),
    setRegionOnline: change((context, event) => {
      assertEvent(event, 'dns.setRegionOnline');
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
