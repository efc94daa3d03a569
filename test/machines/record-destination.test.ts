import { queueMachine } from '../../machines/queue.machine';
import { recordDestinationMachine } from '../../machines/record-destination.machine';
import { weightedDnsMachine } from '../../machines/weighted-dns.machine';
import { VirtualClock } from '../../actors/virtual-clock';
import { inputOutcome, rec, startSystem, stepUntil } from './harness';

/** Destination 'dest' receiving through a fake DNS probe 'dns'; a waiter probe 'wt'. */
function setupDestination() {
  const sys = startSystem([{ id: 'dest', logic: recordDestinationMachine, input: { id: 'dest', dns: 'dns' } }], {
    probes: ['dns', 'wt'],
  });
  return {
    ...sys,
    deliver: (id: number, region = 1) =>
      sys.send('dest', { type: 'dns.record', dns: 'dns', region, record: rec(id) }),
    removed: (recordId: number, region: number | null, success = true) =>
      sys.send('dest', { type: 'dns.removeCompleted', dns: 'dns', region, recordId, success }),
    notifyAt: (count: number) => sys.send('dest', { type: 'destination.notifyAt', count, replyTo: sys.get('wt') }),
  };
}

describe('record destination machine', () => {
  describe('input', () => {
    it('starts receiving and asks the DNS for records from every region', () => {
      const t = setupDestination();
      expect(t.state('dest')).toBe('receiving');
      expect(t.received.dns).toEqual([{ type: 'dns.receive', replyTo: t.get('dest') }]);
      expect(t.received.dns[0]).not.toHaveProperty('region');
      expect(t.ctx('dest')).toMatchObject({ id: 'dest', dns: 'dns', records: {}, arrivals: [], count: 0, redeliveries: 0 });
    });

    it('rejects bad input naming the field', () => {
      expect(inputOutcome(recordDestinationMachine, { id: 'dest' })).toEqual({
        status: 'error',
        name: 'InputError',
        message: 'Invalid record destination input: dns: Invalid input: expected string, received undefined',
      });
      expect(inputOutcome(recordDestinationMachine, { id: '', dns: 'd' }).message).toBe(
        'Invalid record destination input: id: Too small: expected string to have >=1 characters',
      );
    });
  });

  describe('receiving', () => {
    it('keeps a record, removes it through the DNS, and asks that region for the next once removed', () => {
      const t = setupDestination();
      t.reset();
      t.deliver(7, 2);
      expect(t.ctx('dest').records).toEqual({ 7: rec(7) });
      expect(t.ctx('dest').arrivals).toEqual([7]);
      expect(t.ctx('dest').count).toBe(1);
      expect(t.received.dns).toEqual([{ type: 'dns.remove', recordId: 7, replyTo: t.get('dest') }]);
      t.removed(7, 2);
      expect(t.received.dns.at(-1)).toEqual({ type: 'dns.receive', region: 2, replyTo: t.get('dest') });
    });

    it('keeps each record once: a redelivery is counted and removed again, not kept twice', () => {
      const t = setupDestination();
      t.deliver(1);
      t.deliver(2, 2);
      t.deliver(1);
      expect(t.ctx('dest').arrivals).toEqual([1, 2]);
      expect(t.ctx('dest').count).toBe(2);
      expect(t.ctx('dest').redeliveries).toBe(1);
      expect(t.received.dns.filter((e) => e.type === 'dns.remove').map((e) => e.recordId)).toEqual([1, 2, 1]);
    });

    it('after a failed remove it asks again (the record comes back and is only removed)', () => {
      const t = setupDestination();
      t.deliver(1);
      t.reset();
      t.removed(1, 1, false);
      expect(t.received.dns).toEqual([{ type: 'dns.receive', region: 1, replyTo: t.get('dest') }]);
      t.deliver(1);
      expect(t.ctx('dest').count).toBe(1);
      expect(t.ctx('dest').redeliveries).toBe(1);
    });

    it('a remove refused for an unknown origin (region null) asks every region again', () => {
      const t = setupDestination();
      t.reset();
      t.removed(3, null, false);
      expect(t.received.dns).toEqual([{ type: 'dns.receive', region: undefined, replyTo: t.get('dest') }]);
    });

    it('notifies a waiter once when it holds N records; redeliveries do not count', () => {
      const t = setupDestination();
      t.notifyAt(3);
      t.deliver(1);
      t.deliver(2);
      t.deliver(2);
      expect(t.received.wt).toEqual([]);
      t.deliver(3);
      expect(t.received.wt).toEqual([{ type: 'destination.countReached', count: 3 }]);
      t.deliver(4);
      expect(t.received.wt).toHaveLength(1);
      expect(t.ctx('dest').waiters).toEqual([]);
    });

    it('notifies at once when N is already held, and serves several waiters in turn', () => {
      const t = setupDestination();
      t.deliver(1);
      t.deliver(2);
      t.notifyAt(5);
      t.notifyAt(2);
      t.notifyAt(3);
      expect(t.received.wt).toEqual([{ type: 'destination.countReached', count: 2 }]);
      t.deliver(3);
      t.deliver(4);
      t.deliver(5);
      expect(t.received.wt.map((e) => e.count)).toEqual([2, 3, 5]);
    });
  });

  it('drains both outbound queues through a real out-DNS, each record once', () => {
    const sys = startSystem(
      [
        { id: 'o1', logic: queueMachine, input: { id: 'o1', region: 1 } },
        { id: 'o2', logic: queueMachine, input: { id: 'o2', region: 2 } },
        {
          id: 'out-dns',
          logic: weightedDnsMachine,
          input: {
            id: 'out-dns',
            targets: [
              { region: 1, queue: 'o1' },
              { region: 2, queue: 'o2' },
            ],
          },
        },
        { id: 'dest', logic: recordDestinationMachine, input: { id: 'dest', dns: 'out-dns' } },
      ],
      { probes: ['p', 'wt'] },
    );
    sys.send('dest', { type: 'destination.notifyAt', count: 5, replyTo: sys.get('wt') });
    for (const id of [1, 2, 3, 4, 5])
      sys.send(id % 2 ? 'o1' : 'o2', { type: 'queue.send', record: rec(id), replyTo: sys.get('p') });
    expect(sys.ctx('dest').arrivals).toEqual([1, 2, 3, 4, 5]);
    expect(sys.ctx('dest').redeliveries).toBe(0);
    expect(sys.received.wt).toEqual([{ type: 'destination.countReached', count: 5 }]);
    expect(sys.ctx('o1').records).toEqual([]);
    expect(sys.ctx('o2').records).toEqual([]);
    // each remove went back to the queue the record came from
    expect(sys.deliveredTo('o1', { type: 'queue.remove' }).map((d) => d.event.recordId)).toEqual([1, 3, 5]);
    expect(sys.deliveredTo('o2', { type: 'queue.remove' }).map((d) => d.event.recordId)).toEqual([2, 4]);
  });

  it('a remove that fails at a failed outbound queue: the record comes back after recovery and is only removed', () => {
    const clock = new VirtualClock();
    const delays = { latency: () => 3 };
    const sys = startSystem(
      [
        { id: 'o1', logic: queueMachine.provide({ delays }), input: { id: 'o1', region: 1 } },
        { id: 'o2', logic: queueMachine.provide({ delays }), input: { id: 'o2', region: 2 } },
        {
          id: 'out-dns',
          logic: weightedDnsMachine.provide({ delays }),
          input: {
            id: 'out-dns',
            targets: [
              { region: 1, queue: 'o1' },
              { region: 2, queue: 'o2' },
            ],
          },
        },
        { id: 'dest', logic: recordDestinationMachine.provide({ delays }), input: { id: 'dest', dns: 'out-dns' } },
      ],
      { probes: ['p'], clock },
    );
    clock.run();
    sys.send('o1', { type: 'queue.send', record: rec(1), replyTo: sys.get('p') });
    stepUntil(clock, () => sys.ctx('dest').count === 1);
    sys.send('o1', { type: 'queue.fail' });
    clock.run();
    expect(sys.deliveredTo('dest', { type: 'dns.removeCompleted' }).map((d) => d.event.success)).toEqual([false]);
    expect(sys.ctx('o1').records).toEqual([rec(1)]);
    sys.send('o1', { type: 'queue.recover' });
    clock.run();
    expect(sys.ctx('dest').arrivals).toEqual([1]);
    expect(sys.ctx('dest').redeliveries).toBe(1);
    expect(sys.deliveredTo('dest', { type: 'dns.removeCompleted' }).map((d) => d.event.success)).toEqual([false, true]);
    expect(sys.ctx('o1').records).toEqual([]);
  });
});
