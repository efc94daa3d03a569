import { createActor } from 'xstate';
import { VirtualClock } from '../../actors/virtual-clock';
import { queueMachine, type QueueContext } from '../../machines/queue.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A queue 'q' in region 2, a consumer probe 'c' and a producer probe 'p'. */
function setupQueue(clock?: VirtualClock, latency?: number) {
  const logic = latency === undefined ? queueMachine : queueMachine.provide({ delays: { latency: () => latency } });
  const sys = startSystem([{ id: 'q', logic, input: { id: 'q', region: 2 } }], { probes: ['c', 'p'], clock });
  const c = sys.get('c');
  const p = sys.get('p');
  return {
    ...sys,
    c,
    p,
    sendRec: (id: number, corr?: number) => sys.send('q', { type: 'queue.send', record: rec(id), replyTo: p, corr }),
    receive: (corr?: number) => sys.send('q', { type: 'queue.receive', replyTo: c, corr }),
    remove: (recordId: number, corr?: number) => sys.send('q', { type: 'queue.remove', recordId, replyTo: c, corr }),
    depth: () => sys.send('q', { type: 'queue.depth', replyTo: p }),
    ids: () => sys.ctx<QueueContext>('q').records.map((r) => r.recordId),
    consumerGot: () => sys.received.c.filter((e) => e.type === 'queue.record').map((e) => e.record.recordId),
  };
}

describe('queue machine', () => {
  it('ignores a receive that arrives after a later one from the same consumer (stale), so the record goes to the live request', () => {
    const t = setupQueue();
    t.receive(7); // the consumer's request after it recovered ...
    t.receive(5); // ... and its request from before, delivered late
    t.sendRec(1);
    const got = t.received.c.filter((e) => e.type === 'queue.record');
    expect(got).toEqual([expect.objectContaining({ record: rec(1), corr: 7 })]);
    // a newer request is still taken
    t.remove(1);
    t.receive(9);
    t.sendRec(2);
    expect(t.received.c.filter((e) => e.type === 'queue.record').at(-1)).toEqual(expect.objectContaining({ record: rec(2), corr: 9 }));
  });

  describe('input', () => {
    it('starts in processing, empty, with its id and region', () => {
      const t = setupQueue();
      expect(t.state('q')).toBe('processing');
      expect(t.ctx('q')).toMatchObject({ id: 'q', region: 2, inFlight: null, consumer: null, sentCount: 0, waiters: [] });
      expect(t.ids()).toEqual([]);
    });

    it('rejects a missing region with a message naming region', () => {
      const out = inputOutcome(queueMachine, { id: 'q' });
      expect(out.status).toBe('error');
      expect(out.name).toBe('InputError');
      expect(out.message).toBe('Invalid queue input: region: Invalid input: expected number, received undefined');
    });

    it('rejects an empty id and a non-positive or fractional region, naming each field', () => {
      expect(inputOutcome(queueMachine, { id: '', region: 0 }).message).toBe(
        'Invalid queue input: id: Too small: expected string to have >=1 characters; region: Too small: expected number to be >0',
      );
      expect(inputOutcome(queueMachine, { id: 'q', region: 1.5 }).message).toMatch(/^Invalid queue input: region: .*int/);
      expect(inputOutcome(queueMachine, undefined).message).toMatch(/^Invalid queue input: \(root\): .*expected object/);
    });

    it('reports the input error to an observer when started', () => {
      const errors: unknown[] = [];
      const actor = createActor(queueMachine, { input: { id: 'q' } as never });
      actor.subscribe({ error: (e) => errors.push(e) });
      actor.start();
      expect(actor.getSnapshot().status).toBe('error');
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toMatch(/region/);
    });
  });

  describe('processing', () => {
    it('appends sent records in order and answers each sender with success and its corr', () => {
      const t = setupQueue();
      t.sendRec(1, 11);
      t.sendRec(2, 12);
      t.sendRec(3);
      expect(t.ids()).toEqual([1, 2, 3]);
      expect(t.received.p).toEqual([
        { type: 'queue.sendCompleted', queue: 'q', region: 2, record: rec(1), success: true, corr: 11 },
        { type: 'queue.sendCompleted', queue: 'q', region: 2, record: rec(2), success: true, corr: 12 },
        { type: 'queue.sendCompleted', queue: 'q', region: 2, record: rec(3), success: true, corr: undefined },
      ]);
      expect(t.ctx('q').sentCount).toBe(3);
      expect(t.state('q')).toBe('processing');
    });

    it('a consumer registered on an empty queue gets the first record once it is sent', () => {
      const t = setupQueue();
      t.receive(5);
      expect(t.received.c).toEqual([]);
      expect(t.ctx('q').consumer).toEqual({ replyTo: 'c', corr: 5 });
      t.sendRec(7);
      expect(t.received.c).toEqual([{ type: 'queue.record', queue: 'q', region: 2, record: rec(7), corr: 5 }]);
      expect(t.ctx('q').inFlight).toBe(7);
      expect(t.ctx('q').consumer).toBeNull();
      // delivered but not removed: still stored
      expect(t.ids()).toEqual([7]);
    });

    it('delivers once per registration: later sends wait for the next receive', () => {
      const t = setupQueue();
      t.receive();
      t.sendRec(1);
      t.sendRec(2);
      expect(t.consumerGot()).toEqual([1]);
      t.remove(1);
      expect(t.consumerGot()).toEqual([1]);
      t.receive();
      expect(t.consumerGot()).toEqual([1, 2]);
    });

    it('FIFO: receive-remove cycles hand out records oldest first', () => {
      const t = setupQueue();
      for (const id of [4, 2, 9, 1]) t.sendRec(id);
      for (let i = 0; i < 4; i++) {
        t.receive();
        const last = t.received.c[t.received.c.length - 1];
        t.remove(last.record.recordId);
      }
      expect(t.consumerGot()).toEqual([4, 2, 9, 1]);
      expect(t.ids()).toEqual([]);
      expect(t.ctx('q').inFlight).toBeNull();
    });

    it('a re-registering consumer gets the same oldest (in-flight) record again', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.sendRec(2);
      t.receive(1);
      t.receive(2);
      t.receive(3);
      expect(t.received.c.map((e) => [e.record.recordId, e.corr])).toEqual([
        [1, 1],
        [1, 2],
        [1, 3],
      ]);
      expect(t.ctx('q').inFlight).toBe(1);
      expect(t.ids()).toEqual([1, 2]);
    });

    it('removes by record id, not blindly the head, and answers removed true/false', () => {
      const t = setupQueue();
      for (const id of [1, 2, 3]) t.sendRec(id);
      t.remove(2, 20);
      expect(t.ids()).toEqual([1, 3]);
      t.remove(99, 21);
      expect(t.ids()).toEqual([1, 3]);
      t.remove(2, 22);
      expect(t.received.c).toEqual([
        { type: 'queue.removeCompleted', queue: 'q', region: 2, recordId: 2, success: true, removed: true, corr: 20 },
        { type: 'queue.removeCompleted', queue: 'q', region: 2, recordId: 99, success: true, removed: false, corr: 21 },
        { type: 'queue.removeCompleted', queue: 'q', region: 2, recordId: 2, success: true, removed: false, corr: 22 },
      ]);
      t.receive();
      expect(t.consumerGot()).toEqual([1]);
    });

    it('removing the in-flight record clears inFlight; removing another keeps it', () => {
      const t = setupQueue();
      for (const id of [1, 2, 3]) t.sendRec(id);
      t.receive();
      expect(t.ctx('q').inFlight).toBe(1);
      t.remove(3);
      expect(t.ctx('q').inFlight).toBe(1);
      t.remove(1);
      expect(t.ctx('q').inFlight).toBeNull();
      expect(t.ids()).toEqual([2]);
    });

    it('a duplicate record id is stored twice and removed one at a time, oldest first', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.send('q', { type: 'queue.send', record: rec(1, 5), replyTo: t.p });
      expect(t.ctx('q').records).toEqual([rec(1), rec(1, 5)]);
      t.remove(1);
      expect(t.ctx('q').records).toEqual([rec(1, 5)]);
    });

    it('answers a depth query with depth, in-flight id and sent count', () => {
      const t = setupQueue();
      t.depth();
      for (const id of [1, 2, 3]) t.sendRec(id);
      t.receive();
      t.remove(2);
      t.depth();
      const reports = t.received.p.filter((e) => e.type === 'queue.depthReport');
      expect(reports).toEqual([
        { type: 'queue.depthReport', queue: 'q', region: 2, depth: 0, inFlight: null, sentCount: 0 },
        { type: 'queue.depthReport', queue: 'q', region: 2, depth: 2, inFlight: 1, sentCount: 3 },
      ]);
    });

    it('notifies a waiter once when the sent count reaches N (removes do not lower it)', () => {
      const t = setupQueue();
      t.send('q', { type: 'queue.notifyAt', count: 3, replyTo: t.c });
      t.sendRec(1);
      t.sendRec(2);
      t.remove(1);
      t.remove(2);
      expect(t.received.c.filter((e) => e.type === 'queue.countReached')).toEqual([]);
      t.sendRec(3);
      t.sendRec(4);
      expect(t.received.c.filter((e) => e.type === 'queue.countReached')).toEqual([
        { type: 'queue.countReached', queue: 'q', region: 2, count: 3 },
      ]);
      expect(t.ctx('q').waiters).toEqual([]);
    });

    it('notifies at once when the count was already reached, and serves several waiters', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.sendRec(2);
      t.send('q', { type: 'queue.notifyAt', count: 2, replyTo: t.c });
      t.send('q', { type: 'queue.notifyAt', count: 4, replyTo: t.c });
      t.send('q', { type: 'queue.notifyAt', count: 3, replyTo: t.c });
      expect(t.received.c.map((e) => e.count)).toEqual([2]);
      t.sendRec(3);
      expect(t.received.c.map((e) => e.count)).toEqual([2, 3]);
      t.sendRec(4);
      expect(t.received.c.map((e) => e.count)).toEqual([2, 3, 4]);
      expect(t.ctx('q').waiters).toEqual([]);
    });

    it('ignores recover while processing', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.reset();
      t.send('q', { type: 'queue.recover' });
      expect(t.state('q')).toBe('processing');
      expect(t.ids()).toEqual([1]);
      expect(t.received).toEqual({ c: [], p: [] });
    });
  });

  describe('failed', () => {
    it('fail -> failed; recover -> processing', () => {
      const t = setupQueue();
      t.send('q', { type: 'queue.fail' });
      expect(t.state('q')).toBe('failed');
      t.send('q', { type: 'queue.fail' });
      expect(t.state('q')).toBe('failed');
      t.send('q', { type: 'queue.recover' });
      expect(t.state('q')).toBe('processing');
    });

    it('answers a send with success=false and stores nothing, without counting it', () => {
      const t = setupQueue();
      t.send('q', { type: 'queue.notifyAt', count: 1, replyTo: t.c });
      t.send('q', { type: 'queue.fail' });
      t.sendRec(1, 3);
      expect(t.received.p).toEqual([
        { type: 'queue.sendCompleted', queue: 'q', region: 2, record: rec(1), success: false, corr: 3 },
      ]);
      expect(t.ids()).toEqual([]);
      expect(t.ctx('q').sentCount).toBe(0);
      expect(t.received.c).toEqual([]);
    });

    it('keeps its records: a remove answers success=false, removed=false, and removes nothing', () => {
      const t = setupQueue();
      for (const id of [1, 2, 3]) t.sendRec(id);
      t.send('q', { type: 'queue.fail' });
      t.remove(1, 8);
      expect(t.received.c).toEqual([
        { type: 'queue.removeCompleted', queue: 'q', region: 2, recordId: 1, success: false, removed: false, corr: 8 },
      ]);
      expect(t.ids()).toEqual([1, 2, 3]);
      t.depth();
      expect(t.received.p.at(-1)).toEqual({
        type: 'queue.depthReport',
        queue: 'q',
        region: 2,
        depth: 3,
        inFlight: null,
        sentCount: 3,
      });
      t.send('q', { type: 'queue.recover' });
      expect(t.ids()).toEqual([1, 2, 3]);
    });

    it('registers a receive while failed and serves it (oldest first) on recovery', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.sendRec(2);
      t.send('q', { type: 'queue.fail' });
      t.receive(4);
      expect(t.received.c).toEqual([]);
      t.send('q', { type: 'queue.recover' });
      expect(t.received.c).toEqual([{ type: 'queue.record', queue: 'q', region: 2, record: rec(1), corr: 4 }]);
    });

    it('a consumer that failed mid-record re-registers after recovery and gets the same record', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.sendRec(2);
      t.receive(1);
      t.send('q', { type: 'queue.fail' });
      t.send('q', { type: 'queue.recover' });
      // recovery alone delivers nothing: the registration was used
      expect(t.consumerGot()).toEqual([1]);
      t.receive(2);
      expect(t.received.c.map((e) => [e.record.recordId, e.corr])).toEqual([
        [1, 1],
        [1, 2],
      ]);
    });

    it('still answers depth and count notifications while failed', () => {
      const t = setupQueue();
      t.sendRec(1);
      t.send('q', { type: 'queue.fail' });
      t.depth();
      t.send('q', { type: 'queue.notifyAt', count: 1, replyTo: t.c });
      expect(t.received.p.at(-1)).toMatchObject({ type: 'queue.depthReport', depth: 1, sentCount: 1 });
      expect(t.received.c).toEqual([{ type: 'queue.countReached', queue: 'q', region: 2, count: 1 }]);
    });

    it('accepts sends again after recovery', () => {
      const t = setupQueue();
      t.send('q', { type: 'queue.fail' });
      t.sendRec(1);
      t.send('q', { type: 'queue.recover' });
      t.sendRec(2);
      expect(t.received.p.map((e) => [e.record.recordId, e.success])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(t.ids()).toEqual([2]);
    });
  });

  describe('latency', () => {
    it('answers after the provided latency on the virtual clock', () => {
      const clock = new VirtualClock();
      const t = setupQueue(clock, 5);
      t.sendRec(1);
      t.receive();
      expect(t.received.p).toEqual([]);
      expect(t.received.c).toEqual([]);
      expect(clock.pending).toBe(2);
      clock.run();
      expect(clock.now()).toBe(5);
      expect(t.received.p.map((e) => e.type)).toEqual(['queue.sendCompleted']);
      expect(t.consumerGot()).toEqual([1]);
    });
  });
});
