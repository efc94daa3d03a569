import { VirtualClock } from '../../actors/virtual-clock';
import { globalDatabaseMachine, oneWayReplicatorId, regionalDatabaseId } from '../../machines/global-database.machine';
import { oneWayReplicatorMachine, type OneWayReplicatorContext } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine, type RegionalDatabaseContext } from '../../machines/regional-database.machine';
import { inputOutcome, rec, startSystem, stepUntil } from './harness';

/** A global database 'gd' (stage core, regions 1 and 2), a writer probe 'w'; copies take `latency` virtual ms. */
function setupGlobal(options: { latency?: number; activeRegion?: number } = {}) {
  const clock = options.latency === undefined ? undefined : new VirtualClock();
  const delays = { delays: { latency: () => options.latency! } };
  const logic =
    options.latency === undefined
      ? globalDatabaseMachine
      : globalDatabaseMachine.provide({
          ...delays,
          actors: { replicator: oneWayReplicatorMachine.provide(delays), regionalDatabase: regionalDatabaseMachine.provide(delays) },
        });
  const input = { id: 'gd', stage: 'core', regions: [1, 2], activeRegion: options.activeRegion };
  const sys = startSystem([{ id: 'gd', logic, input }], { probes: ['w'], clock });
  const w = sys.get('w');
  return {
    ...sys,
    write: (fromRegion: number, id: number, corr?: number) =>
      sys.send('gd', { type: 'table.insert', region: fromRegion, record: rec(id), replyTo: w, corr }),
    switchRegions: () => sys.send('gd', { type: 'database.switch', replyTo: w }),
    rowIds: (region: number) => sys.ctx<RegionalDatabaseContext>(`gd:r${region}`).rows.map((r) => r.recordId),
    answers: () =>
      sys.received.w.map((e) =>
        e.type === 'table.insertCompleted'
          ? `${e.table}:${e.record.recordId}:${e.success ? 'ok' : 'fail'}`
          : `switch:${e.success ? 'ok' : 'fail'}:r${e.activeRegion}:lost[${e.lost.join(',')}]`,
      ),
    states: () => ({ gd: sys.state('gd'), r1: sys.state('gd:r1'), r2: sys.state('gd:r2'), replicator: sys.state('gd:replicator') }),
    settle: () => clock && stepUntil(clock, () => !clock.step()),
  };
}

describe('global database machine (active-passive)', () => {
  it('spawns two regional databases and a one-way replicator, the primary active', () => {
    const g = setupGlobal();
    expect(regionalDatabaseId('gd', 2)).toBe('gd:r2');
    expect(oneWayReplicatorId('gd')).toBe('gd:replicator');
    expect(g.states()).toEqual({ gd: 'region1Active', r1: 'active', r2: 'passive', replicator: 'replicating' });
    expect(g.ctx('gd:replicator')).toMatchObject({ from: 1, pending: [] });
  });

  it('starts with the secondary active when told so', () => {
    const g = setupGlobal({ activeRegion: 2 });
    expect(g.states()).toEqual({ gd: 'region2Active', r1: 'passive', r2: 'active', replicator: 'replicating' });
  });

  it('rejects bad input naming the field', () => {
    expect(inputOutcome(globalDatabaseMachine, { id: 'gd', stage: 'core', regions: [1, 2, 3] }).message).toBe(
      'Invalid global database input: regions: an active-passive database spans exactly two regions',
    );
    expect(inputOutcome(globalDatabaseMachine, { id: 'gd', stage: 'core', regions: [1, 2], activeRegion: 3 }).message).toBe(
      'Invalid global database input: activeRegion: activeRegion must be one of regions',
    );
  });

  it('sends every write to the active region, whatever the writer region; only it answers; the copy reaches the passive one', () => {
    const g = setupGlobal();
    g.write(1, 1, 7);
    g.write(2, 2);
    expect(g.answers()).toEqual(['gd:r1:1:ok', 'gd:r1:2:ok']);
    expect(g.received.w[0]).toMatchObject({ region: 1, origin: 'write', corr: 7 });
    expect(g.rowIds(1)).toEqual([1, 2]);
    expect(g.rowIds(2)).toEqual([1, 2]);
    expect(g.ctx('gd:r2').replicated).toEqual([1, 2]);
    expect(g.ctx('gd:r2').writes).toEqual([]);
  });

  it('switch: the secondary takes writes, replication turns around, and a second switch fails back', () => {
    const g = setupGlobal();
    g.write(1, 1);
    g.switchRegions();
    expect(g.states()).toEqual({ gd: 'region2Active', r1: 'passive', r2: 'active', replicator: 'replicating' });
    g.write(1, 2);
    expect(g.rowIds(1)).toEqual([1, 2]);
    expect(g.rowIds(2)).toEqual([1, 2]);
    expect(g.ctx('gd:r2').writes).toEqual([2]);
    g.switchRegions();
    expect(g.state('gd')).toBe('region1Active');
    g.write(2, 3);
    expect(g.answers()).toEqual(['gd:r1:1:ok', 'switch:ok:r2:lost[]', 'gd:r2:2:ok', 'switch:ok:r1:lost[]', 'gd:r1:3:ok']);
    expect(g.ctx('gd').switches).toBe(2);
  });

  it('fail replication: writes still answered, copies held and applied in order on recovery', () => {
    const g = setupGlobal();
    g.send('gd', { type: 'table.failReplication' });
    expect(g.states().replicator).toBe('failed');
    g.write(1, 1);
    g.write(1, 2);
    expect(g.answers()).toEqual(['gd:r1:1:ok', 'gd:r1:2:ok']);
    expect(g.rowIds(2)).toEqual([]);
    expect(g.ctx<OneWayReplicatorContext>('gd:replicator').pending.map((r) => r.recordId)).toEqual([1, 2]);
    g.send('gd', { type: 'table.recoverReplication' });
    expect(g.rowIds(2)).toEqual([1, 2]);
    expect(g.ctx('gd').replicationFailed).toBe(false);
  });

  it('a switch during a replication outage goes ahead at once and reports the copies it lost', () => {
    const g = setupGlobal();
    g.send('gd', { type: 'table.failReplication' });
    g.write(1, 1);
    g.write(1, 2);
    g.switchRegions();
    expect(g.answers()).toEqual(['gd:r1:1:ok', 'gd:r1:2:ok', 'switch:ok:r2:lost[1,2]']);
    expect(g.ctx('gd:replicator').lost).toEqual([
      { record: rec(1), from: 1, to: 2 },
      { record: rec(2), from: 1, to: 2 },
    ]);
    g.write(1, 3);
    g.send('gd', { type: 'table.recoverReplication' });
    // the new active region copies its own writes to the old one; the lost ones stay lost
    expect(g.rowIds(2)).toEqual([3]);
    expect(g.rowIds(1)).toEqual([1, 2, 3]);
  });

  it('with latency, a switch loses the copies not yet sent (or reported late) but not the one already on its way', () => {
    const g = setupGlobal({ latency: 10 });
    g.write(1, 1);
    g.write(1, 2);
    g.write(1, 3);
    // let the global database route the writes, the database answer and the replicator send the first copy
    stepUntil(g.clock!, () => g.ctx('gd:replicator').busy === true);
    g.switchRegions();
    g.settle();
    expect(g.ctx<OneWayReplicatorContext>('gd:replicator').lost.map((l) => l.record.recordId)).toEqual([2, 3]);
    expect(g.rowIds(2)).toEqual([1]);
    expect(g.rowIds(1)).toEqual([1, 2, 3]);
    expect(g.ctx('gd:replicator').orphan).toBeNull();
  });

  it('fails whole: writes and switches refused; recovers into the region that was active', () => {
    const g = setupGlobal();
    g.switchRegions();
    g.send('gd', { type: 'table.fail' });
    expect(g.states()).toEqual({ gd: 'failed', r1: 'failed', r2: 'failed', replicator: 'failed' });
    g.write(1, 1);
    g.switchRegions();
    g.send('gd', { type: 'table.recover' });
    expect(g.states()).toEqual({ gd: 'region2Active', r1: 'passive', r2: 'active', replicator: 'replicating' });
    g.write(1, 2);
    expect(g.answers()).toEqual(['switch:ok:r2:lost[]', 'gd:r2:1:fail', 'switch:fail:r2:lost[]', 'gd:r2:2:ok']);
    expect(g.rowIds(1)).toEqual([2]);
  });

  it('keeps plain data in its context (it survives a JSON round trip)', () => {
    const g = setupGlobal();
    g.write(1, 1);
    for (const id of ['gd', 'gd:r1', 'gd:r2', 'gd:replicator']) expect(JSON.parse(JSON.stringify(g.ctx(id)))).toEqual(g.ctx(id));
  });
});
