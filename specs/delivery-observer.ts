import type { AnyActorRef, EventObject } from 'xstate';
import type {
  DnsRecordDelivered,
  DnsSetRegionOnline,
  QueueRecordDelivered,
  QueueRemoveCompleted,
  QueueSend,
  QueueSendCompleted,
  TableInsertCompleted,
} from '../machines/protocol';
import type { RecordDestinationContext } from '../machines/record-destination.machine';
import type { Layout } from '../machines/layout';
import { ids } from '../machines/ids';
import { contextOf } from '../machines/support';
import type { SpecEvent } from './active-active-spec.machine';

/**
 * Turns messages between components into the spec's delivery facts. The
 * components never learn the spec exists: the observer reads the answers
 * they send (a send completed, a record handed over, a row written, a remove
 * done) at the moment they are sent, which is when the fact happened.
 */
/** The messages it reads facts from; any other event passes by (the switch narrows on `type`). */
type Observed =
  | QueueSendCompleted
  | QueueRecordDelivered
  | QueueRemoveCompleted
  | TableInsertCompleted
  | DnsRecordDelivered
  | QueueSend;
type ObservedAfter = DnsRecordDelivered | DnsSetRegionOnline;

export function createDeliveryObserver(layout: Layout, now: () => number, feed: (e: SpecEvent) => void) {
  const queues = new Map(layout.queues.map((q) => [q.id, q]));
  const stageIndex = new Map<string, number>();
  layout.stages.forEach((stage, i) =>
    layout.regions.forEach((region) => stageIndex.set(ids.regionalTable(stage, region), i)),
  );

  return (target: AnyActorRef, event: EventObject): void => {
    const e = event as Observed;
    switch (e.type) {
      case 'queue.sendCompleted': {
        const q = queues.get(e.queue);
        if (q && e.success)
          feed({ type: 'spec.sent', position: q.position, region: q.region, recordId: e.record.recordId, at: now() });
        return;
      }
      case 'queue.record': {
        const q = queues.get(e.queue);
        if (q) feed({ type: 'spec.received', position: q.position, region: q.region, recordId: e.record.recordId, at: now() });
        return;
      }
      case 'queue.removeCompleted': {
        const q = queues.get(e.queue);
        if (q && e.success && e.removed)
          feed({ type: 'spec.removed', position: q.position, region: q.region, recordId: e.recordId, at: now() });
        return;
      }
      case 'table.insertCompleted': {
        const stage = stageIndex.get(e.table);
        if (stage !== undefined && e.success)
          feed({
            type: 'spec.persisted',
            stage,
            region: e.region,
            recordId: e.record.recordId,
            replication: e.origin === 'replication',
            at: now(),
          });
        return;
      }
      case 'dns.record':
        if (target.id === ids.destination)
          feed({ type: 'spec.delivered', region: e.region, recordId: e.record.recordId, at: now() });
        return;
      case 'queue.send': {
        // Only the in-DNS sends to a first queue: this is the moment it routed the record.
        const q = queues.get(target.id);
        if (q && q.position === 0) feed({ type: 'spec.routed', region: q.region, recordId: e.record?.recordId, at: now() });
        return;
      }
    }
  };
}

/**
 * Facts read once an event was processed, from the receiver's snapshot: what
 * the destination keeps after each delivery (its context `records`, by id,
 * and `count`), and which regions the in-DNS has online.
 */
export function createAfterDeliveryObserver(now: () => number, feed: (e: SpecEvent) => void) {
  return (target: AnyActorRef, event: EventObject): void => {
    const e = event as ObservedAfter;
    if (e.type === 'dns.record' && target.id === ids.destination) {
      // a replacement destination (--machines) may keep other fields: read them as optional
      const context = contextOf<Partial<RecordDestinationContext> | undefined>(target);
      const recordId = e.record.recordId;
      feed({ type: 'spec.kept', recordId, kept: !!context?.records && recordId in context.records, count: context?.count ?? 0, at: now() });
    } else if (e.type === 'dns.setRegionOnline' && target.id === ids.inDns) {
      feed({ type: 'spec.regionOnline', region: e.region, online: e.online === true, at: now() });
    }
  };
}
