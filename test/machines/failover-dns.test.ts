import { failoverDnsMachine } from '../../machines/failover-dns.machine';
import { queueMachine } from '../../machines/queue.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A failover DNS 'dns' over queues 'q1' (primary) and 'q2', with a client probe 'c'. */
function setupDns() {
  const sys = startSystem(
    [
      { id: 'q1', logic: queueMachine, input: { id: 'q1', region: 1 } },
      { id: 'q2', logic: queueMachine, input: { id: 'q2', region: 2 } },
      {
        id: 'dns',
        logic: failoverDnsMachine,
        input: { id: 'dns', targets: [{ region: 1, queue: 'q1' }, { region: 2, queue: 'q2' }] },
      },
    ],
    { probes: ['c'] },
  );
  const c = sys.get('c');
  return {
    ...sys,
    send: (id: number, corr?: number) => sys.send('dns', { type: 'dns.send', record: rec(id), replyTo: c, corr }),
    receive: (region?: number) => sys.send('dns', { type: 'dns.receive', region, replyTo: c }),
    remove: (recordId: number, corr?: number) => sys.send('dns', { type: 'dns.remove', recordId, replyTo: c, corr }),
    held: (q: string) => sys.ctx(q).records,
    answers: () =>
      sys.received.c.map((e) =>
        e.type === 'dns.sendCompleted'
          ? `sent:${e.record.recordId}:r${e.region}:${e.success ? 'ok' : 'fail'}`
          : e.type === 'dns.record'
            ? `record:${e.record.recordId}:r${e.region}`
            : `removed:${e.recordId}:r${e.region}:${e.success ? 'ok' : 'fail'}`,
      ),
  };
}
// the queue's records as plain data, whatever structure holds them
const ids = (records: unknown) => (JSON.parse(JSON.stringify(records)) as { recordId: number }[]).map((r) => r.recordId);

describe('failover DNS machine', () => {
  it('rejects bad input naming the field', () => {
    expect(inputOutcome(failoverDnsMachine, { id: 'd', targets: [{ region: 1, queue: 'q1' }] }).message).toBe(
      'Invalid failover DNS input: targets: a failover DNS has exactly two targets, primary then secondary',
    );
    expect(
      inputOutcome(failoverDnsMachine, { id: 'd', targets: [{ region: 1, queue: 'q1' }, { region: 2, queue: 'q2' }], activeRegion: 5 }).message,
    ).toBe('Invalid failover DNS input: activeRegion: activeRegion must be the region of a target');
  });

  it('in role: sends only to the active region, answering with the corr the sender gave', () => {
    const d = setupDns();
    expect(d.state('dns')).toBe('region1Active');
    d.send(1, 11);
    d.send(2, 12);
    expect(d.answers()).toEqual(['sent:1:r1:ok', 'sent:2:r1:ok']);
    expect(d.received.c.map((e) => e.corr)).toEqual([11, 12]);
    expect(ids(d.held('q1'))).toEqual([1, 2]);
    expect(ids(d.held('q2'))).toEqual([]);
  });

  it('switch toggles the active region, and back', () => {
    const d = setupDns();
    d.send(1);
    d.get('dns').send({ type: 'dns.switch' });
    expect(d.state('dns')).toBe('region2Active');
    d.send(2);
    d.get('dns').send({ type: 'dns.switch' });
    expect(d.state('dns')).toBe('region1Active');
    d.send(3);
    expect(ids(d.held('q1'))).toEqual([1, 3]);
    expect(ids(d.held('q2'))).toEqual([2]);
    expect(d.ctx('dns')).toMatchObject({ switches: 2, routed: { 1: 2, 2: 1 } });
  });

  it('a failed active queue is answered as failure, not routed elsewhere', () => {
    const d = setupDns();
    d.get('q1').send({ type: 'queue.fail' });
    d.send(1);
    expect(d.answers()).toEqual(['sent:1:r1:fail']);
    expect(ids(d.held('q2'))).toEqual([]);
  });

  it('out role: reads the active region only; after a switch the new one; removes go where the record came from', () => {
    const d = setupDns();
    d.get('q1').send({ type: 'queue.send', record: rec(1), replyTo: d.get('c') });
    d.get('q2').send({ type: 'queue.send', record: rec(2), replyTo: d.get('c') });
    d.reset();
    d.receive(2); // the region named is not the active one: the active region serves it
    expect(d.answers()).toEqual(['record:1:r1']);
    d.get('dns').send({ type: 'dns.switch' });
    expect(d.answers()).toEqual(['record:1:r1', 'record:2:r2']);
    d.remove(1, 5);
    d.remove(2, 6);
    expect(d.answers().slice(2)).toEqual(['removed:1:r1:ok', 'removed:2:r2:ok']);
    expect(d.received.c.slice(2).map((e) => e.corr)).toEqual([5, 6]);
    expect(ids(d.held('q1'))).toEqual([]);
    expect(ids(d.held('q2'))).toEqual([]);
  });

  it('refuses to remove a record it never delivered', () => {
    const d = setupDns();
    d.remove(9, 1);
    expect(d.answers()).toEqual(['removed:9:rnull:fail']);
  });

  it('keeps its context immutable: a send gives a new pending map', () => {
    const d = setupDns();
    d.get('q1').send({ type: 'queue.fail' });
    const before = d.ctx('dns');
    d.send(1);
    expect(before.pending).toEqual({});
    expect(before.ticket).toBe(0);
    expect(d.ctx('dns').ticket).toBe(1);
  });
});
