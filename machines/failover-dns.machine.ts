import { enqueueActions, sendTo, setup, type AnyActorRef } from 'xstate';
import { z } from 'zod';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import type { DnsSwitch } from './active-passive-protocol';
import type {
  DnsReceive,
  DnsRecordDelivered,
  DnsRemove,
  DnsRemoveCompleted,
  DnsSend,
  DnsSendCompleted,
  QueueReceive,
  QueueRecordDelivered,
  QueueRemove,
  QueueRemoveCompleted,
  QueueSend,
  QueueSendCompleted,
  WrongPeer,
} from './protocol';
import { regionSchema } from './protocol';
import { immediate, keepActor, keptActor, LATENCY, parseInput, peer, type KeptActor } from './support';

export const failoverDnsInputSchema = z
  .object({
    id: z.string().min(1),
    /** the primary region's queue first, then the secondary's */
    targets: z
      .array(z.object({ region: regionSchema, queue: z.string().min(1) }).strict())
      .length(2, 'a failover DNS has exactly two targets, primary then secondary')
      .refine((t) => t.length !== 2 || t[0].region !== t[1].region, 'one target per region'),
    activeRegion: regionSchema.optional(),
  })
  .strict()
  .refine((i) => i.activeRegion === undefined || i.targets.some((t) => t.region === i.activeRegion), {
    message: 'activeRegion must be the region of a target',
    path: ['activeRegion'],
  });
export type FailoverDnsInput = z.input<typeof failoverDnsInputSchema>;

export type FailoverDnsEvent =
  | DnsSend
  | DnsReceive
  | DnsRemove
  | DnsSwitch
  | QueueSendCompleted
  | QueueRecordDelivered
  | QueueRemoveCompleted
  | WrongPeer;

/** Who asked, to answer them: an address, not data the DNS owns. */
interface Requester {
  readonly replyTo: KeptActor;
  readonly corr?: number;
}

export interface FailoverDnsContext {
  readonly id: string;
  readonly targets: readonly { readonly region: number; readonly queue: string }[];
  readonly activeRegion: number;
  readonly ticket: number;
  /** requests forwarded to a queue and not answered yet, by ticket */
  readonly pending: Readonly<Record<number, Requester>>;
  /** the consumer of the out role */
  readonly consumer: Requester | null;
  /** region each delivered record came from, so its remove goes back there */
  readonly origin: Readonly<Record<number, number>>;
  /** records sent on per region */
  readonly routed: Readonly<Record<number, number>>;
  readonly switches: number;
}

const queueOf = (c: FailoverDnsContext, region: number) => c.targets.find((t) => t.region === region)!.queue;
const withoutKey = <T>(map: Readonly<Record<number, T>>, key: number): Record<number, T> => {
  const { [key]: _gone, ...rest } = map;
  return rest;
};

const DNS = 'failover DNS';
const read: EventReader<FailoverDnsEvent> = eventReader<FailoverDnsEvent>(DNS);
const protocol = protocolOf<FailoverDnsEvent>({
  'dns.send': true,
  'dns.receive': true,
  'dns.remove': true,
  'dns.switch': true,
  'queue.sendCompleted': true,
  'queue.record': true,
  'queue.removeCompleted': true,
  'tps.wrongPeer': true,
});

/**
 * Route 53 with a failover routing policy. In role: every record sent goes
 * to the active region's queue. Out role: the consumer reads from the active
 * region's queue; a remove goes back to the queue the record came from. A
 * switch makes the other region the active one (it does not move records
 * already in the old region's queues: those wait there).
 */
export const failoverDnsMachine = setup({
  types: {
    context: {} as FailoverDnsContext,
    events: {} as FailoverDnsEvent,
    input: {} as FailoverDnsInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
    primaryIsActive: ({ context }) => context.activeRegion === context.targets[0].region,
    answersPending: ({ context, event }) =>
      (read(context, event, ['queue.sendCompleted', 'queue.removeCompleted']), event.corr !== undefined && event.corr in context.pending),
    knowsOrigin: ({ context, event }) => (read(context, event, 'dns.remove'), event.recordId in context.origin),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(DNS, context, event),
      ({ context, event }) => wrongPeer(DNS, context, event),
      { delay: LATENCY },
    ),
    // A peer it was given (input) is of the wrong kind.
    failOnWrongPeer: ({ context, event }) => {
      read(context, event, 'tps.wrongPeer');
      throw wrongPeerError(DNS, context, event);
    },
    routeSend: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.send');
      const ticket = context.ticket + 1;
      const send: QueueSend = { type: 'queue.send', record: event.record, replyTo: self, corr: ticket };
      enqueue.assign({ ticket, pending: { ...context.pending, [ticket]: { replyTo: keepActor(event.replyTo), corr: event.corr } } });
      enqueue.sendTo(peer(system, queueOf(context, context.activeRegion), context.id), send, { delay: LATENCY });
    }),
    answerSend: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.sendCompleted');
      const request = context.pending[event.corr!];
      const answer: DnsSendCompleted = {
        type: 'dns.sendCompleted',
        dns: context.id,
        record: event.record,
        region: event.region,
        success: event.success,
        corr: request.corr,
      };
      enqueue.assign({
        pending: withoutKey(context.pending, event.corr!),
        routed: event.success ? { ...context.routed, [event.region]: (context.routed[event.region] ?? 0) + 1 } : context.routed,
      });
      enqueue.sendTo(keptActor(system, request.replyTo, context.id), answer, { delay: LATENCY });
    }),
    registerConsumer: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.receive');
      // whichever region the consumer names, it is served by the active one
      const receive: QueueReceive = { type: 'queue.receive', replyTo: self };
      enqueue.assign({ consumer: { replyTo: keepActor(event.replyTo), corr: event.corr } });
      enqueue.sendTo(peer(system, queueOf(context, context.activeRegion), context.id), receive, { delay: LATENCY });
    }),
    relayRecord: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.record');
      enqueue.assign({ origin: { ...context.origin, [event.record.recordId]: event.region } });
      if (!context.consumer) return;
      const delivery: DnsRecordDelivered = { type: 'dns.record', dns: context.id, region: event.region, record: event.record };
      enqueue.sendTo(keptActor(system, context.consumer.replyTo, context.id), delivery, { delay: LATENCY });
    }),
    routeRemove: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.remove');
      const ticket = context.ticket + 1;
      const remove: QueueRemove = { type: 'queue.remove', recordId: event.recordId, replyTo: self, corr: ticket };
      enqueue.assign({ ticket, pending: { ...context.pending, [ticket]: { replyTo: keepActor(event.replyTo), corr: event.corr } } });
      enqueue.sendTo(peer(system, queueOf(context, context.origin[event.recordId]), context.id), remove, { delay: LATENCY });
    }),
    refuseRemove: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'dns.remove');
      const refused: DnsRemoveCompleted = {
        type: 'dns.removeCompleted',
        dns: context.id,
        region: null,
        recordId: event.recordId,
        success: false,
        corr: event.corr,
      };
      enqueue.sendTo(event.replyTo, refused, { delay: LATENCY });
    }),
    answerRemove: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.removeCompleted');
      const request = context.pending[event.corr!];
      const answer: DnsRemoveCompleted = {
        type: 'dns.removeCompleted',
        dns: context.id,
        region: event.region,
        recordId: event.recordId,
        success: event.success,
        corr: request.corr,
      };
      enqueue.assign({
        pending: withoutKey(context.pending, event.corr!),
        origin: event.success ? withoutKey(context.origin, event.recordId) : context.origin,
      });
      enqueue.sendTo(keptActor(system, request.replyTo, context.id), answer, { delay: LATENCY });
    }),
    ignoreStaleAnswer: () => {},
    // A registered consumer is registered with the new active region's queue too.
    switchRegion: enqueueActions(({ context, enqueue, system, self }) => {
      const to = context.targets.find((t) => t.region !== context.activeRegion)!.region;
      enqueue.assign({ activeRegion: to, switches: context.switches + 1 });
      if (!context.consumer) return;
      const receive: QueueReceive = { type: 'queue.receive', replyTo: self };
      enqueue.sendTo(peer(system, queueOf(context, to), context.id), receive, { delay: LATENCY });
    }),
  },
}).createMachine({
  id: 'failoverDns',
  context: ({ input }) => {
    const { id, targets, activeRegion } = parseInput(failoverDnsInputSchema, input, 'failover DNS input');
    return {
      id,
      targets,
      activeRegion: activeRegion ?? targets[0].region,
      ticket: 0,
      pending: {},
      consumer: null,
      origin: {},
      routed: {},
      switches: 0,
    };
  },
  initial: 'starting',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'tps.wrongPeer': { actions: 'failOnWrongPeer' },
    'dns.send': { actions: 'routeSend' },
    'queue.sendCompleted': [{ guard: 'answersPending', actions: 'answerSend' }, { actions: 'ignoreStaleAnswer' }],
    'dns.receive': { actions: 'registerConsumer' },
    'queue.record': { actions: 'relayRecord' },
    'dns.remove': [{ guard: 'knowsOrigin', actions: 'routeRemove' }, { actions: 'refuseRemove' }],
    'queue.removeCompleted': [{ guard: 'answersPending', actions: 'answerRemove' }, { actions: 'ignoreStaleAnswer' }],
  },
  states: {
    starting: {
      always: [{ guard: 'primaryIsActive', target: 'region1Active' }, { target: 'region2Active' }],
    },
    region1Active: {
      description: 'Routes to the primary region (the first target).',
      on: { 'dns.switch': { target: 'region2Active', actions: 'switchRegion' } },
    },
    region2Active: {
      description: 'Routes to the secondary region.',
      on: { 'dns.switch': { target: 'region1Active', actions: 'switchRegion' } },
    },
  },
});
