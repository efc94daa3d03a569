import type { AnyActorRef } from 'xstate';
import { z } from 'zod';

/** A record of the transaction processing system. */
export const recordSchema = z.object({
  recordId: z.number().int().nonnegative(),
  recordValue: z.number().int().min(1).max(100_000),
});
export type TpsRecord = z.infer<typeof recordSchema>;

export const regionSchema = z.number().int().positive();
/** A region number: 1 is the primary, 2 the secondary, and so on. */
export type Region = number;

/**
 * Requests carry `replyTo` so the receiver can answer without knowing who
 * asked; `corr` is echoed back so a requester can ignore answers to requests
 * it made before a failure (see the container).
 */
interface Request {
  replyTo: AnyActorRef;
  corr?: number;
}

// ---- queue ---------------------------------------------------------------
export type QueueSend = Request & { type: 'queue.send'; record: TpsRecord };
export type QueueReceive = Request & { type: 'queue.receive' };
export type QueueRemove = Request & { type: 'queue.remove'; recordId: number };
export type QueueDepth = { type: 'queue.depth'; replyTo: AnyActorRef };
export type QueueNotifyAt = { type: 'queue.notifyAt'; count: number; replyTo: AnyActorRef };
export type QueueFail = { type: 'queue.fail' };
export type QueueRecover = { type: 'queue.recover' };
export type QueueEvent =
  | QueueSend
  | QueueReceive
  | QueueRemove
  | QueueDepth
  | QueueNotifyAt
  | QueueFail
  | QueueRecover;

export type QueueSendCompleted = {
  type: 'queue.sendCompleted';
  queue: string;
  region: Region;
  record: TpsRecord;
  success: boolean;
  corr?: number;
};
export type QueueRecordDelivered = {
  type: 'queue.record';
  queue: string;
  region: Region;
  record: TpsRecord;
  /** the `corr` of the receive request this delivery answers */
  corr?: number;
};
export type QueueRemoveCompleted = {
  type: 'queue.removeCompleted';
  queue: string;
  region: Region;
  recordId: number;
  success: boolean;
  /** false when the record was not (or no longer) in the queue */
  removed: boolean;
  corr?: number;
};
export type QueueDepthReport = {
  type: 'queue.depthReport';
  queue: string;
  region: Region;
  depth: number;
  inFlight: number | null;
  sentCount: number;
};
export type QueueCountReached = {
  type: 'queue.countReached';
  queue: string;
  region: Region;
  count: number;
};

// ---- tables --------------------------------------------------------------
export type InsertOrigin = 'write' | 'replication';
export type TableInsert = Request & {
  type: 'table.insert';
  region: Region;
  record: TpsRecord;
  origin?: InsertOrigin;
};
export type TableRead = { type: 'table.read'; recordId: number; replyTo: AnyActorRef };
export type TableCount = { type: 'table.count'; replyTo: AnyActorRef };
export type TableFail = { type: 'table.fail'; region?: Region };
export type TableRecover = { type: 'table.recover'; region?: Region };
export type TableFailReplication = { type: 'table.failReplication' };
export type TableRecoverReplication = { type: 'table.recoverReplication' };
export type TableInsertCompleted = {
  type: 'table.insertCompleted';
  /** systemId of the regional table that answered */
  table: string;
  stage: string;
  region: Region;
  record: TpsRecord;
  success: boolean;
  origin: InsertOrigin;
  corr?: number;
};
export type TableReadResult = {
  type: 'table.readResult';
  table: string;
  region: Region;
  recordId: number;
  record: TpsRecord | null;
};
export type TableCountReport = { type: 'table.countReport'; table: string; region: Region; count: number };

// ---- replicator ----------------------------------------------------------
export type ReplicatorReplicate = { type: 'replicator.replicate'; record: TpsRecord; from: Region };
export type ReplicatorRegionRecovered = { type: 'replicator.regionRecovered'; region: Region };
export type ReplicatorFail = { type: 'replicator.fail' };
export type ReplicatorRecover = { type: 'replicator.recover' };

// ---- container -----------------------------------------------------------
export type ContainerFail = { type: 'container.fail' };
export type ContainerRecover = { type: 'container.recover' };

// ---- DNS -----------------------------------------------------------------
export type DnsSend = Request & { type: 'dns.send'; record: TpsRecord };
export type DnsReceive = Request & { type: 'dns.receive'; region?: Region };
export type DnsRemove = Request & { type: 'dns.remove'; recordId: number };
export type DnsSetRegionOnline = { type: 'dns.setRegionOnline'; region: Region; online: boolean };
export type DnsSendCompleted = {
  type: 'dns.sendCompleted';
  dns: string;
  record: TpsRecord;
  region: Region | null;
  success: boolean;
  corr?: number;
};
export type DnsRecordDelivered = { type: 'dns.record'; dns: string; region: Region; record: TpsRecord };
export type DnsRemoveCompleted = {
  type: 'dns.removeCompleted';
  dns: string;
  region: Region | null;
  recordId: number;
  success: boolean;
  corr?: number;
};

// ---- record source -------------------------------------------------------
export type SourcePublish = { type: 'source.publish'; batch: number; replyTo?: AnyActorRef };
export type SourceBatchPublished = { type: 'source.batchPublished'; batch: number; count: number };
export type SourceBatchFailed = {
  type: 'source.batchFailed';
  batch: number;
  /** records of the batch sent successfully before the failure */
  sent: number;
  failedRecordId: number;
};
export type SourcePublishRejected = { type: 'source.publishRejected'; batch: number; reason: string };

// ---- record destination --------------------------------------------------
export type DestinationNotifyAt = { type: 'destination.notifyAt'; count: number; replyTo: AnyActorRef };
export type DestinationCountReached = { type: 'destination.countReached'; count: number };

// ---- any machine ---------------------------------------------------------
/**
 * The answer of a machine to a request (an event with `replyTo`) that is not of its protocol: the
 * asker was given a peer of the wrong kind. Askers fail on it, naming themselves and the peer.
 */
export type WrongPeer = {
  type: 'tps.wrongPeer';
  /** systemId (input `id`) of the machine that answered */
  peer: string;
  /** what kind of machine it is, e.g. 'queue' */
  peerKind: string;
  /** the request it does not handle */
  eventType: string;
};
