import { VirtualClock } from '../../actors/virtual-clock';
import { queueMachine, type QueueContext } from '../../machines/queue.machine';
import { pickTarget, weightedDnsMachine, type WeightedDnsContext } from '../../machines/weighted-dns.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** DNS 'dns' over queues 'q1' (region 1) and 'q2' (region 2); a client probe 'cl'. */
function setupDns(weights: [number, number] | null = null, options: { clock?: VirtualClock; latency?: number } = {}) {
  const delays = options.latency === undefined ? undefined : { latency: () => options.latency! };
  const targets = [
    { region: 1, queue: 'q1', ...(weights ? { weight: weights[0] } : {}) },
    { region: 2, queue: 'q2', ...(weights ? { weight: weights[1] } : {}) },
  ];
  const sys = startSystem(
    [
      { id: 'q1', logic: delays ? queueMachine.provide({ delays }) : queueMachine, input: { id: 'q1', region: 1 } },
      { id: 'q2', logic: delays ? queueMachine.provide({ delays }) : queueMachine, input: { id: 'q2', region: 2 } },
      { id: 'dns', logic: delays ? weightedDnsMachine.provide({ delays }) : weightedDnsMachine, input: { id: 'dns', targets } },
    ],
    { probes: ['cl'], clock: options.clock },
  );
  const cl = sys.get('cl');
  const idsOf = (q: string) => sys.ctx<QueueContext>(q).records.map((r) => r.recordId);
  return {
    ...sys,
    cl,
    dnsSend: (id: number, corr?: number) => sys.send('dns', { type: 'dns.send', record: rec(id), replyTo: cl, corr }),
    dnsReceive: (region?: number) => sys.send('dns', { type: 'dns.receive', replyTo: cl, region }),
    dnsRemove: (recordId: number, corr?: number) => sys.send('dns', { type: 'dns.remove', recordId, replyTo: cl, corr }),
    setOnline: (region: number, online: boolean) => sys.send('dns', { type: 'dns.setRegionOnline', region, online }),
    q1: () => idsOf('q1'),
    q2: () => idsOf('q2'),
    /** region of each completed send, in order ("-" for none) */
    sendRegions: () =>
      sys.received.cl.filter((e) => e.type === 'dns.sendCompleted').map((e) => (e.region === null ? '-' : e.region)),
  };
}

describe('weighted DNS machine', () => {
  describe('input', () => {
    it('starts routing with every target online, weight 1 by default', () => {
      const t = setupDns();
      expect(t.state('dns')).toBe('routing');
      expect(t.ctx('dns').targets).toEqual([
        { region: 1, queue: 'q1', weight: 1, online: true, credit: 0 },
        { region: 2, queue: 'q2', weight: 1, online: true, credit: 0 },
      ]);
    });

    it('rejects bad input naming the field', () => {
      expect(inputOutcome(weightedDnsMachine, { id: 'dns', targets: [] })).toEqual({
        status: 'error',
        name: 'InputError',
        message: 'Invalid weighted DNS input: targets: a DNS needs at least one target',
      });
      expect(
        inputOutcome(weightedDnsMachine, {
          id: 'dns',
          targets: [
            { region: 1, queue: 'a' },
            { region: 1, queue: 'b' },
          ],
        }).message,
      ).toBe('Invalid weighted DNS input: targets: one target per region');
      expect(inputOutcome(weightedDnsMachine, { id: 'dns', targets: [{ region: 1, queue: 'a', weight: -1 }] }).message).toBe(
        'Invalid weighted DNS input: targets.0.weight: Too small: expected number to be >=0',
      );
    });
  });

  describe('in role: routing sends by weight', () => {
    it('default 50/50 alternates regions, starting with region 1, and answers each sender', () => {
      const t = setupDns();
      for (let id = 1; id <= 6; id++) t.dnsSend(id, 100 + id);
      expect(t.q1()).toEqual([1, 3, 5]);
      expect(t.q2()).toEqual([2, 4, 6]);
      expect(t.received.cl.slice(0, 2)).toEqual([
        { type: 'dns.sendCompleted', dns: 'dns', record: rec(1), region: 1, success: true, corr: 101 },
        { type: 'dns.sendCompleted', dns: 'dns', record: rec(2), region: 2, success: true, corr: 102 },
      ]);
      expect(t.sendRegions()).toEqual([1, 2, 1, 2, 1, 2]);
      expect(t.ctx('dns').routed).toEqual({ 1: 3, 2: 3 });
      expect(t.ctx('dns').pending).toEqual({});
    });

    it('70/30 gives exactly 70 and 30 over 100 sends, 7 and 3 in every 10', () => {
      const t = setupDns([70, 30]);
      for (let id = 1; id <= 100; id++) t.dnsSend(id);
      expect(t.ctx('dns').routed).toEqual({ 1: 70, 2: 30 });
      expect(t.q1()).toHaveLength(70);
      expect(t.q2()).toHaveLength(30);
      const regions = t.sendRegions();
      for (let k = 0; k < 100; k += 10) {
        expect(regions.slice(k, k + 10).filter((r) => r === 1)).toHaveLength(7);
      }
    });

    it('a weight of 0 sends nothing to that region', () => {
      const t = setupDns([1, 0]);
      for (let id = 1; id <= 4; id++) t.dnsSend(id);
      expect(t.q1()).toEqual([1, 2, 3, 4]);
      expect(t.q2()).toEqual([]);
    });

    it('switches region only after a successful send: a failed send is retried on the same region', () => {
      const t = setupDns();
      t.dnsSend(1);
      t.send('q2', { type: 'queue.fail' });
      t.dnsSend(2, 7);
      t.dnsSend(2, 8);
      expect(t.received.cl.slice(1)).toEqual([
        { type: 'dns.sendCompleted', dns: 'dns', record: rec(2), region: 2, success: false, corr: 7 },
        { type: 'dns.sendCompleted', dns: 'dns', record: rec(2), region: 2, success: false, corr: 8 },
      ]);
      t.send('q2', { type: 'queue.recover' });
      t.dnsSend(2);
      t.dnsSend(3);
      expect(t.sendRegions()).toEqual([1, 2, 2, 2, 1]);
      expect(t.q2()).toEqual([2]);
      expect(t.q1()).toEqual([1, 3]);
      expect(t.ctx('dns').routed).toEqual({ 1: 2, 2: 1 });
    });

    it('an offline region gets nothing; all goes to the other until it is back', () => {
      const t = setupDns();
      t.setOnline(2, false);
      expect(t.ctx<WeightedDnsContext>('dns').targets.map((x) => x.online)).toEqual([true, false]);
      for (let id = 1; id <= 5; id++) t.dnsSend(id);
      expect(t.q1()).toEqual([1, 2, 3, 4, 5]);
      expect(t.q2()).toEqual([]);
      expect(t.deliveredTo('q2', { type: 'queue.send' })).toEqual([]);
      t.setOnline(2, true);
      for (let id = 6; id <= 9; id++) t.dnsSend(id);
      expect(t.sendRegions().slice(5)).toEqual([1, 2, 1, 2]);
    });

    it('with every region offline a send is refused at once, and no queue gets it', () => {
      const t = setupDns();
      t.setOnline(1, false);
      t.setOnline(2, false);
      t.dnsSend(1, 3);
      expect(t.received.cl).toEqual([
        { type: 'dns.sendCompleted', dns: 'dns', record: rec(1), region: null, success: false, corr: 3 },
      ]);
      expect(t.q1()).toEqual([]);
      expect(t.q2()).toEqual([]);
    });

    it('ignores an answer to a request it did not forward', () => {
      const t = setupDns();
      t.send('dns', { type: 'queue.sendCompleted', queue: 'q1', region: 1, record: rec(1), success: true, corr: 42 });
      expect(t.received.cl).toEqual([]);
      expect(t.ctx('dns').routed).toEqual({});
      t.dnsSend(5);
      expect(t.sendRegions()).toEqual([1]);
    });

    it('answers each send after its queue answered, with latency', () => {
      const clock = new VirtualClock();
      const t = setupDns(null, { clock, latency: 2 });
      t.dnsSend(1);
      clock.run();
      expect(clock.now()).toBe(6);
      expect(t.sendRegions()).toEqual([1]);
    });
  });

  describe('out role: receiving from every region', () => {
    it('registers with every queue and relays each record with its region', () => {
      const t = setupDns();
      t.send('q1', { type: 'queue.send', record: rec(1), replyTo: t.cl });
      t.send('q2', { type: 'queue.send', record: rec(2), replyTo: t.cl });
      t.reset();
      t.dnsReceive();
      expect(t.log.filter((d) => d.from === 'dns').map((d) => `${d.to}:${d.type}`)).toEqual([
        'q1:queue.receive',
        'q2:queue.receive',
        'cl:dns.record',
        'cl:dns.record',
      ]);
      expect(t.received.cl).toEqual([
        { type: 'dns.record', dns: 'dns', region: 1, record: rec(1) },
        { type: 'dns.record', dns: 'dns', region: 2, record: rec(2) },
      ]);
      expect(t.ctx('dns').origin).toEqual({ 1: 1, 2: 2 });
    });

    it('routes each remove back to the queue the record came from', () => {
      const t = setupDns();
      t.send('q1', { type: 'queue.send', record: rec(1), replyTo: t.cl });
      t.send('q2', { type: 'queue.send', record: rec(2), replyTo: t.cl });
      t.dnsReceive();
      t.reset();
      t.dnsRemove(2, 20);
      t.dnsRemove(1, 10);
      expect(t.deliveredTo('q2', { type: 'queue.remove' }).map((d) => d.event.recordId)).toEqual([2]);
      expect(t.deliveredTo('q1', { type: 'queue.remove' }).map((d) => d.event.recordId)).toEqual([1]);
      expect(t.received.cl).toEqual([
        { type: 'dns.removeCompleted', dns: 'dns', region: 2, recordId: 2, success: true, corr: 20 },
        { type: 'dns.removeCompleted', dns: 'dns', region: 1, recordId: 1, success: true, corr: 10 },
      ]);
      expect(t.q1()).toEqual([]);
      expect(t.q2()).toEqual([]);
      expect(t.ctx('dns').origin).toEqual({});
    });

    it('receives from one region only when asked', () => {
      const t = setupDns();
      t.send('q1', { type: 'queue.send', record: rec(1), replyTo: t.cl });
      t.send('q2', { type: 'queue.send', record: rec(2), replyTo: t.cl });
      t.reset();
      t.dnsReceive(2);
      expect(t.log.filter((d) => d.from === 'dns' && d.type === 'queue.receive').map((d) => d.to)).toEqual(['q2']);
      expect(t.received.cl.map((e) => e.record.recordId)).toEqual([2]);
    });

    it('refuses a remove of a record it never delivered, touching no queue', () => {
      const t = setupDns();
      t.dnsRemove(9, 1);
      expect(t.received.cl).toEqual([
        { type: 'dns.removeCompleted', dns: 'dns', region: null, recordId: 9, success: false, corr: 1 },
      ]);
      expect(t.deliveredTo('q1', { type: 'queue.remove' })).toEqual([]);
      expect(t.deliveredTo('q2', { type: 'queue.remove' })).toEqual([]);
    });

    it('a failed remove keeps the origin, so a retry after recovery goes to the same queue', () => {
      const t = setupDns();
      t.send('q2', { type: 'queue.send', record: rec(5), replyTo: t.cl });
      t.dnsReceive(2);
      t.send('q2', { type: 'queue.fail' });
      t.dnsRemove(5);
      expect(t.received.cl.at(-1)).toEqual({
        type: 'dns.removeCompleted',
        dns: 'dns',
        region: 2,
        recordId: 5,
        success: false,
        corr: undefined,
      });
      expect(t.ctx('dns').origin).toEqual({ 5: 2 });
      expect(t.q2()).toEqual([5]);
      t.send('q2', { type: 'queue.recover' });
      t.dnsRemove(5);
      expect(t.received.cl.at(-1)).toMatchObject({ type: 'dns.removeCompleted', region: 2, success: true });
      expect(t.q2()).toEqual([]);
    });

    it('ignores a remove answer it did not ask for', () => {
      const t = setupDns();
      t.send('dns', {
        type: 'queue.removeCompleted',
        queue: 'q1',
        region: 1,
        recordId: 1,
        success: true,
        removed: true,
        corr: 5,
      });
      expect(t.received.cl).toEqual([]);
    });

    it('notes the origin of a record delivered with no consumer, but relays nothing', () => {
      const t = setupDns();
      t.send('dns', { type: 'queue.record', queue: 'q2', region: 2, record: rec(3) });
      expect(t.received.cl).toEqual([]);
      expect(t.ctx('dns').origin).toEqual({ 3: 2 });
    });
  });

  describe('pickTarget', () => {
    it('picks the online target with the most credit plus weight, first on ties', () => {
      const t = (region: number, weight: number, credit = 0, online = true) => ({
        region,
        queue: `q${region}`,
        weight,
        credit,
        online,
      });
      expect(pickTarget([t(1, 1), t(2, 1)])?.region).toBe(1);
      expect(pickTarget([t(1, 1, -1), t(2, 1, 1)])?.region).toBe(2);
      expect(pickTarget([t(1, 3, 0, false), t(2, 1)])?.region).toBe(2);
      expect(pickTarget([t(1, 0), t(2, 0)])).toBeUndefined();
      expect(pickTarget([])).toBeUndefined();
    });
  });
});
