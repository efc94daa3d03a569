import { createActor } from 'xstate';
import { activeActiveSpecMachine, progressOf } from '../../specs/active-active-spec.machine';
import { newProgressRows, RecordProgressTable } from '../../specs/record-progress';

describe('RecordProgressTable', () => {
  it('keeps one row per record, addressed by record id', () => {
    const t = new RecordProgressTable(newProgressRows([7, 3, 9], 2));
    expect(t.slot(3)).toBe(1);
    expect(t.slot(4)).toBeUndefined();
    t.setRegion(t.slot(9)!, 2);
    expect(t.regionOf(9)).toBe(2);
    expect(t.regionOf(7)).toBe(0);
    expect(t.regionOf(4)).toBe(0);
    t.countSent(0, 2);
    t.countWritten(0, 1);
    t.addReplica(0, 1, 0);
    t.addReplica(0, 1, 1);
    expect([t.sent(0, 2), t.sent(0, 1), t.sent(1, 2)]).toEqual([1, 0, 0]);
    expect([t.written(0, 1), t.replicas(0, 1), t.replicas(0, 0)]).toEqual([1, 0b11, 0]);
  });

  it('saturates counters at 255 instead of wrapping to 0', () => {
    const t = new RecordProgressTable(newProgressRows([1], 1));
    for (let i = 0; i < 300; i++) t.countDelivered(0);
    expect(t.delivered(0)).toBe(255);
  });

  it('lists incomplete records in published order; its rows are plain data that survive JSON', () => {
    const rows = newProgressRows([5, 6, 7], 1);
    const t = new RecordProgressTable(rows);
    t.markComplete(1);
    t.countSent(2, 1);
    expect(t.incomplete()).toEqual([5, 7]);
    const restored = new RecordProgressTable(JSON.parse(JSON.stringify(rows)));
    expect(restored.incomplete()).toEqual([5, 7]);
    expect([restored.slot(7), restored.sent(2, 1)]).toEqual([2, 1]);
  });
});

describe('the spec with its progress table', () => {
  const input = { recordIds: [1, 2], stages: ['a'], regions: [1, 2], queueNames: ['a', 'a-out'] };

  it('goes cold once each record is through its region, replicated and delivered', () => {
    const spec = createActor(activeActiveSpecMachine, { input }).start();
    for (const recordId of [1, 2]) {
      const region = recordId;
      const at = recordId;
      spec.send({ type: 'spec.sent', position: 0, region, recordId, at });
      spec.send({ type: 'spec.received', position: 0, region, recordId, at });
      spec.send({ type: 'spec.persisted', stage: 0, region, recordId, replication: false, at });
      spec.send({ type: 'spec.persisted', stage: 0, region: 3 - region, recordId, replication: true, at });
      spec.send({ type: 'spec.sent', position: 1, region, recordId, at });
      spec.send({ type: 'spec.removed', position: 0, region, recordId, at });
      spec.send({ type: 'spec.received', position: 1, region, recordId, at });
      expect(spec.getSnapshot().value).toBe('hot');
      spec.send({ type: 'spec.delivered', region, recordId, at });
      spec.send({ type: 'spec.removed', position: 1, region, recordId, at });
    }
    const c = spec.getSnapshot().context;
    expect(spec.getSnapshot().value).toBe('cold');
    expect(c.violations).toEqual([]);
    expect([progressOf(c).regionOf(1), progressOf(c).regionOf(2)]).toEqual([1, 2]);
  });

  it('flags a record it was not given, and refuses duplicate record ids', () => {
    const spec = createActor(activeActiveSpecMachine, { input }).start();
    spec.send({ type: 'spec.sent', position: 0, region: 1, recordId: 99, at: 4 });
    expect(spec.getSnapshot().context.violations[0]).toEqual(
      expect.objectContaining({ kind: 'unknown-record', recordId: 99, component: 'queue:a:r1', at: 4 }),
    );
    const bad = createActor(activeActiveSpecMachine, { input: { ...input, recordIds: [1, 1] } });
    expect(bad.getSnapshot().status).toBe('error');
    expect(String((bad.getSnapshot() as { error?: unknown }).error)).toMatch(/recordIds: record ids must be distinct/);
  });
});
