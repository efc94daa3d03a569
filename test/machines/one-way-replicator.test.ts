import { oneWayReplicatorMachine, type OneWayReplicatorContext } from '../../machines/one-way-replicator.machine';
import { inputOutcome, rec, startSystem } from './harness';

/** A replicator 'rep' from db1 to db2, both probes, so the test answers its copies itself. */
function setupReplicator() {
  const sys = startSystem(
    [{ id: 'rep', logic: oneWayReplicatorMachine, input: { id: 'rep', databases: [{ region: 1, database: 'db1' }, { region: 2, database: 'db2' }] } }],
    { probes: ['db1', 'db2', 'w'] },
  );
  return {
    ...sys,
    replicate: (id: number, from = 1) => sys.send('rep', { type: 'replicator.replicate', record: rec(id), from }),
    answer: (id: number, success: boolean, corr: number) =>
      sys.send('rep', { type: 'table.insertCompleted', table: 'db2', stage: 's', region: 2, record: rec(id), success, origin: 'replication', corr }),
    copiesTo: (db: string) => sys.received[db].map((e) => e.record.recordId),
    lostIds: () => sys.ctx<OneWayReplicatorContext>('rep').lost.map((l) => l.record.recordId),
  };
}

describe('one-way replicator machine', () => {
  it('rejects bad input naming the field', () => {
    expect(inputOutcome(oneWayReplicatorMachine, { id: 'r', databases: [{ region: 1, database: 'a' }] }).message).toBe(
      'Invalid one-way replicator input: databases: a one-way replicator joins exactly two regional databases',
    );
    expect(
      inputOutcome(oneWayReplicatorMachine, { id: 'r', databases: [{ region: 1, database: 'a' }, { region: 1, database: 'b' }] }).message,
    ).toBe('Invalid one-way replicator input: databases: the two databases must be in different regions');
  });

  it('copies one at a time, in order, to the passive database only', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.replicate(2);
    expect(r.copiesTo('db2')).toEqual([1]);
    r.answer(1, true, 0);
    expect(r.copiesTo('db2')).toEqual([1, 2]);
    expect(r.copiesTo('db1')).toEqual([]);
    expect(r.received.db2[0]).toMatchObject({ type: 'table.insert', region: 2, origin: 'replication' });
  });

  it('a refused copy blocks the lane until recovery, then is sent again', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.answer(1, false, 0);
    r.replicate(2);
    expect(r.copiesTo('db2')).toEqual([1]);
    r.send('rep', { type: 'replicator.fail' });
    r.send('rep', { type: 'replicator.recover' });
    expect(r.copiesTo('db2')).toEqual([1, 1]);
    expect(r.received.db2[1].corr).toBe(1);
  });

  it('a copy out at a switch is lost only if it is refused; a write of the old region reported late is lost', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.replicate(2);
    r.send('rep', { type: 'replicator.switch', to: 2, database: 'gd', replyTo: r.get('w') });
    expect(r.received.w).toEqual([{ type: 'database.switchCompleted', database: 'gd', success: true, activeRegion: 2, lost: [2] }]);
    expect(r.ctx('rep').orphan).toEqual({ record: rec(1), from: 1, to: 2 });
    r.answer(1, false, 0);
    expect(r.lostIds()).toEqual([2, 1]);
    r.replicate(3, 1);
    expect(r.lostIds()).toEqual([2, 1, 3]);
    r.replicate(4, 2);
    expect(r.copiesTo('db1')).toEqual([4]);
  });

  it('a switch to the region already active changes nothing', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.replicate(2);
    r.send('rep', { type: 'replicator.switch', to: 1, database: 'gd', replyTo: r.get('w') });
    expect(r.received.w[0]).toMatchObject({ success: true, activeRegion: 1, lost: [] });
    expect(r.ctx('rep').pending).toEqual([rec(1), rec(2)]);
  });

  it('a refusal of a copy sent before a recovery, answered after it, does not block the lane: the copy is sent again', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.send('rep', { type: 'replicator.fail' });
    r.send('rep', { type: 'replicator.recover' });
    expect(r.copiesTo('db2')).toEqual([1, 1]);
    r.answer(1, false, 0); // the first copy's refusal, from before the recovery
    expect(r.ctx('rep')).toMatchObject({ blocked: false, busy: true, generation: 1 });
    r.answer(1, true, 1);
    r.replicate(2);
    expect(r.copiesTo('db2')).toEqual([1, 1, 2]);
  });

  it('a recovery while replicating (replication recovered before the passive database did) retries the copy out or refused', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.answer(1, false, 0);
    expect(r.state('rep')).toBe('replicating');
    expect(r.ctx('rep').blocked).toBe(true);
    r.send('rep', { type: 'replicator.recover' });
    expect(r.copiesTo('db2')).toEqual([1, 1]);
    expect(r.ctx('rep')).toMatchObject({ blocked: false, busy: true, generation: 1 });
  });

  it('a recovery while replicating resends the copy still out, so its late refusal cannot block the lane', () => {
    const r = setupReplicator();
    r.replicate(1);
    r.send('rep', { type: 'replicator.recover' });
    expect(r.copiesTo('db2')).toEqual([1, 1]);
    r.answer(1, false, 0); // refused before the recovery, answered after it
    expect(r.ctx('rep').blocked).toBe(false);
  });
});
