import { assertEvent, enqueueActions, setup, type AnyActorRef } from 'xstate';
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
import { immediate, LATENCY, parseInput, peer } from './support';

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
  pending: Record<number, { replyTo: AnyActorRef; corr?: number }>;
  /** the consumer of the out role and its last receive request */
  consumer: { replyTo: AnyActorRef; corr?: number } | null;
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

/** Remembers who asked under a fresh ticket, then sends the request on with that ticket. */
function forward(
  context: WeightedDnsContext,
  request: { replyTo: AnyActorRef; corr?: number },
  send: (ticket: number) => void,
): void {
  // The tickets are this DNS's own: updated in place, no context copy per message.
  const ticket = ++context.ticket;
  context.pending[ticket] = { replyTo: request.replyTo, corr: request.corr };
  send(ticket);
}

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
  actions: {
    routeSend: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.send');
      const e = event;
      const target = pickTarget(context.targets);
      if (!target) {
        const refused: DnsSendCompleted = {
          type: 'dns.sendCompleted',
          dns: context.id,
          record: e.record,
          region: null,
          success: false,
          corr: e.corr,
        };
        enqueue.sendTo(e.replyTo, refused, { delay: LATENCY });
        return;
      }
      forward(context, e, (ticket) =>
        enqueue.sendTo(
          peer(system, target.queue, context.id),
          { type: 'queue.send', record: e.record, replyTo: self, corr: ticket },
          { delay: LATENCY },
        ),
      );
    }),
    answerSend: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'queue.sendCompleted');
      const e = event;
      const request = context.pending[e.corr!];
      if (!request) return;
      delete context.pending[e.corr!];
      if (e.success) {
        settleCredit(context.targets, e.region);
        context.routed[e.region] = (context.routed[e.region] ?? 0) + 1;
      }
      const answer: DnsSendCompleted = {
        type: 'dns.sendCompleted',
        dns: context.id,
        record: e.record,
        region: e.region,
        success: e.success,
        corr: request.corr,
      };
      enqueue.sendTo(request.replyTo, answer, { delay: LATENCY });
    }),
    // An offline region is not read from; its receive waits until it is back online.
    registerConsumer: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.receive');
      const e = event;
      context.consumer = { replyTo: e.replyTo, corr: e.corr };
      for (const t of context.targets) {
        if (e.region !== undefined && t.region !== e.region) continue;
        if (!t.online) context.heldReceives[t.region] = true;
        else enqueue.sendTo(peer(system, t.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
      }
    }),
    relayRecord: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'queue.record');
      const e = event;
      context.origin[e.record.recordId] = e.region;
      if (!context.consumer) return;
      const delivery: DnsRecordDelivered = { type: 'dns.record', dns: context.id, region: e.region, record: e.record };
      enqueue.sendTo(context.consumer.replyTo, delivery, { delay: LATENCY });
    }),
    routeRemove: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.remove');
      const e = event;
      const region = context.origin[e.recordId];
      const target = context.targets.find((t) => t.region === region);
      if (!target) {
        const refused: DnsRemoveCompleted = {
          type: 'dns.removeCompleted',
          dns: context.id,
          region: null,
          recordId: e.recordId,
          success: false,
          corr: e.corr,
        };
        enqueue.sendTo(e.replyTo, refused, { delay: LATENCY });
        return;
      }
      forward(context, e, (ticket) =>
        enqueue.sendTo(
          peer(system, target.queue, context.id),
          { type: 'queue.remove', recordId: e.recordId, replyTo: self, corr: ticket },
          { delay: LATENCY },
        ),
      );
    }),
    answerRemove: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'queue.removeCompleted');
      const e = event;
      const request = context.pending[e.corr!];
      if (!request) return;
      delete context.pending[e.corr!];
      if (e.success) delete context.origin[e.recordId];
      const answer: DnsRemoveCompleted = {
        type: 'dns.removeCompleted',
        dns: context.id,
        region: e.region,
        recordId: e.recordId,
        success: e.success,
        corr: request.corr,
      };
      enqueue.sendTo(request.replyTo, answer, { delay: LATENCY });
    }),
    setRegionOnline: enqueueActions(({ context, event, enqueue, system, self }) => {
      assertEvent(event, 'dns.setRegionOnline');
      const e = event;
      const target = context.targets.find((t) => t.region === e.region);
      enqueue.assign({ targets: context.targets.map((t) => (t === target ? { ...t, online: e.online, credit: 0 } : t)) });
      if (!target || !e.online || !context.heldReceives[e.region]) return;
      delete context.heldReceives[e.region];
      enqueue.sendTo(peer(system, target.queue, context.id), { type: 'queue.receive', replyTo: self }, { delay: LATENCY });
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
        'dns.send': { actions: 'routeSend' },
        'queue.sendCompleted': { actions: 'answerSend' },
        'dns.receive': { actions: 'registerConsumer' },
        'queue.record': { actions: 'relayRecord' },
        'dns.remove': { actions: 'routeRemove' },
        'queue.removeCompleted': { actions: 'answerRemove' },
        'dns.setRegionOnline': { actions: 'setRegionOnline' },
      },
    },
  },
});
