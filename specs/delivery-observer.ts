import type { AnyActorRef, EventObject } from 'xstate';
import type { Layout } from '../system/layout';
import { ids } from '../system/layout';
import type { SpecEvent } from './active-active-spec.machine';

/**
 * Turns messages between components into the spec's delivery facts. The
 * components never learn the spec exists: the observer reads the answers
 * they send (a send completed, a record handed over, a row written, a remove
 * done) at the moment they are sent, which is when the fact happened.
 */
export function createDeliveryObserver(layout: Layout, now: () => number, feed: (e: SpecEvent) => void) {
  const queues = new Map(layout.queues.map((q) => [q.id, q]));
  const stageIndex = new Map<string, number>();
  layout.stages.forEach((stage, i) =>
    layout.regions.forEach((region) => stageIndex.set(ids.regionalTable(stage, region), i)),
  );

  return (target: AnyActorRef, event: EventObject): void => {
    const e = event as any;
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
    }
  };
}
