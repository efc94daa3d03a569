import { regionalDatabaseMachine, type RegionalDatabaseContext } from '../../machines/regional-database.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A regional database 'db' (stage core, region 1) with a writer probe 'w' and a replicator probe 'rep'. */
function setupDatabase(active: boolean, replicator: string | undefined = 'rep') {
  const sys = startSystem([{ id: 'db', logic: regionalDatabaseMachine, input: { id: 'db', stage: 'core', region: 1, active, replicator } }], {
    probes: ['w', 'rep'],
  });
  const w = sys.get('w');
  return {
    ...sys,
    write: (id: number, corr?: number) => sys.send('db', { type: 'table.insert', region: 1, record: rec(id), replyTo: w, corr }),
    copy: (id: number, corr?: number) =>
      sys.send('db', { type: 'table.insert', region: 1, record: rec(id), origin: 'replication', replyTo: w, corr }),
    answers: () => sys.received.w.map((e) => `${e.origin}:${e.record.recordId}:${e.success ? 'ok' : 'fail'}`),
    rowIds: () => sys.ctx<RegionalDatabaseContext>('db').rows.map((r) => r.recordId),
  };
}

describe('regional database machine', () => {
  it('rejects bad input naming the field', () => {
    expect(inputOutcome(regionalDatabaseMachine, { id: 'db', stage: 'core', region: 1 }).message).toBe(
      'Invalid regional database input: active: Invalid input: expected boolean, received undefined',
    );
    expect(inputOutcome(regionalDatabaseMachine, { id: 'db', stage: 'core', region: 0, active: true }).message).toMatch(/^Invalid regional database input: region:/);
  });

  it('active: stores a write, acknowledges it and tells the replicator', () => {
    const d = setupDatabase(true);
    expect(d.state('db')).toBe('active');
    d.write(7, 3);
    expect(d.received.w).toEqual([
      { type: 'table.insertCompleted', table: 'db', stage: 'core', region: 1, record: rec(7), success: true, origin: 'write', corr: 3 },
    ]);
    expect(d.received.rep).toEqual([{ type: 'replicator.replicate', record: rec(7), from: 1 }]);
    expect(d.ctx('db').writes).toEqual([7]);
  });

  it('passive: applies copies and acknowledges them, refuses writes and tells nobody', () => {
    const d = setupDatabase(false);
    expect(d.state('db')).toBe('passive');
    d.copy(1);
    d.write(2);
    expect(d.answers()).toEqual(['replication:1:ok', 'write:2:fail']);
    expect(d.rowIds()).toEqual([1]);
    expect(d.ctx('db').replicated).toEqual([1]);
    expect(d.received.rep).toEqual([]);
  });

  it('takes a new role, also while failed, and recovers into the role it was given', () => {
    const d = setupDatabase(true);
    d.send('db', { type: 'database.setRole', active: false });
    expect(d.state('db')).toBe('passive');
    d.send('db', { type: 'table.fail' });
    d.write(1);
    d.copy(2);
    expect(d.answers()).toEqual(['write:1:fail', 'replication:2:fail']);
    d.send('db', { type: 'database.setRole', active: true });
    expect(d.state('db')).toBe('failed');
    d.send('db', { type: 'table.recover' });
    expect(d.state('db')).toBe('active');
    d.write(3);
    expect(d.answers()).toEqual(['write:1:fail', 'replication:2:fail', 'write:3:ok']);
  });

  it('never changes a context in place: each write gives new rows', () => {
    const d = setupDatabase(true, undefined);
    const before = d.ctx('db');
    const rows = before.rows;
    d.write(1);
    d.write(1);
    expect(rows).toEqual([]);
    expect(before.writes).toEqual([]);
    expect(d.rowIds()).toEqual([1]);
    expect(d.ctx('db').writes).toEqual([1, 1]);
  });

  it('answers reads and counts whatever its state', () => {
    const d = setupDatabase(false);
    d.copy(4);
    d.send('db', { type: 'table.fail' });
    d.send('db', { type: 'table.read', recordId: 4, replyTo: d.get('w') });
    d.send('db', { type: 'table.count', replyTo: d.get('w') });
    expect(d.received.w.slice(1)).toEqual([
      { type: 'table.readResult', table: 'db', region: 1, recordId: 4, record: rec(4) },
      { type: 'table.countReport', table: 'db', region: 1, count: 1 },
    ]);
  });
});
