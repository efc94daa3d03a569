import type { AnyActorRef, EventObject } from 'xstate';
import type { OneWayReplicatorContext } from '../machines/one-way-replicator.machine';
import type {
  DnsRecordDelivered,
  QueueRemoveCompleted,
  QueueSendCompleted,
  TableInsertCompleted,
} from '../machines/protocol';
import type { RecordDestinationContext } from '../machines/record-destination.machine';
import type { Layout } from '../machines/layout';
import { ids } from '../machines/ids';
import { contextOf } from '../machines/support';
import type { ActivePassiveSpecEvent } from './active-passive-spec.machine';

/**
 * Turns messages of the active-passive system into its spec's facts, read as
 * the answers are sent (when the fact happened). The components never learn
 * the spec exists.
 */
/** The messages it reads facts from; any other event passes by (the switch narrows on `type`). */
type Observed = QueueSendCompleted | QueueRemoveCompleted | TableInsertCompleted | DnsRecordDelivered;

export function createActivePassiveObserver(layout: Layout, now: () => number, feed: (e: ActivePassiveSpecEvent) => void) {
  const queues = new Map(layout.queues.map((q) => [q.id, q]));
  const stageOfDatabase = new Map<string, number>();
  layout.stages.forEach((stage, i) => layout.regions.forEach((region) => stageOfDatabase.set(ids.regionalTable(stage, region), i)));

  return (target: AnyActorRef, event: EventObject): void => {
    const e = event as Observed;
    switch (e.type) {
      case 'queue.sendCompleted': {
        const q = queues.get(e.queue);
        if (q && e.success) feed({ type: 'spec.sent', position: q.position, region: q.region, recordId: e.record.recordId, at: now() });
        return;
      }
      case 'queue.removeCompleted': {
        const q = queues.get(e.queue);
        if (q && e.success && e.removed) feed({ type: 'spec.removed', position: q.position, region: q.region, recordId: e.recordId, at: now() });
        return;
      }
      case 'table.insertCompleted': {
        const stage = stageOfDatabase.get(e.table);
        if (stage !== undefined && e.success)
          feed({ type: 'spec.stored', stage, region: e.region, recordId: e.record.recordId, replication: e.origin === 'replication', at: now() });
        return;
      }
      case 'dns.record':
        if (target.id === ids.destination) feed({ type: 'spec.delivered', region: e.region, recordId: e.record.recordId, at: now() });
        return;
    }
  };
}

/**
 * Facts read from a receiver's snapshot once it processed an event: what the
 * destination counts after a delivery, and the copies a replicator dropped
 * (its `lost` list only grows: each new entry is told once).
 */
export function createActivePassiveAfterObserver(layout: Layout, now: () => number, feed: (e: ActivePassiveSpecEvent) => void) {
  const stageOfReplicator = new Map(layout.stages.map((stage, i) => [ids.replicator(ids.table(stage)), i]));
  const told = new Map<string, number>();
  return (target: AnyActorRef, event: EventObject): void => {
    const e = event as DnsRecordDelivered;
    if (e.type === 'dns.record' && target.id === ids.destination) {
      const c = contextOf<RecordDestinationContext>(target);
      feed({ type: 'spec.kept', recordId: e.record.recordId, count: c.count, distinct: Object.keys(c.records).length, at: now() });
      return;
    }
    const stage = stageOfReplicator.get(target.id);
    if (stage === undefined) return;
    const lost = contextOf<OneWayReplicatorContext>(target).lost;
    const seen = told.get(target.id) ?? 0;
    if (lost.length <= seen) return;
    told.set(target.id, lost.length);
    for (const l of lost.slice(seen))
      feed({ type: 'spec.lostOnSwitch', stage, recordId: l.record.recordId, from: l.from, to: l.to, at: now() });
  };
}
