import { enqueueActions, sendTo, setup } from 'xstate';
import { z } from 'zod';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import type { DnsSwitch } from './active-passive-protocol';
import {
  relayedRecord,
  removeCompleted,
  removeRefused,
  requesterOf,
  sendCompleted,
  withoutKey,
  type DnsRequest,
  type QueueAnswer,
  type Requester,
} from './messages';
import type { QueueReceive, QueueRemove, QueueSend, WrongPeer } from './protocol';
import { regionSchema } from './protocol';
import { immediate, keptActor, LATENCY, parseInput, peer, withActiveRegion } from './support';

export const failoverDnsInputSchema = withActiveRegion(
  z
    .object({
      id: z.string().min(1),
      /** the primary region's queue first, then the secondary's */
      targets: z
        .array(z.object({ region: regionSchema, queue: z.string().min(1) }).strict())
        .length(2, 'a failover DNS has exactly two targets, primary then secondary')
        .refine((t) => t.length !== 2 || t[0].region !== t[1].region, 'one target per region'),
      activeRegion: regionSchema.optional(),
    })
    .strict(),
  (i) => i.targets.map((t) => t.region),
  'activeRegion must be the region of a target',
);
export type FailoverDnsInput = z.input<typeof failoverDnsInputSchema>;

export type FailoverDnsEvent = DnsRequest | DnsSwitch | QueueAnswer | WrongPeer;

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

/** A request forwarded under a fresh ticket, remembering who asked. */
const held = (c: FailoverDnsContext, event: DnsRequest): Pick<FailoverDnsContext, 'ticket' | 'pending'> => {
  const ticket = c.ticket + 1;
  return { ticket, pending: { ...c.pending, [ticket]: requesterOf(event) } };
};

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
      const hold = held(context, event);
      const send: QueueSend = { type: 'queue.send', record: event.record, replyTo: self, corr: hold.ticket };
      enqueue.assign(hold);
      enqueue.sendTo(peer(system, queueOf(context, context.activeRegion), context.id), send, { delay: LATENCY });
    }),
    answerSend: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.sendCompleted');
      const request = context.pending[event.corr!];
      enqueue.assign({
        pending: withoutKey(context.pending, event.corr!),
        routed: event.success ? { ...context.routed, [event.region]: (context.routed[event.region] ?? 0) + 1 } : context.routed,
      });
      enqueue.sendTo(keptActor(system, request.replyTo, context.id), sendCompleted(context.id, event, request.corr), { delay: LATENCY });
    }),
    registerConsumer: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.receive');
      // whichever region the consumer names, it is served by the active one
      const receive: QueueReceive = { type: 'queue.receive', replyTo: self };
      enqueue.assign({ consumer: requesterOf(event) });
      enqueue.sendTo(peer(system, queueOf(context, context.activeRegion), context.id), receive, { delay: LATENCY });
    }),
    relayRecord: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.record');
      enqueue.assign({ origin: { ...context.origin, [event.record.recordId]: event.region } });
      if (!context.consumer) return;
      enqueue.sendTo(keptActor(system, context.consumer.replyTo, context.id), relayedRecord(context.id, event), { delay: LATENCY });
    }),
    routeRemove: enqueueActions(({ context, event, enqueue, system, self }) => {
      read(context, event, 'dns.remove');
      const hold = held(context, event);
      const remove: QueueRemove = { type: 'queue.remove', recordId: event.recordId, replyTo: self, corr: hold.ticket };
      enqueue.assign(hold);
      enqueue.sendTo(peer(system, queueOf(context, context.origin[event.recordId]), context.id), remove, { delay: LATENCY });
    }),
    refuseRemove: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'dns.remove');
      enqueue.sendTo(event.replyTo, removeRefused(context.id, event), { delay: LATENCY });
    }),
    answerRemove: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'queue.removeCompleted');
      const request = context.pending[event.corr!];
      enqueue.assign({
        pending: withoutKey(context.pending, event.corr!),
        origin: event.success ? withoutKey(context.origin, event.recordId) : context.origin,
      });
      enqueue.sendTo(keptActor(system, request.replyTo, context.id), removeCompleted(context.id, event, request.corr), { delay: LATENCY });
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
