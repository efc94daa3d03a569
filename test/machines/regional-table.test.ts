import { VirtualClock } from '../../actors/virtual-clock';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A regional table 't' (stage core, region 1) telling probe 'rep' about writes; a writer probe 'w'. */
function setupTable(options: { replicator?: boolean; clock?: VirtualClock; latency?: number } = {}) {
  const logic =
    options.latency === undefined
      ? regionalTableMachine
      : regionalTableMachine.provide({ delays: { latency: () => options.latency! } });
  const input = { id: 't', stage: 'core', region: 1, ...(options.replicator === false ? {} : { replicator: 'rep' }) };
  const sys = startSystem([{ id: 't', logic, input }], { probes: ['w', 'rep'], clock: options.clock });
  const w = sys.get('w');
  return {
    ...sys,
    w,
    insert: (id: number, extra: Record<string, unknown> = {}) =>
      sys.send('t', { type: 'table.insert', region: 1, record: rec(id), replyTo: w, ...extra }),
  };
}

describe('regional table machine', () => {
  describe('input', () => {
    it('starts active and empty', () => {
      const t = setupTable();
      expect(t.state('t')).toBe('active');
      expect(t.ctx('t')).toEqual({ id: 't', stage: 'core', region: 1, replicator: 'rep', rows: {}, count: 0, writes: [], replicated: [] });
    });

    it('rejects bad input naming each field', () => {
      const missingStage = inputOutcome(regionalTableMachine, { id: 't', region: 1 });
      expect(missingStage.status).toBe('error');
      expect(missingStage.message).toBe(
        'Invalid regional table input: stage: Invalid input: expected string, received undefined',
      );
      expect(inputOutcome(regionalTableMachine, { id: 't', stage: 's', region: '1' }).message).toBe(
        'Invalid regional table input: region: Invalid input: expected number, received string',
      );
      expect(inputOutcome(regionalTableMachine, { id: 't', stage: 's', region: 1, replicator: '' }).message).toMatch(
        /^Invalid regional table input: replicator: Too small/,
      );
    });
  });

  describe('active', () => {
    it('stores a write, answers the writer, and tells the replicator', () => {
      const t = setupTable();
      t.insert(1, { corr: 9 });
      expect(t.received.w).toEqual([
        {
          type: 'table.insertCompleted',
          table: 't',
          stage: 'core',
          region: 1,
          record: rec(1),
          success: true,
          origin: 'write',
          corr: 9,
        },
      ]);
      expect(t.received.rep).toEqual([{ type: 'replicator.replicate', record: rec(1), from: 1 }]);
      expect(t.ctx('t').rows).toEqual({ 1: rec(1) });
      expect(t.ctx('t').count).toBe(1);
      expect(t.ctx('t').writes).toEqual([1]);
    });

    it('answers before telling the replicator (the writer does not wait for replication)', () => {
      const t = setupTable();
      t.insert(1);
      expect(t.log.filter((d) => d.from === 't').map((d) => `${d.to}:${d.type}`)).toEqual([
        'w:table.insertCompleted',
        'rep:replicator.replicate',
      ]);
    });

    it('applies a replicated copy without telling the replicator again', () => {
      const t = setupTable();
      t.insert(2, { origin: 'replication', corr: 0 });
      expect(t.received.w).toEqual([expect.objectContaining({ success: true, origin: 'replication', corr: 0 })]);
      expect(t.received.rep).toEqual([]);
      expect(t.ctx('t').rows).toEqual({ 2: rec(2) });
      expect(t.ctx('t').writes).toEqual([]);
      expect(t.ctx('t').count).toBe(1);
    });

    it('a table without a replicator stores writes and tells nobody', () => {
      const t = setupTable({ replicator: false });
      t.insert(1);
      expect(t.received.rep).toEqual([]);
      expect(t.received.w.map((e) => e.success)).toEqual([true]);
      expect(t.ctx('t').writes).toEqual([1]);
    });

    it('an insert of an existing id overwrites it (upsert) without counting it twice', () => {
      const t = setupTable();
      t.insert(1);
      t.send('t', { type: 'table.insert', region: 1, record: rec(1, 777), replyTo: t.w });
      expect(t.ctx('t').rows).toEqual({ 1: rec(1, 777) });
      expect(t.ctx('t').count).toBe(1);
      expect(t.ctx('t').writes).toEqual([1, 1]);
      expect(t.received.rep.map((e) => e.record.recordValue)).toEqual([11, 777]);
    });

    it('answers read and count queries', () => {
      const t = setupTable();
      t.insert(3);
      t.insert(4);
      t.send('t', { type: 'table.read', recordId: 3, replyTo: t.w });
      t.send('t', { type: 'table.read', recordId: 5, replyTo: t.w });
      t.send('t', { type: 'table.count', replyTo: t.w });
      expect(t.received.w.slice(2)).toEqual([
        { type: 'table.readResult', table: 't', region: 1, recordId: 3, record: rec(3) },
        { type: 'table.readResult', table: 't', region: 1, recordId: 5, record: null },
        { type: 'table.countReport', table: 't', region: 1, count: 2 },
      ]);
    });

    it('ignores recover while active', () => {
      const t = setupTable();
      t.send('t', { type: 'table.recover' });
      expect(t.state('t')).toBe('active');
      expect(t.received).toEqual({ w: [], rep: [] });
    });
  });

  describe('failed', () => {
    it('fail -> failed, fail again stays, recover -> active', () => {
      const t = setupTable();
      t.send('t', { type: 'table.fail' });
      expect(t.state('t')).toBe('failed');
      t.send('t', { type: 'table.fail' });
      expect(t.state('t')).toBe('failed');
      t.send('t', { type: 'table.recover' });
      expect(t.state('t')).toBe('active');
    });

    it('answers an insert with failure at once, stores nothing and tells no replicator', () => {
      const t = setupTable();
      t.send('t', { type: 'table.fail' });
      t.insert(1, { corr: 4 });
      // answered synchronously, not parked until recovery
      expect(t.received.w).toEqual([
        {
          type: 'table.insertCompleted',
          table: 't',
          stage: 'core',
          region: 1,
          record: rec(1),
          success: false,
          origin: 'write',
          corr: 4,
        },
      ]);
      expect(t.received.rep).toEqual([]);
      expect(t.ctx('t').rows).toEqual({});
      expect(t.ctx('t').count).toBe(0);
      t.insert(2, { origin: 'replication', corr: 1 });
      expect(t.received.w.at(-1)).toMatchObject({ success: false, origin: 'replication', corr: 1 });
    });

    it('answers failure after one latency, without waiting for recovery', () => {
      const clock = new VirtualClock();
      const t = setupTable({ clock, latency: 7 });
      t.send('t', { type: 'table.fail' });
      t.insert(1);
      expect(t.received.w).toEqual([]);
      clock.run();
      expect(clock.now()).toBe(7);
      expect(t.received.w.map((e) => e.success)).toEqual([false]);
      expect(t.state('t')).toBe('failed');
    });

    it('keeps its rows while failed and still answers reads and counts from them', () => {
      const t = setupTable();
      t.insert(1);
      t.send('t', { type: 'table.fail' });
      t.send('t', { type: 'table.read', recordId: 1, replyTo: t.w });
      t.send('t', { type: 'table.count', replyTo: t.w });
      expect(t.received.w.slice(1)).toEqual([
        { type: 'table.readResult', table: 't', region: 1, recordId: 1, record: rec(1) },
        { type: 'table.countReport', table: 't', region: 1, count: 1 },
      ]);
    });

    it('accepts writes again after recovery', () => {
      const t = setupTable();
      t.send('t', { type: 'table.fail' });
      t.insert(1);
      t.send('t', { type: 'table.recover' });
      t.insert(2);
      expect(t.received.w.map((e) => [e.record.recordId, e.success])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(t.ctx('t').rows).toEqual({ 2: rec(2) });
      expect(t.received.rep).toEqual([{ type: 'replicator.replicate', record: rec(2), from: 1 }]);
    });
  });
});
