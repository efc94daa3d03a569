import { VirtualClock } from '../../actors/virtual-clock';
import { regionalTableMachine, type RegionalTableContext } from '../../machines/regional-table.machine';
import { replicationLag, replicatorMachine, type ReplicatorContext } from '../../machines/replicator.machine';
import { inputOutcome, rec, startSystem, stepUntil, type Part } from './harness';

/**
 * Regional tables 't:r1', 't:r2' (and 't:r3' with three regions) kept in step
 * by replicator 'rep'; a writer probe 'w'.
 */
function setupReplication(options: { regions?: number[]; clock?: VirtualClock; latency?: number } = {}) {
  const regions = options.regions ?? [1, 2];
  const delays = options.latency === undefined ? undefined : { latency: () => options.latency! };
  const table = delays ? regionalTableMachine.provide({ delays }) : regionalTableMachine;
  const replicator = delays ? replicatorMachine.provide({ delays }) : replicatorMachine;
  const parts: Part[] = [
    {
      id: 'rep',
      logic: replicator,
      input: { id: 'rep', tables: regions.map((region) => ({ region, table: `t:r${region}` })) },
    },
    ...regions.map((region) => ({
      id: `t:r${region}`,
      logic: table,
      input: { id: `t:r${region}`, stage: 'core', region, replicator: 'rep' },
    })),
  ];
  const sys = startSystem(parts, { probes: ['w'], clock: options.clock });
  const w = sys.get('w');
  return {
    ...sys,
    write: (region: number, id: number) =>
      sys.send(`t:r${region}`, { type: 'table.insert', region, record: rec(id), replyTo: w }),
    rowIds: (region: number) => Object.keys(sys.ctx<RegionalTableContext>(`t:r${region}`).rows).map(Number),
    lag: () => replicationLag(sys.ctx<ReplicatorContext>('rep')),
    pendingIds: (region: number) =>
      sys.ctx<ReplicatorContext>('rep').lanes[region].pending.map((r) => r.recordId),
    /** record ids of replicated copies delivered to a region's table, in delivery order */
    copiesTo: (region: number) =>
      sys
        .deliveredTo(`t:r${region}`, { type: 'table.insert', from: 'rep' })
        .map((d) => d.event.record.recordId),
    /** outcomes the replicator got from a region's table, in order */
    answersFrom: (region: number) =>
      sys
        .deliveredTo('rep', { type: 'table.insertCompleted', from: `t:r${region}` })
        .map((d) => `${d.event.record.recordId}:${d.event.success ? 'ok' : 'fail'}`),
  };
}

describe('replicator machine', () => {
  describe('input', () => {
    it('starts replicating with one idle lane per region', () => {
      const t = setupReplication();
      expect(t.state('rep')).toBe('replicating');
      const lanes = t.ctx<ReplicatorContext>('rep').lanes;
      expect(Object.keys(lanes)).toEqual(['1', '2']);
      expect(lanes[2]).toMatchObject({ table: 't:r2', busy: false, blocked: false, generation: 0 });
      expect(t.lag()).toBe(0);
    });

    it('rejects fewer than two tables, naming tables', () => {
      const out = inputOutcome(replicatorMachine, { id: 'rep', tables: [{ region: 1, table: 't:r1' }] });
      expect(out.status).toBe('error');
      expect(out.message).toBe('Invalid replicator input: tables: a replicator needs at least two regional tables');
      expect(
        inputOutcome(replicatorMachine, { id: 'rep', tables: [{ region: 1, table: 'a' }, { region: -1, table: 'b' }] })
          .message,
      ).toMatch(/^Invalid replicator input: tables\.1\.region: Too small/);
      expect(inputOutcome(replicatorMachine, { tables: [] }).message).toMatch(/id: .*; tables: a replicator needs/);
    });
  });

  describe('replicating', () => {
    it('copies a write in region 1 to region 2 and back to lag 0', () => {
      const t = setupReplication();
      t.write(1, 1);
      expect(t.rowIds(1)).toEqual([1]);
      expect(t.rowIds(2)).toEqual([1]);
      expect(t.ctx<RegionalTableContext>('t:r2').rows[1]).toEqual(rec(1));
      expect(t.copiesTo(2)).toEqual([1]);
      expect(t.answersFrom(2)).toEqual(['1:ok']);
      // the copy is not replicated back
      expect(t.copiesTo(1)).toEqual([]);
      expect(t.ctx<RegionalTableContext>('t:r2').writes).toEqual([]);
      expect(t.lag()).toBe(0);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2].busy).toBe(false);
    });

    it('replicates both directions', () => {
      const t = setupReplication();
      t.write(1, 1);
      t.write(2, 2);
      t.write(1, 3);
      expect(t.rowIds(1)).toEqual([1, 2, 3]);
      expect(t.rowIds(2)).toEqual([1, 2, 3]);
      expect(t.copiesTo(2)).toEqual([1, 3]);
      expect(t.copiesTo(1)).toEqual([2]);
    });

    it('copies to every other region when there are three', () => {
      const t = setupReplication({ regions: [1, 2, 3] });
      t.write(2, 5);
      expect(t.copiesTo(1)).toEqual([5]);
      expect(t.copiesTo(3)).toEqual([5]);
      expect(t.copiesTo(2)).toEqual([]);
      expect(t.lag()).toBe(0);
    });

    it('applies copies one at a time, in write order, each after the previous one is acknowledged', () => {
      const clock = new VirtualClock();
      const t = setupReplication({ clock, latency: 3 });
      for (const id of [5, 1, 4, 2]) t.write(1, id);
      clock.run();
      expect(t.copiesTo(2)).toEqual([5, 1, 4, 2]);
      const toR2 = t.deliveredTo('t:r2', { type: 'table.insert', from: 'rep' }).map((d) => d.at);
      const acks = t.deliveredTo('rep', { type: 'table.insertCompleted' }).map((d) => d.at);
      // copy k+1 reaches r2 only after the ack of copy k reached the replicator
      for (let k = 0; k + 1 < toR2.length; k++) expect(toR2[k + 1]).toBeGreaterThan(acks[k]);
      expect(t.lag()).toBe(0);
    });

    it('ignores recover while replicating', () => {
      const t = setupReplication();
      t.send('rep', { type: 'replicator.recover' });
      expect(t.state('rep')).toBe('replicating');
      expect(t.log.filter((d) => d.from === 'rep')).toEqual([]);
    });

    it('ignores reports for regions it does not replicate to', () => {
      const t = setupReplication();
      t.send('rep', { type: 'replicator.regionRecovered', region: 9 });
      t.send('rep', {
        type: 'table.insertCompleted',
        table: 'x',
        stage: 'core',
        region: 9,
        record: rec(1),
        success: false,
        origin: 'replication',
        corr: 0,
      });
      expect(t.state('rep')).toBe('replicating');
      expect(Object.keys(t.ctx<ReplicatorContext>('rep').lanes)).toEqual(['1', '2']);
      expect(t.lag()).toBe(0);
    });
  });

  describe('target region failed', () => {
    it('holds copies for a failed region and drains them in order after it recovers', () => {
      const t = setupReplication();
      t.send('t:r2', { type: 'table.fail' });
      for (const id of [1, 2, 3]) t.write(1, id);
      expect(t.rowIds(1)).toEqual([1, 2, 3]);
      expect(t.rowIds(2)).toEqual([]);
      // first copy tried and refused; the lane blocks instead of retrying
      expect(t.answersFrom(2)).toEqual(['1:fail']);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2]).toMatchObject({ blocked: true, busy: false });
      expect(t.pendingIds(2)).toEqual([1, 2, 3]);
      expect(t.lag()).toBe(3);

      // the table recovers, then the replicator is told
      t.send('t:r2', { type: 'table.recover' });
      expect(t.lag()).toBe(3);
      t.send('rep', { type: 'replicator.regionRecovered', region: 2 });
      expect(t.copiesTo(2)).toEqual([1, 1, 2, 3]);
      expect(t.answersFrom(2)).toEqual(['1:fail', '1:ok', '2:ok', '3:ok']);
      expect(t.rowIds(2)).toEqual([1, 2, 3]);
      expect(t.lag()).toBe(0);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2]).toMatchObject({ blocked: false, busy: false, generation: 1 });
    });

    it('keeps replicating to healthy regions while one is blocked', () => {
      const t = setupReplication();
      t.send('t:r1', { type: 'table.fail' });
      t.write(2, 7);
      t.write(2, 8);
      expect(t.rowIds(2)).toEqual([7, 8]);
      expect(t.pendingIds(1)).toEqual([7, 8]);
      t.send('t:r1', { type: 'table.recover' });
      t.send('rep', { type: 'replicator.regionRecovered', region: 1 });
      expect(t.rowIds(1)).toEqual([7, 8]);
      expect(t.lag()).toBe(0);
    });

    it('a region reported recovered while still failed blocks again, dropping nothing', () => {
      const t = setupReplication();
      t.send('t:r2', { type: 'table.fail' });
      t.write(1, 1);
      t.send('rep', { type: 'replicator.regionRecovered', region: 2 });
      expect(t.answersFrom(2)).toEqual(['1:fail', '1:fail']);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2].blocked).toBe(true);
      expect(t.lag()).toBe(1);
      t.send('t:r2', { type: 'table.recover' });
      t.send('rep', { type: 'replicator.regionRecovered', region: 2 });
      expect(t.rowIds(2)).toEqual([1]);
      expect(t.lag()).toBe(0);
    });

    it('a failure answer from before a recovery report does not block the lane (stale reply)', () => {
      const clock = new VirtualClock();
      const t = setupReplication({ clock, latency: 5 });
      t.send('t:r2', { type: 'table.fail' });
      t.write(1, 1);
      // the copy reaches the failed r2 (t=10); its failure answer is on its way (due t=15)
      stepUntil(clock, () => t.copiesTo(2).length === 1);
      expect(clock.now()).toBe(10);
      t.send('t:r2', { type: 'table.recover' });
      t.send('rep', { type: 'replicator.regionRecovered', region: 2 });
      expect(t.ctx<ReplicatorContext>('rep').lanes[2]).toMatchObject({ busy: true, blocked: false, generation: 1 });
      clock.run();
      expect(t.answersFrom(2)).toEqual(['1:fail', '1:ok']);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2].blocked).toBe(false);
      expect(t.rowIds(2)).toEqual([1]);
      expect(t.lag()).toBe(0);
    });
  });

  describe('replicator failed', () => {
    it('fail -> failed, fail again stays, recover -> replicating', () => {
      const t = setupReplication();
      t.send('rep', { type: 'replicator.fail' });
      expect(t.state('rep')).toBe('failed');
      t.send('rep', { type: 'replicator.fail' });
      expect(t.state('rep')).toBe('failed');
      t.send('rep', { type: 'replicator.recover' });
      expect(t.state('rep')).toBe('replicating');
    });

    it('holds every copy while failed and applies them in order on recovery', () => {
      const t = setupReplication();
      t.send('rep', { type: 'replicator.fail' });
      t.write(1, 3);
      t.write(2, 1);
      t.write(1, 2);
      expect(t.copiesTo(1)).toEqual([]);
      expect(t.copiesTo(2)).toEqual([]);
      expect(t.pendingIds(2)).toEqual([3, 2]);
      expect(t.pendingIds(1)).toEqual([1]);
      expect(t.lag()).toBe(3);
      t.send('rep', { type: 'replicator.recover' });
      expect(t.copiesTo(2)).toEqual([3, 2]);
      expect(t.copiesTo(1)).toEqual([1]);
      expect(t.rowIds(1)).toEqual([1, 2, 3]);
      expect(t.rowIds(2)).toEqual([1, 2, 3]);
      expect(t.lag()).toBe(0);
    });

    it('a region recovered while the replicator is failed is unblocked but drained only when it recovers', () => {
      const t = setupReplication();
      t.send('t:r2', { type: 'table.fail' });
      t.write(1, 1);
      t.send('rep', { type: 'replicator.fail' });
      t.write(1, 2);
      t.send('t:r2', { type: 'table.recover' });
      t.send('rep', { type: 'replicator.regionRecovered', region: 2 });
      expect(t.ctx<ReplicatorContext>('rep').lanes[2].blocked).toBe(false);
      expect(t.copiesTo(2)).toEqual([1]);
      expect(t.lag()).toBe(2);
      t.send('rep', { type: 'replicator.recover' });
      expect(t.copiesTo(2)).toEqual([1, 1, 2]);
      expect(t.rowIds(2)).toEqual([1, 2]);
      expect(t.lag()).toBe(0);
    });

    it('settles an acknowledgement that arrives while failed, and sends nothing new until recovery', () => {
      const clock = new VirtualClock();
      const t = setupReplication({ clock, latency: 5 });
      t.write(1, 1);
      t.write(1, 2);
      stepUntil(clock, () => t.copiesTo(2).length === 1);
      t.send('rep', { type: 'replicator.fail' });
      clock.run();
      expect(t.answersFrom(2)).toEqual(['1:ok']);
      expect(t.copiesTo(2)).toEqual([1]);
      expect(t.pendingIds(2)).toEqual([2]);
      expect(t.ctx<ReplicatorContext>('rep').lanes[2].busy).toBe(false);
      expect(t.lag()).toBe(1);
      t.send('rep', { type: 'replicator.recover' });
      clock.run();
      expect(t.copiesTo(2)).toEqual([1, 2]);
      expect(t.rowIds(2)).toEqual([1, 2]);
      expect(t.lag()).toBe(0);
    });
  });
});
