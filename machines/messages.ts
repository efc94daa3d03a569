import type {
  DestinationNotifyAt,
  QueueNotifyAt,
  DnsReceive,
  DnsRecordDelivered,
  DnsRemove,
  DnsRemoveCompleted,
  DnsSend,
  DnsSendCompleted,
  QueueRecordDelivered,
  QueueRemoveCompleted,
  QueueSendCompleted,
  Region,
  TableCount,
  TableCountReport,
  TableFail,
  TableInsert,
  TableInsertCompleted,
  TableRead,
  TableReadResult,
  TableRecover,
  TpsRecord,
} from './protocol';
import { keepActor, type KeptActor } from './support';

/**
 * Answers and bookkeeping that several machines share, written once: each machine keeps its own
 * named actions (which planted bugs swap by name) and builds what it sends with these. Field order
 * is the protocol's: a trace's digest hashes messages as they are built.
 */

// ---- tables --------------------------------------------------------------
/** What a regional table or database is asked. */
export type TableRequest = TableInsert | TableRead | TableCount | TableFail | TableRecover;

/** A regional table's or database's answer to a read: the row, or null. */
export const readResult = (by: { id: string; region: Region }, recordId: number, record: TpsRecord | undefined): TableReadResult => ({
  type: 'table.readResult',
  table: by.id,
  region: by.region,
  recordId,
  record: record ?? null,
});

export const countReport = (by: { id: string; region: Region }, count: number): TableCountReport => ({
  type: 'table.countReport',
  table: by.id,
  region: by.region,
  count,
});

/** The answer to an insert from the table that took (or refused) it. */
export const insertCompleted = (
  by: { table: string; stage: string; region: Region },
  event: TableInsert,
  success: boolean,
): TableInsertCompleted => ({
  type: 'table.insertCompleted',
  table: by.table,
  stage: by.stage,
  region: by.region,
  record: event.record,
  success,
  origin: event.origin ?? 'write',
  corr: event.corr,
});

// ---- DNS -----------------------------------------------------------------
/** What a consumer or writer asks a DNS. */
export type DnsRequest = DnsSend | DnsReceive | DnsRemove;
/** What a DNS hears back from the queues it routes to. */
export type QueueAnswer = QueueSendCompleted | QueueRecordDelivered | QueueRemoveCompleted;

/** Who asked, to answer them: an address, not data the DNS owns. */
export interface Requester {
  readonly replyTo: KeptActor;
  readonly corr?: number;
}

/** The asker of a request, kept to answer it later. */
export const requesterOf = (event: DnsRequest): Requester => ({ replyTo: keepActor(event.replyTo), corr: event.corr });

/** A DNS's answer to a send: the queue's outcome, or a refusal (region null). */
export const sendCompleted = (
  dns: string,
  outcome: { record: TpsRecord; region: Region | null; success: boolean },
  corr: number | undefined,
): DnsSendCompleted => ({ type: 'dns.sendCompleted', dns, record: outcome.record, region: outcome.region, success: outcome.success, corr });

/** A DNS's answer to a remove: the queue's outcome, or a refusal (region null). */
export const removeCompleted = (
  dns: string,
  outcome: { region: Region | null; recordId: number; success: boolean },
  corr: number | undefined,
): DnsRemoveCompleted => ({ type: 'dns.removeCompleted', dns, region: outcome.region, recordId: outcome.recordId, success: outcome.success, corr });

/** A refusal: nothing was routed. */
export const sendRefused = (dns: string, event: DnsSend): DnsSendCompleted =>
  sendCompleted(dns, { record: event.record, region: null, success: false }, event.corr);
export const removeRefused = (dns: string, event: DnsRemove): DnsRemoveCompleted =>
  removeCompleted(dns, { region: null, recordId: event.recordId, success: false }, event.corr);

/** A queue's delivery, relayed to the DNS's consumer. */
export const relayedRecord = (dns: string, event: QueueRecordDelivered): DnsRecordDelivered => ({
  type: 'dns.record',
  dns,
  region: event.region,
  record: event.record,
});

/** The map without `key` (a new object: contexts are replaced, not edited, where no `update` drafts them). */
export const withoutKey = <T>(map: Readonly<Record<number, T>>, key: number): Record<number, T> => {
  const { [key]: _gone, ...rest } = map;
  return rest;
};

// ---- count notifications -------------------------------------------------
/** Someone waiting for a count (of records sent, of records kept) to be reached. */
export interface Waiter {
  count: number;
  replyTo: KeptActor;
}

/** A `notifyAt` request, kept. */
export const waiterOf = (event: DestinationNotifyAt | QueueNotifyAt): Waiter => ({ count: event.count, replyTo: keepActor(event.replyTo) });

/** The waiters a count reaches, in the order they asked. */
export const reachedWaiters = (waiters: readonly Waiter[], count: number): Waiter[] => waiters.filter((w) => w.count <= count);
/** The waiters a count does not reach yet. */
export const waitingWaiters = (waiters: readonly Waiter[], count: number): Waiter[] => waiters.filter((w) => w.count > count);
