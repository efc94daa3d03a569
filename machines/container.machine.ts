import { sendTo, setup, type AnyActorRef } from 'xstate';
import { updater } from './context-update';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, wrongPeerError, type EventReader } from './event-checks';
import { z } from 'zod';
import type {
  ContainerFail,
  ContainerRecover,
  QueueRecordDelivered,
  QueueRemove,
  QueueRemoveCompleted,
  QueueReceive,
  QueueSend,
  QueueSendCompleted,
  TableInsert,
  TableInsertCompleted,
  TpsRecord,
  WrongPeer,
} from './protocol';
import { regionSchema } from './protocol';
import { immediate, LATENCY, parseInput, peer } from './support';

export const containerInputSchema = z.object({
  id: z.string().min(1),
  stage: z.string().min(1),
  region: regionSchema,
  /** systemIds of the queue it reads, the global table it writes, the queue it feeds */
  inputQueue: z.string().min(1),
  table: z.string().min(1),
  outputQueue: z.string().min(1),
});
export type ContainerInput = z.input<typeof containerInputSchema>;

export type ContainerEvent =
  | ContainerFail
  | ContainerRecover
  | QueueRecordDelivered
  | TableInsertCompleted
  | QueueSendCompleted
  | QueueRemoveCompleted
  | WrongPeer;

export interface ContainerContext extends z.infer<typeof containerInputSchema> {
  /** the record being processed */
  current: TpsRecord | null;
  /** id of the latest request; answers to older requests are stale */
  ticket: number;
  /** records already sent on: met again, they are only removed (idempotence) */
  forwarded: Record<number, true>;
  /** a record whose send to the output queue has not been answered yet */
  inDoubt: number | null;
  processed: number;
}

const replies = ['queue.record', 'table.insertCompleted', 'queue.sendCompleted', 'queue.removeCompleted'] as const;
const answers = ['table.insertCompleted', 'queue.sendCompleted', 'queue.removeCompleted'] as const;

/** The write of the current record to the table, under the latest ticket; its region is the container's own. */
export const tableWrite = (context: ContainerContext, self: AnyActorRef, region = context.region): TableInsert => ({
  type: 'table.insert',
  region,
  record: context.current!,
  replyTo: self,
  corr: context.ticket,
});

const change = updater<ContainerContext, ContainerEvent>();

const CONTAINER = 'container';
const read: EventReader<ContainerEvent> = eventReader<ContainerEvent>(CONTAINER);
const protocol = protocolOf<ContainerEvent>({
  'container.fail': true,
  'container.recover': true,
  'queue.record': true,
  'table.insertCompleted': true,
  'queue.sendCompleted': true,
  'queue.removeCompleted': true,
  'tps.wrongPeer': true,
});

/**
 * A stage container (queue -> table -> queue). One record at a time: take
 * the oldest record, write it to the stage's table in its own region, send
 * it on, and only then remove it from the input queue. Any failed step
 * leaves the record in the input queue and parks the container in failed
 * dependency until it is recovered.
 */
export const containerMachine = setup({
  types: {
    context: {} as ContainerContext,
    events: {} as ContainerEvent,
    input: {} as ContainerInput,
  },
  delays: { [LATENCY]: immediate },
  guards: {
    isCurrent: ({ context, event }) => (read(context, event, replies), event.corr === context.ticket),
    succeeded: ({ context, event }) => (read(context, event, answers), event.corr === context.ticket && event.success === true),
    failed: ({ context, event }) => (read(context, event, answers), event.corr === context.ticket && event.success === false),
    isCurrentAndForwarded: ({ context, event }) =>
      (read(context, event, 'queue.record'), event.corr === context.ticket && event.record.recordId in context.forwarded),
    isCurrentAndInDoubt: ({ context, event }) =>
      (read(context, event, 'queue.record'), event.corr === context.ticket && event.record.recordId === context.inDoubt),
    answersDoubtWithSuccess: ({ context, event }) =>
      (read(context, event, 'queue.sendCompleted'), event.record.recordId === context.inDoubt && event.success),
    answersDoubtWithFailure: ({ context, event }) =>
      (read(context, event, 'queue.sendCompleted'), event.record.recordId === context.inDoubt && !event.success),
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(CONTAINER, context, event),
      ({ context, event }) => wrongPeer(CONTAINER, context, event),
      { delay: LATENCY },
    ),
    // A peer named in the input is of the wrong kind: nothing can go on.
    failOnWrongPeer: ({ context, event }) => {
      read(context, event, 'tps.wrongPeer');
      throw wrongPeerError(CONTAINER, context, event);
    },
    requestRecord: sendTo(
      ({ context, system }) => peer(system, context.inputQueue, context.id),
      ({ context, self }): QueueReceive => ({ type: 'queue.receive', replyTo: self, corr: context.ticket }),
      { delay: LATENCY },
    ),
    takeRecord: change((context, event) => {
      read(context, event, 'queue.record');
      context.current = event.record;
    }),
    writeRecord: sendTo(
      ({ context, system }) => peer(system, context.table, context.id),
      ({ context, self }): TableInsert => tableWrite(context, self),
      { delay: LATENCY },
    ),
    publishRecord: sendTo(
      ({ context, system }) => peer(system, context.outputQueue, context.id),
      ({ context, self }): QueueSend => ({ type: 'queue.send', record: context.current!, replyTo: self, corr: context.ticket }),
      { delay: LATENCY },
    ),
    removeRecord: sendTo(
      ({ context, system }) => peer(system, context.inputQueue, context.id),
      ({ context, self }): QueueRemove => ({
        type: 'queue.remove',
        recordId: context.current!.recordId,
        replyTo: self,
        corr: context.ticket,
      }),
      { delay: LATENCY },
    ),
    // Each request gets a fresh ticket (set before the request that carries it).
    nextTicket: change((context) => {
      context.ticket++;
    }),
    forgetRecord: change((context) => {
      context.current = null;
    }),
    markInDoubt: change((context) => {
      context.inDoubt = context.current!.recordId;
    }),
    markForwarded: change((context) => {
      context.forwarded[context.current!.recordId] = true;
      context.inDoubt = null;
    }),
    clearDoubt: change((context) => {
      context.inDoubt = null;
    }),
    countProcessed: change((context) => {
      context.processed++;
    }),
    // Answers to requests made before a failure or recovery: nothing to do (once read).
    ignoreStaleReply: ({ context, event }) => read(context, event, replies),
    // ...except a send that succeeded: the record is in the output queue, so
    // when it is delivered again it is only removed, not sent a second time.
    noteStaleForward: change((context, event) => {
      read(context, event, 'queue.sendCompleted');
      if (event.success) context.forwarded[event.record.recordId] = true;
      if (event.record.recordId === context.inDoubt) context.inDoubt = null;
    }),
  },
}).createMachine({
  id: 'container',
  context: ({ input }) => ({
    ...parseInput(containerInputSchema, input, 'container input'),
    current: null,
    ticket: 0,
    forwarded: {},
    inDoubt: null,
    processed: 0,
  }),
  initial: 'processRecords',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'tps.wrongPeer': { actions: 'failOnWrongPeer' },
    'queue.record': { actions: 'ignoreStaleReply' },
    'table.insertCompleted': { actions: 'ignoreStaleReply' },
    'queue.sendCompleted': { actions: 'noteStaleForward' },
    'queue.removeCompleted': { actions: 'ignoreStaleReply' },
  },
  states: {
    processRecords: {
      initial: 'awaitingRecord',
      on: {
        'container.fail': { target: 'failedProcessing' },
        'container.recover': { description: 'Already processing.' },
      },
      states: {
        awaitingRecord: {
          entry: ['nextTicket', 'forgetRecord', 'requestRecord'],
          on: {
            'queue.record': [
              { guard: 'isCurrentAndForwarded', target: 'removing', actions: 'takeRecord' },
              { guard: 'isCurrentAndInDoubt', target: 'confirmingForward', actions: 'takeRecord' },
              { guard: 'isCurrent', target: 'writingTable', actions: 'takeRecord' },
            ],
          },
        },
        writingTable: {
          entry: ['nextTicket', 'writeRecord'],
          on: {
            'table.insertCompleted': [
              { guard: 'succeeded', target: 'publishing' },
              { guard: 'failed', target: '#container.failedDependency' },
            ],
          },
        },
        publishing: {
          entry: ['nextTicket', 'markInDoubt', 'publishRecord'],
          on: {
            'queue.sendCompleted': [
              { guard: 'succeeded', target: 'removing', actions: 'markForwarded' },
              { guard: 'failed', target: '#container.failedDependency', actions: 'clearDoubt' },
            ],
          },
        },
        confirmingForward: {
          description:
            'Recovered while a send of this record was unanswered: wait for that answer rather than send it twice.',
          on: {
            'queue.sendCompleted': [
              { guard: 'answersDoubtWithSuccess', target: 'removing', actions: 'markForwarded' },
              { guard: 'answersDoubtWithFailure', target: 'writingTable', actions: 'clearDoubt' },
            ],
          },
        },
        removing: {
          entry: ['nextTicket', 'removeRecord'],
          on: {
            'queue.removeCompleted': [
              { guard: 'succeeded', target: 'awaitingRecord', actions: 'countProcessed' },
              { guard: 'failed', target: '#container.failedDependency' },
            ],
          },
        },
      },
    },
    failedProcessing: {
      on: {
        // re-entering processRecords re-registers with the input queue
        'container.recover': { target: 'processRecords' },
        'container.fail': { description: 'Already failed.' },
      },
    },
    failedDependency: {
      on: {
        'container.recover': { target: 'processRecords' },
        'container.fail': { target: 'failedProcessing' },
      },
    },
  },
});
