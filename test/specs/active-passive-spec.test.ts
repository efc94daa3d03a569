import { createActor } from 'xstate';
import { activePassiveSpecMachine, type ActivePassiveSpecEvent } from '../../specs/active-passive-spec.machine';

// One stage ('only'), queues 'only' (position 0) and 'only-out' (position 1), regions 1 and 2.
const input = { recordIds: [1, 2, 3], stages: ['only'], regions: [1, 2], queueNames: ['only', 'only-out'] };
const start = () => createActor(activePassiveSpecMachine, { input }).start();
type Spec = ReturnType<typeof start>;
const ctx = (s: Spec) => s.getSnapshot().context;
const kinds = (s: Spec) => ctx(s).violations.map((v) => `${v.kind}:${v.recordId}@${v.component}`);

/** Every fact of a record's trip through region `region`, its copy in the other region. */
function complete(s: Spec, recordId: number, region = 1, at = recordId) {
  const other = region === 1 ? 2 : 1;
  const facts: ActivePassiveSpecEvent[] = [
    { type: 'spec.sent', position: 0, region, recordId, at },
    { type: 'spec.stored', stage: 0, region, recordId, replication: false, at },
    { type: 'spec.stored', stage: 0, region: other, recordId, replication: true, at },
    { type: 'spec.sent', position: 1, region, recordId, at },
    { type: 'spec.removed', position: 0, region, recordId, at },
    { type: 'spec.delivered', region, recordId, at },
    { type: 'spec.removed', position: 1, region, recordId, at },
  ];
  for (const f of facts) s.send(f);
}

describe('active-passive spec', () => {
  it('goes cold when every record is in every queue, both databases and the destination', () => {
    const s = start();
    complete(s, 1);
    complete(s, 2);
    expect(s.getSnapshot().value).toBe('hot');
    complete(s, 3, 2, 30);
    expect(s.getSnapshot().value).toBe('cold');
    expect(ctx(s).coldAt).toBe(30);
    expect(kinds(s)).toEqual([]);
  });

  it('order: flags a record after a later one at a queue, across regions; a re-send of the last one is fine', () => {
    const s = start();
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 1, at: 1 });
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 1, at: 2 });
    s.send({ type: 'spec.sent', position: 0, region: 2, recordId: 3, at: 3 });
    expect(kinds(s)).toEqual([]);
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 2, at: 4 });
    expect(ctx(s).violations).toEqual([
      { kind: 'order', recordId: 2, component: 'queue:only', at: 4, message: 'record 2 arrived at queue:only after record 3, published later' },
    ]);
  });

  it('order at a database: a copy applied after a later write', () => {
    const s = start();
    s.send({ type: 'spec.stored', stage: 0, region: 2, recordId: 2, replication: false, at: 1 });
    s.send({ type: 'spec.stored', stage: 0, region: 2, recordId: 1, replication: true, at: 2 });
    expect(kinds(s)).toEqual(['order:1@table:only:r2']);
  });

  it('duplicated: a record again that is not the last one, or the destination counting one twice', () => {
    const s = start();
    for (const id of [1, 2, 1]) s.send({ type: 'spec.sent', position: 1, region: 1, recordId: id, at: id });
    s.send({ type: 'spec.kept', recordId: 2, count: 3, distinct: 2, at: 9 });
    expect(kinds(s)).toEqual(['duplicated:1@queue:only-out', 'duplicated:2@destination']);
  });

  it('unknown-record: a record never published', () => {
    const s = start();
    s.send({ type: 'spec.delivered', region: 1, recordId: 99, at: 1 });
    expect(kinds(s)).toEqual(['unknown-record:99@spec.delivered']);
  });

  it('at quiescence, a missing copy a switch dropped is lost-on-failover, with its cause', () => {
    const s = start();
    complete(s, 1);
    complete(s, 2);
    // record 3: written in region 1, its copy dropped by the switch at t=40
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 3, at: 31 });
    s.send({ type: 'spec.stored', stage: 0, region: 1, recordId: 3, replication: false, at: 32 });
    s.send({ type: 'spec.lostOnSwitch', stage: 0, recordId: 3, from: 1, to: 2, at: 40 });
    s.send({ type: 'spec.sent', position: 1, region: 1, recordId: 3, at: 41 });
    s.send({ type: 'spec.removed', position: 0, region: 1, recordId: 3, at: 42 });
    s.send({ type: 'spec.delivered', region: 1, recordId: 3, at: 43 });
    s.send({ type: 'spec.removed', position: 1, region: 1, recordId: 3, at: 44 });
    s.send({ type: 'spec.quiescent', at: 50 });
    expect(s.getSnapshot().value).toBe('incomplete');
    expect(ctx(s).violations).toEqual([
      {
        kind: 'lost-on-failover',
        recordId: 3,
        component: 'table:only:r2',
        at: 50,
        message: 'record 3 was written to table:only:r1 but not replicated to table:only:r2 before the switch at t=40ms',
      },
    ]);
  });

  it('at quiescence, a record still in a queue is stuck; one removed and never sent on is lost', () => {
    const s = start();
    complete(s, 1);
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 2, at: 5 });
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 3, at: 6 });
    s.send({ type: 'spec.removed', position: 0, region: 1, recordId: 3, at: 7 });
    s.send({ type: 'spec.quiescent', at: 9 });
    expect(kinds(s)).toEqual(['stuck:2@queue:only', 'lost:3@queue:only']);
    expect(ctx(s).stuck).toEqual([{ recordId: 2, region: null, stuckAt: 'record 2 is still in queue:only' }]);
  });

  it('a missing copy with no switch to explain it is lost, not lost-on-failover', () => {
    const s = start();
    complete(s, 1);
    complete(s, 2);
    s.send({ type: 'spec.sent', position: 0, region: 1, recordId: 3, at: 31 });
    s.send({ type: 'spec.stored', stage: 0, region: 1, recordId: 3, replication: false, at: 32 });
    s.send({ type: 'spec.sent', position: 1, region: 1, recordId: 3, at: 41 });
    s.send({ type: 'spec.removed', position: 0, region: 1, recordId: 3, at: 42 });
    s.send({ type: 'spec.delivered', region: 1, recordId: 3, at: 43 });
    s.send({ type: 'spec.removed', position: 1, region: 1, recordId: 3, at: 44 });
    s.send({ type: 'spec.quiescent', at: 50 });
    expect(kinds(s)).toEqual(['lost:3@table:only:r2']);
  });

  it('rejects bad input naming the field', () => {
    const a = createActor(activePassiveSpecMachine, { input: { ...input, queueNames: ['only'] } });
    expect((a.getSnapshot() as unknown as { error: Error }).error.message).toBe(
      'Invalid active-passive spec input: queueNames: one queue name per position: stages + 1',
    );
  });

  it('keeps its context immutable', () => {
    const s = start();
    const before = ctx(s);
    complete(s, 1);
    expect(before.facts[1]).toEqual({ sent: 0, removed: 0, stored: 0, delivered: false });
    expect(before.arrivals).toEqual({});
  });
});
