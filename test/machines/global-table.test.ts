import { VirtualClock } from '../../actors/virtual-clock';
import { globalTableMachine, regionalTableId, replicatorId } from '../../machines/global-table.machine';
import { replicationLag, type ReplicatorContext } from '../../machines/replicator.machine';
import type { RegionalTableContext } from '../../machines/regional-table.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A global table 'gt' (stage core, regions 1 and 2) and a writer probe 'w'. */
function setupGlobal(options: { clock?: VirtualClock; latency?: number; regions?: number[] } = {}) {
  const logic =
    options.latency === undefined
      ? globalTableMachine
      : globalTableMachine.provide({ delays: { latency: () => options.latency! } });
  const sys = startSystem([{ id: 'gt', logic, input: { id: 'gt', stage: 'core', regions: options.regions ?? [1, 2] } }], {
    probes: ['w'],
    clock: options.clock,
  });
  const w = sys.get('w');
  return {
    ...sys,
    insert: (region: number, id: number, corr?: number) =>
      sys.send('gt', { type: 'table.insert', region, record: rec(id), replyTo: w, corr }),
    rowIds: (region: number) => Object.keys(sys.ctx<RegionalTableContext>(`gt:r${region}`).rows).map(Number),
    lag: () => replicationLag(sys.ctx('gt:replicator')),
    states: () => ({
      r1: sys.state('gt:r1'),
      r2: sys.state('gt:r2'),
      replicator: sys.state('gt:replicator'),
    }),
    answers: () => sys.received.w.map((e) => `${e.table}:${e.record.recordId}:${e.success ? 'ok' : 'fail'}`),
  };
}

describe('global table machine', () => {
  describe('input', () => {
    it('spawns a regional table per region and a replicator, with derived systemIds', () => {
      const t = setupGlobal();
      expect(regionalTableId('gt', 2)).toBe('gt:r2');
      expect(replicatorId('gt')).toBe('gt:replicator');
      expect(t.state('gt')).toBe('serving');
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt:r1')).toMatchObject({ id: 'gt:r1', stage: 'core', region: 1, replicator: 'gt:replicator' });
      expect(t.ctx('gt:r2')).toMatchObject({ id: 'gt:r2', stage: 'core', region: 2, replicator: 'gt:replicator' });
      expect(t.ctx<ReplicatorContext>('gt:replicator').lanes[1].table).toBe('gt:r1');
      expect(t.ctx('gt')).toMatchObject({ id: 'gt', stage: 'core', regions: [1, 2], failedRegions: [], replicationFailed: false });
    });

    it('rejects bad input naming the field', () => {
      expect(inputOutcome(globalTableMachine, { id: 'gt', stage: 'core', regions: [1] })).toEqual({
        status: 'error',
        name: 'InputError',
        message: 'Invalid global table input: regions: a global table spans at least two regions',
      });
      expect(inputOutcome(globalTableMachine, { id: 'gt', stage: 'core', regions: [1, 1] }).message).toBe(
        'Invalid global table input: regions: regions must be distinct',
      );
      expect(inputOutcome(globalTableMachine, { id: 'gt', regions: [1, 2] }).message).toBe(
        'Invalid global table input: stage: Invalid input: expected string, received undefined',
      );
    });
  });

  describe('serving', () => {
    it("routes an insert to the caller's region, which answers, and replicates it to the other", () => {
      const t = setupGlobal();
      t.insert(1, 1, 5);
      expect(t.received.w).toEqual([
        {
          type: 'table.insertCompleted',
          table: 'gt:r1',
          stage: 'core',
          region: 1,
          record: rec(1),
          success: true,
          origin: 'write',
          corr: 5,
        },
      ]);
      expect(t.ctx('gt:r1').writes).toEqual([1]);
      expect(t.ctx('gt:r2').writes).toEqual([]);
      expect(t.rowIds(2)).toEqual([1]);
      t.insert(2, 2);
      expect(t.answers()).toEqual(['gt:r1:1:ok', 'gt:r2:2:ok']);
      expect(t.ctx('gt:r2').writes).toEqual([2]);
      expect(t.rowIds(1)).toEqual([1, 2]);
      expect(t.rowIds(2)).toEqual([1, 2]);
      expect(t.lag()).toBe(0);
      expect(t.deliveredTo('gt:r1', { type: 'table.insert', from: 'gt' }).map((d) => d.event.record.recordId)).toEqual([1]);
      expect(t.deliveredTo('gt:r2', { type: 'table.insert', from: 'gt' }).map((d) => d.event.record.recordId)).toEqual([2]);
    });

    it('refuses an insert for a region it does not span', () => {
      const t = setupGlobal();
      t.insert(3, 1, 8);
      expect(t.received.w).toEqual([
        {
          type: 'table.insertCompleted',
          table: 'gt',
          stage: 'core',
          region: 3,
          record: rec(1),
          success: false,
          origin: 'write',
          corr: 8,
        },
      ]);
      expect(t.rowIds(1)).toEqual([]);
      expect(t.rowIds(2)).toEqual([]);
    });

    it('spans three regions when asked', () => {
      const t = setupGlobal({ regions: [1, 2, 3] });
      t.insert(3, 4);
      expect(t.answers()).toEqual(['gt:r3:4:ok']);
      expect([t.rowIds(1), t.rowIds(2), t.rowIds(3)]).toEqual([[4], [4], [4]]);
    });
  });

  describe('failure of one region', () => {
    it('fails only that regional table; it answers failure at once, the other region serves', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail', region: 1 });
      expect(t.states()).toEqual({ r1: 'failed', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [1], replicationFailed: false });
      t.insert(1, 1);
      t.insert(2, 2);
      expect(t.answers()).toEqual(['gt:r1:1:fail', 'gt:r2:2:ok']);
      expect(t.rowIds(1)).toEqual([]);
      // the copy for the failed region is held, not dropped
      expect(t.lag()).toBe(1);
    });

    it('recovering the region applies the held copies: both regions converge', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail', region: 1 });
      for (const id of [3, 1, 2]) t.insert(2, id);
      expect(t.lag()).toBe(3);
      t.send('gt', { type: 'table.recover', region: 1 });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt').failedRegions).toEqual([]);
      expect(t.deliveredTo('gt:r1', { type: 'table.insert', from: 'gt:replicator' }).map((d) => d.event.record.recordId)).toEqual([
        3, 3, 1, 2,
      ]);
      expect(t.rowIds(1)).toEqual([1, 2, 3]);
      expect(t.rowIds(2)).toEqual([1, 2, 3]);
      expect(t.lag()).toBe(0);
      t.insert(1, 9);
      expect(t.answers().at(-1)).toBe('gt:r1:9:ok');
    });

    it('fails both regions one by one, and recovers them one by one', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail', region: 2 });
      t.send('gt', { type: 'table.fail', region: 1 });
      t.send('gt', { type: 'table.fail', region: 2 });
      expect(t.ctx('gt').failedRegions).toEqual([1, 2]);
      expect(t.states()).toEqual({ r1: 'failed', r2: 'failed', replicator: 'replicating' });
      t.send('gt', { type: 'table.recover', region: 2 });
      expect(t.ctx('gt').failedRegions).toEqual([1]);
      expect(t.states()).toEqual({ r1: 'failed', r2: 'active', replicator: 'replicating' });
    });

    it('fail or recover of a region it does not span changes nothing (does not hit the whole table)', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail', region: 3 });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [], replicationFailed: false });
      t.send('gt', { type: 'table.fail' });
      t.send('gt', { type: 'table.recover', region: 3 });
      expect(t.states()).toEqual({ r1: 'failed', r2: 'failed', replicator: 'failed' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [1, 2], replicationFailed: true });
      expect(t.log.filter((d) => d.from === 'gt' && d.to === 'gt')).toEqual([]);
    });

    it('recovering a region that is not failed changes nothing', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.recover', region: 2 });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [], replicationFailed: false });
    });
  });

  describe('failure of the whole table', () => {
    it('fails both regional tables and the replicator; every insert fails at once', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail' });
      expect(t.states()).toEqual({ r1: 'failed', r2: 'failed', replicator: 'failed' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [1, 2], replicationFailed: true });
      t.insert(1, 1);
      t.insert(2, 2);
      expect(t.answers()).toEqual(['gt:r1:1:fail', 'gt:r2:2:fail']);
      t.send('gt', { type: 'table.recover' });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [], replicationFailed: false });
      t.insert(1, 3);
      expect(t.rowIds(2)).toEqual([3]);
    });

    it('recovering one region after a whole failure leaves the other region and replication failed', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail' });
      t.send('gt', { type: 'table.recover', region: 1 });
      expect(t.states()).toEqual({ r1: 'active', r2: 'failed', replicator: 'failed' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [2], replicationFailed: true });
      t.insert(1, 1);
      expect(t.answers()).toEqual(['gt:r1:1:ok']);
      expect(t.lag()).toBe(1);
      t.send('gt', { type: 'table.recover' });
      expect(t.rowIds(2)).toEqual([1]);
      expect(t.lag()).toBe(0);
    });
  });

  describe('failure of replication only', () => {
    it('writes succeed in both regions, copies are held, and converge on recovery', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.failReplication' });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'failed' });
      expect(t.ctx('gt')).toMatchObject({ failedRegions: [], replicationFailed: true });
      t.insert(1, 1);
      t.insert(2, 2);
      t.insert(1, 3);
      expect(t.answers()).toEqual(['gt:r1:1:ok', 'gt:r2:2:ok', 'gt:r1:3:ok']);
      expect(t.rowIds(1)).toEqual([1, 3]);
      expect(t.rowIds(2)).toEqual([2]);
      expect(t.lag()).toBe(3);
      t.send('gt', { type: 'table.recoverReplication' });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'replicating' });
      expect(t.ctx('gt').replicationFailed).toBe(false);
      expect(t.rowIds(1)).toEqual([1, 2, 3]);
      expect(t.rowIds(2)).toEqual([1, 2, 3]);
      expect(t.deliveredTo('gt:r2', { type: 'table.insert', from: 'gt:replicator' }).map((d) => d.event.record.recordId)).toEqual([
        1, 3,
      ]);
      expect(t.lag()).toBe(0);
    });

    it('a region recovered while replication is failed is caught up only when replication recovers', () => {
      const t = setupGlobal();
      t.send('gt', { type: 'table.fail', region: 2 });
      t.insert(1, 1);
      t.send('gt', { type: 'table.failReplication' });
      t.insert(1, 2);
      t.send('gt', { type: 'table.recover', region: 2 });
      expect(t.states()).toEqual({ r1: 'active', r2: 'active', replicator: 'failed' });
      expect(t.rowIds(2)).toEqual([]);
      expect(t.lag()).toBe(2);
      t.send('gt', { type: 'table.recoverReplication' });
      expect(t.rowIds(2)).toEqual([1, 2]);
      expect(t.lag()).toBe(0);
    });
  });

  it('converges with latency on the virtual clock', () => {
    const clock = new VirtualClock();
    const t = setupGlobal({ clock, latency: 4 });
    t.send('gt', { type: 'table.fail', region: 2 });
    t.insert(1, 1);
    t.insert(1, 2);
    clock.run();
    expect(t.answers()).toEqual(['gt:r1:1:ok', 'gt:r1:2:ok']);
    expect(t.rowIds(2)).toEqual([]);
    t.send('gt', { type: 'table.recover', region: 2 });
    clock.run();
    expect(t.rowIds(2)).toEqual([1, 2]);
    expect(t.lag()).toBe(0);
  });
});
