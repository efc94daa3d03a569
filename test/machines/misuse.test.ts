import { createActor, type AnyActorLogic, type AnyActorRef, type AnyEventObject } from 'xstate';
import { containerMachine } from '../../machines/container.machine';
import { globalTableMachine } from '../../machines/global-table.machine';
import { queueMachine } from '../../machines/queue.machine';
import { recordDestinationMachine } from '../../machines/record-destination.machine';
import { recordSourceMachine } from '../../machines/record-source.machine';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { replicatorMachine } from '../../machines/replicator.machine';
import { weightedDnsMachine } from '../../machines/weighted-dns.machine';
import { failoverDnsMachine } from '../../machines/failover-dns.machine';
import { globalDatabaseMachine } from '../../machines/global-database.machine';
import { oneWayReplicatorMachine } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine } from '../../machines/regional-database.machine';
import { VirtualClock } from '../../actors/virtual-clock';
import { rec, startSystem, stepUntil, type Part, type TestSystem } from './harness';

/** Watches an actor's error callback; `error()` is what it was called with. */
function watch(ref: AnyActorRef) {
  let caught: Error | undefined;
  ref.subscribe({ error: (err) => (caught = err as Error) });
  return { error: () => caught, status: () => ref.getSnapshot().status as string };
}

/** Starts one machine alone, sends it one event, returns its status and the error its observer got. */
function sendAlone(logic: AnyActorLogic, input: unknown, event: AnyEventObject) {
  const actor = createActor(logic, { input } as never);
  const w = watch(actor);
  actor.start();
  actor.send(event);
  return { status: w.status(), message: w.error()?.message, snapshotError: (actor.getSnapshot() as { error?: Error }).error };
}

/**
 * A test system whose root's error is observed: a child in error puts the harness's root in error
 * (it has no transition for xstate.error.actor), which stops the other children. With `clock`,
 * the parts given `delayed` send with latency 1, so a request made on start waits for the clock.
 */
function quietSystem(parts: Part[], options: { probes?: string[]; clock?: VirtualClock } = {}): TestSystem {
  const sys = startSystem(parts, options);
  sys.root.subscribe({ error: () => {} });
  return sys;
}
const delayed = (logic: AnyActorLogic) => (logic as typeof queueMachine).provide({ delays: { latency: () => 1 } });

/** Sends one event to part `id` of a system (probes 'p' and 'probeDns' included), returns its status and error. */
function sendInSystem(parts: Part[], id: string, event: AnyEventObject) {
  const sys = quietSystem(parts, { probes: ['p', 'probeDns'] });
  const w = watch(sys.get(id));
  sys.send(id, event);
  return { status: w.status(), message: w.error()?.message };
}

const q = { id: 'q1', region: 1 };
const table = { id: 't1', stage: 'core', region: 1 };
const gt = { id: 'gt', stage: 'core', regions: [1, 2] };
const replicator = { id: 'rep', tables: [{ region: 1, table: 't1' }, { region: 2, table: 't2' }] };
const dns = { id: 'dns', targets: [{ region: 1, queue: 'q1' }] };
const source = { id: 'src', dns: 'probeDns', batches: [[rec(1)]] };
const db = { id: 'db1', stage: 'core', region: 1, active: true };
const gdb = { id: 'gdb', stage: 'core', regions: [1, 2] };
const oneWay = { id: 'ow', databases: [{ region: 1, database: 'db1' }, { region: 2, database: 'db2' }] };
const fdns = { id: 'fdns', targets: [{ region: 1, queue: 'q1' }, { region: 2, queue: 'q2' }] };
const probeRef = createActor(queueMachine, { input: q });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a malformed event puts the machine in error, naming its id, the event and the field', () => {
  const alone: [string, AnyActorLogic, unknown, AnyEventObject, string][] = [
    ['queue', queueMachine, q, { type: 'queue.send', record: rec(1) },
      "queue 'q1': event 'queue.send': field replyTo is missing: an actor reference expected"],
    ['queue', queueMachine, q, { type: 'queue.send', record: { recordId: 1 }, replyTo: probeRef },
      "queue 'q1': event 'queue.send': field record.recordValue is undefined: a number expected"],
    ['queue', queueMachine, q, { type: 'queue.send', record: { recordId: 1, recordValue: 'ten' }, replyTo: probeRef },
      "queue 'q1': event 'queue.send': field record.recordValue is 'ten': a number expected"],
    ['queue', queueMachine, q, { type: 'queue.remove', recordId: 'one', replyTo: probeRef },
      "queue 'q1': event 'queue.remove': field recordId is 'one': an integer expected"],
    ['queue', queueMachine, q, { type: 'queue.receive', replyTo: 'p' },
      "queue 'q1': event 'queue.receive': field replyTo is 'p': an actor reference expected"],
    ['queue', queueMachine, q, { type: 'queue.notifyAt', replyTo: probeRef },
      "queue 'q1': event 'queue.notifyAt': field count is missing: an integer expected"],
    ['regional table', regionalTableMachine, table, { type: 'table.insert', region: 1, record: { recordId: 'one', recordValue: 1 }, replyTo: probeRef },
      "regional table 't1': event 'table.insert': field record.recordId is 'one': an integer expected"],
    ['regional table', regionalTableMachine, table, { type: 'table.insert', region: 1, record: rec(1), origin: 'copy', replyTo: probeRef },
      "regional table 't1': event 'table.insert': field origin is 'copy': 'write' or 'replication' expected"],
    ['regional table', regionalTableMachine, table, { type: 'table.read', recordId: 'one', replyTo: probeRef },
      "regional table 't1': event 'table.read': field recordId is 'one': an integer expected"],
    ['replicator', replicatorMachine, replicator, { type: 'replicator.replicate', record: rec(1), from: 'r1' },
      "replicator 'rep': event 'replicator.replicate': field from is 'r1': an integer expected"],
    ['replicator', replicatorMachine, replicator, { type: 'table.insertCompleted', table: 't2', stage: 'core', region: 2, record: rec(1), origin: 'replication', corr: 0 },
      "replicator 'rep': event 'table.insertCompleted': field success is missing: a boolean expected"],
    ['replicator', replicatorMachine, replicator, { type: 'replicator.regionRecovered' },
      "replicator 'rep': event 'replicator.regionRecovered': field region is missing: an integer expected"],
    ['global table', globalTableMachine, gt, { type: 'table.insert', record: rec(1), replyTo: probeRef },
      "global table 'gt': event 'table.insert': field region is missing: an integer expected"],
    ['global table', globalTableMachine, gt, { type: 'table.fail', region: 'r1' },
      "global table 'gt': event 'table.fail': field region is 'r1': an integer expected"],
    ['weighted DNS', weightedDnsMachine, dns, { type: 'dns.send', record: rec(1) },
      "weighted DNS 'dns': event 'dns.send': field replyTo is missing: an actor reference expected"],
    ['weighted DNS', weightedDnsMachine, dns, { type: 'dns.remove', recordId: 'one', replyTo: probeRef },
      "weighted DNS 'dns': event 'dns.remove': field recordId is 'one': an integer expected"],
    ['weighted DNS', weightedDnsMachine, dns, { type: 'queue.sendCompleted', queue: 'q1', region: 1, record: rec(1), success: true, corr: 'x' },
      "weighted DNS 'dns': event 'queue.sendCompleted': field corr is 'x': an integer expected"],
    ['weighted DNS', weightedDnsMachine, dns, { type: 'dns.setRegionOnline', region: 1, online: 'yes' },
      "weighted DNS 'dns': event 'dns.setRegionOnline': field online is 'yes': a boolean expected"],
    ['record source', recordSourceMachine, source, { type: 'source.publish', batch: 'one' },
      "record source 'src': event 'source.publish': field batch is 'one': a number expected"],
    ['record source', recordSourceMachine, source, { type: 'dns.sendCompleted', dns: 'dns', record: rec(1), region: 1, corr: 1 },
      "record source 'src': event 'dns.sendCompleted': field success is missing: a boolean expected"],
    // the active-passive design's machines
    ['regional database', regionalDatabaseMachine, db, { type: 'table.insert', region: 1, record: rec(1), origin: 'copy', replyTo: probeRef },
      "regional database 'db1': event 'table.insert': field origin is 'copy': 'write' or 'replication' expected"],
    ['regional database', regionalDatabaseMachine, { ...db, active: false }, { type: 'table.insert', region: 1, record: rec(1), replyTo: 'p' },
      "regional database 'db1': event 'table.insert': field replyTo is 'p': an actor reference expected"],
    ['regional database', regionalDatabaseMachine, db, { type: 'database.setRole', active: 'yes' },
      "regional database 'db1': event 'database.setRole': field active is 'yes': a boolean expected"],
    ['regional database', regionalDatabaseMachine, db, { type: 'table.read', recordId: 1.5, replyTo: probeRef },
      "regional database 'db1': event 'table.read': field recordId is 1.5: an integer expected"],
    ['one-way replicator', oneWayReplicatorMachine, oneWay, { type: 'replicator.replicate', record: rec(1), from: 'r1' },
      "one-way replicator 'ow': event 'replicator.replicate': field from is 'r1': an integer expected"],
    ['one-way replicator', oneWayReplicatorMachine, oneWay, { type: 'replicator.switch', to: 'r2', database: 'gdb' },
      "one-way replicator 'ow': event 'replicator.switch': field to is 'r2': an integer expected"],
    ['one-way replicator', oneWayReplicatorMachine, oneWay, { type: 'replicator.switch', to: 2 },
      "one-way replicator 'ow': event 'replicator.switch': field database is missing: a string expected"],
    ['one-way replicator', oneWayReplicatorMachine, oneWay, { type: 'table.insertCompleted', table: 'db2', stage: 'core', region: 2, record: rec(1), origin: 'replication', corr: 0 },
      "one-way replicator 'ow': event 'table.insertCompleted': field success is missing: a boolean expected"],
    ['global database', globalDatabaseMachine, gdb, { type: 'table.insert', record: rec(1), replyTo: probeRef },
      "global database 'gdb': event 'table.insert': field region is missing: an integer expected"],
    ['global database', globalDatabaseMachine, gdb, { type: 'database.switch', replyTo: 'p' },
      "global database 'gdb': event 'database.switch': field replyTo is 'p': an actor reference expected"],
    ['failover DNS', failoverDnsMachine, fdns, { type: 'dns.send', record: rec(1) },
      "failover DNS 'fdns': event 'dns.send': field replyTo is missing: an actor reference expected"],
    ['failover DNS', failoverDnsMachine, fdns, { type: 'dns.remove', recordId: 'one', replyTo: probeRef },
      "failover DNS 'fdns': event 'dns.remove': field recordId is 'one': an integer expected"],
    ['failover DNS', failoverDnsMachine, fdns, { type: 'queue.sendCompleted', queue: 'q1', region: 1, record: rec(1), success: true, corr: 'x' },
      "failover DNS 'fdns': event 'queue.sendCompleted': field corr is 'x': an integer expected"],
    ['failover DNS', failoverDnsMachine, fdns, { type: 'queue.record', queue: 'q1', region: 'r1', record: rec(1) },
      "failover DNS 'fdns': event 'queue.record': field region is 'r1': an integer expected"],
  ];
  it.each(alone.map(([, logic, input, event, message]) => [message, logic, input, event] as const))('%s', (message, logic, input, event) => {
    const outcome = sendAlone(logic, input, event);
    expect(outcome.status).toBe('error');
    // a check in a guard reaches the observer wrapped by XState ("Unable to evaluate guard ...:\n" + it)
    expect(outcome.message).toMatch(new RegExp(`(^|\n)${escape(message)}$`));
    expect(outcome.snapshotError).toBeInstanceOf(Error);
  });

  // Machines that ask a peer on start, in a system where their peers exist.
  const destination: Part[] = [{ id: 'dst', logic: recordDestinationMachine, input: { id: 'dst', dns: 'probeDns' } }];
  const container: Part[] = [
    { id: 'in', logic: queueMachine, input: { id: 'in', region: 1 } },
    { id: 'out', logic: queueMachine, input: { id: 'out', region: 1 } },
    { id: 'gt', logic: globalTableMachine, input: gt },
    { id: 'c', logic: containerMachine, input: { id: 'c', stage: 'core', region: 1, inputQueue: 'in', table: 'gt', outputQueue: 'out' } },
  ];
  const inSystem: [string, Part[], string, AnyEventObject, string][] = [
    ['record destination', destination, 'dst', { type: 'dns.record', dns: 'dns', region: 1, record: { recordId: 1 } },
      "record destination 'dst': event 'dns.record': field record.recordValue is undefined: a number expected"],
    ['record destination', destination, 'dst', { type: 'dns.record', dns: 'dns', region: 1 },
      "record destination 'dst': event 'dns.record': field record is missing: a record { recordId, recordValue } expected"],
    ['record destination', destination, 'dst', { type: 'destination.notifyAt', count: 'three', replyTo: probeRef },
      "record destination 'dst': event 'destination.notifyAt': field count is 'three': an integer expected"],
    ['record destination', destination, 'dst', { type: 'dns.removeCompleted', dns: 'dns', region: 'r1', recordId: 1, success: true },
      "record destination 'dst': event 'dns.removeCompleted': field region is 'r1': an integer expected"],
    ['container', container, 'c', { type: 'queue.record', queue: 'in', region: 1, record: { recordId: 'one', recordValue: 1 }, corr: 1 },
      "container 'c': event 'queue.record': field record.recordId is 'one': an integer expected"],
    ['container', container, 'c', { type: 'table.insertCompleted', table: 'gt:r1', stage: 'core', region: 1, record: rec(1), origin: 'write' },
      "container 'c': event 'table.insertCompleted': field success is missing: a boolean expected"],
    ['container', container, 'c', { type: 'queue.removeCompleted', queue: 'in', region: 1, recordId: 1, success: true, removed: 'yes' },
      "container 'c': event 'queue.removeCompleted': field removed is 'yes': a boolean expected"],
  ];
  it.each(inSystem.map(([, parts, id, event, message]) => [message, parts, id, event] as const))('%s', (message, parts, id, event) => {
    const outcome = sendInSystem(parts, id, event);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(new RegExp(`(^|\n)${escape(message)}$`));
  });

  it('a null where the protocol allows it, and an absent optional field, are accepted', () => {
    const sys = quietSystem([{ id: 'src', logic: recordSourceMachine, input: source }], { probes: ['p', 'probeDns'] });
    const w = watch(sys.get('src'));
    sys.send('src', { type: 'source.publish', batch: 1, replyTo: sys.get('p') });
    const [send] = sys.received.probeDns;
    sys.send('src', { type: 'dns.sendCompleted', dns: 'dns', record: rec(1), region: null, success: true, corr: send.corr });
    expect(w.status()).toBe('active');
    expect(sys.received.p).toEqual([{ type: 'source.batchPublished', batch: 1, count: 1 }]);
  });
});

/** A container whose peers are given by `names`, with the queue 'in' holding records 1 and 2. */
function containerWith(
  names: { inputQueue?: string; table?: string; outputQueue?: string },
  extra: Part[] = [],
  clock?: VirtualClock,
): TestSystem {
  return quietSystem(
    [
      { id: 'in', logic: queueMachine, input: { id: 'in', region: 1 } },
      { id: 'out', logic: queueMachine, input: { id: 'out', region: 1 } },
      { id: 'gt', logic: globalTableMachine, input: gt },
      ...extra,
      {
        id: 'c',
        logic: clock ? delayed(containerMachine) : containerMachine,
        input: { id: 'c', stage: 'core', region: 1, inputQueue: 'in', table: 'gt', outputQueue: 'out', ...names },
      },
    ],
    { probes: ['p'], clock },
  );
}

describe('a peer of the wrong kind is named at its first wrong answer, with both systemIds', () => {
  it("a container whose table is a queue fails on the queue's answer to table.insert (it no longer hangs in writingTable)", () => {
    const sys = containerWith({ table: 'out' });
    const w = watch(sys.get('c'));
    const out = sys.get('out');
    const outWatch = watch(out);
    sys.send('in', { type: 'queue.send', record: rec(1), replyTo: sys.get('p') });
    expect(w.status()).toBe('error');
    expect(w.error()?.message).toBe("container 'c': peer 'out' is a queue, not a table: it does not handle 'table.insert'");
    expect(sys.deliveredTo('c', { type: 'tps.wrongPeer' }).map((d) => d.event)).toEqual([
      { type: 'tps.wrongPeer', peer: 'out', peerKind: 'queue', eventType: 'table.insert' },
    ]);
    // the queue that was asked did not fail, and holds nothing it was not sent
    expect(outWatch.error()).toBeUndefined();
    expect(out.getSnapshot().context.records).toEqual([]);
  });

  it('a container whose input queue is a global table fails at its first receive', () => {
    const clock = new VirtualClock();
    const sys = containerWith({ inputQueue: 'gt' }, [], clock);
    const w = watch(sys.get('c'));
    const gtWatch = watch(sys.get('gt'));
    stepUntil(clock, () => w.status() === 'error');
    expect(w.error()?.message).toBe("container 'c': peer 'gt' is a global table, not a queue: it does not handle 'queue.receive'");
    expect(gtWatch.error()).toBeUndefined();
  });

  it('a container whose output queue is a regional table fails at its first send', () => {
    const sys = containerWith({ outputQueue: 't9' }, [{ id: 't9', logic: regionalTableMachine, input: { ...table, id: 't9' } }]);
    const w = watch(sys.get('c'));
    sys.send('in', { type: 'queue.send', record: rec(1), replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("container 'c': peer 't9' is a regional table, not a queue: it does not handle 'queue.send'");
  });

  it('a weighted DNS whose target is a container fails at the first send routed there', () => {
    const sys = containerWith({}, [{ id: 'dns', logic: weightedDnsMachine, input: { id: 'dns', targets: [{ region: 1, queue: 'c' }] } }]);
    const w = watch(sys.get('dns'));
    const c = watch(sys.get('c'));
    sys.send('dns', { type: 'dns.send', record: rec(1), replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("weighted DNS 'dns': peer 'c' is a container, not a queue: it does not handle 'queue.send'");
    expect(c.error()).toBeUndefined();
  });

  it('a record source whose DNS is a queue fails at its first publish', () => {
    const sys = quietSystem(
      [
        { id: 'q1', logic: queueMachine, input: q },
        { id: 'src', logic: recordSourceMachine, input: { ...source, dns: 'q1' } },
      ],
      { probes: ['p'] },
    );
    const w = watch(sys.get('src'));
    sys.send('src', { type: 'source.publish', batch: 1, replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("record source 'src': peer 'q1' is a queue, not a DNS: it does not handle 'dns.send'");
  });

  it('a record destination whose DNS is a queue fails at its first receive', () => {
    const clock = new VirtualClock();
    const sys = quietSystem(
      [
        { id: 'q1', logic: queueMachine, input: q },
        { id: 'dst', logic: delayed(recordDestinationMachine), input: { id: 'dst', dns: 'q1' } },
      ],
      { clock },
    );
    const w = watch(sys.get('dst'));
    stepUntil(clock, () => w.status() === 'error');
    expect(w.error()?.message).toBe("record destination 'dst': peer 'q1' is a queue, not a DNS: it does not handle 'dns.receive'");
  });

  it('a one-way replicator whose passive database is a queue fails at the first copy it applies', () => {
    const sys = quietSystem([
      { id: 'db1', logic: regionalDatabaseMachine, input: { ...db, replicator: 'ow' } },
      { id: 'db2', logic: queueMachine, input: { id: 'db2', region: 2 } },
      { id: 'ow', logic: oneWayReplicatorMachine, input: oneWay },
    ], { probes: ['p'] });
    const w = watch(sys.get('ow'));
    const queue = watch(sys.get('db2'));
    sys.send('db1', { type: 'table.insert', region: 1, record: rec(1), replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("one-way replicator 'ow': peer 'db2' is a queue, not a table: it does not handle 'table.insert'");
    expect(queue.error()).toBeUndefined();
  });

  it('a failover DNS whose active target is a container fails at the first send routed there', () => {
    const sys = containerWith({}, [{ id: 'fdns', logic: failoverDnsMachine, input: { id: 'fdns', targets: [{ region: 1, queue: 'c' }, { region: 2, queue: 'out' }] } }]);
    const w = watch(sys.get('fdns'));
    const c = watch(sys.get('c'));
    sys.send('fdns', { type: 'dns.send', record: rec(1), replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("failover DNS 'fdns': peer 'c' is a container, not a queue: it does not handle 'queue.send'");
    expect(c.error()).toBeUndefined();
  });

  it('a container whose input queue is a global database fails at its first receive; the database stays up', () => {
    const clock = new VirtualClock();
    const sys = containerWith({ inputQueue: 'gdb' }, [{ id: 'gdb', logic: globalDatabaseMachine, input: gdb }], clock);
    const w = watch(sys.get('c'));
    const dbWatch = watch(sys.get('gdb'));
    stepUntil(clock, () => w.status() === 'error');
    expect(w.error()?.message).toBe("container 'c': peer 'gdb' is a global database, not a queue: it does not handle 'queue.receive'");
    expect(dbWatch.error()).toBeUndefined();
  });

  it('a container whose output queue is a regional database fails at its first send', () => {
    const sys = containerWith({ outputQueue: 'db9' }, [{ id: 'db9', logic: regionalDatabaseMachine, input: { ...db, id: 'db9' } }]);
    const w = watch(sys.get('c'));
    sys.send('in', { type: 'queue.send', record: rec(1), replyTo: sys.get('p') });
    expect(w.error()?.message).toBe("container 'c': peer 'db9' is a regional database, not a queue: it does not handle 'queue.send'");
  });

  it('a replicator whose table is a queue fails at the first copy it applies', () => {
    const sys = quietSystem([
      { id: 't1', logic: queueMachine, input: { id: 't1', region: 1 } },
      { id: 't2', logic: queueMachine, input: { id: 't2', region: 2 } },
      { id: 'rep', logic: replicatorMachine, input: replicator },
    ]);
    const w = watch(sys.get('rep'));
    sys.send('rep', { type: 'replicator.replicate', record: rec(1), from: 1 });
    expect(w.error()?.message).toBe("replicator 'rep': peer 't2' is a queue, not a table: it does not handle 'table.insert'");
  });
});

describe('what stays as it was', () => {
  it('a correct run still passes: records go through the container to the output queue', () => {
    const sys = containerWith({});
    for (const id of [1, 2, 3]) sys.send('in', { type: 'queue.send', record: rec(id), replyTo: sys.get('p') });
    expect(sys.ctx('out').records).toEqual([rec(1), rec(2), rec(3)]);
    expect(sys.ctx('in').records).toEqual([]);
    expect(sys.ctx('c').processed).toBe(3);
    expect(['in', 'out', 'gt', 'c'].map((id) => sys.snap(id).status)).toEqual(['active', 'active', 'active', 'active']);
    expect(sys.deliveredTo('c', { type: 'tps.wrongPeer' })).toEqual([]);
  });

  it('an event of no protocol and with no replyTo stays unhandled (no transition), as XState leaves it', () => {
    const queue = createActor(queueMachine, { input: q }).start();
    const snapshot = queue.getSnapshot();
    expect(queueMachine.getTransitionData(snapshot, { type: 'queue.bogus' } as never)).toEqual([]);
    // a request of another protocol is answered, so it is handled
    expect(queueMachine.getTransitionData(snapshot, { type: 'table.insert', replyTo: probeRef } as never)).toHaveLength(1);
    queue.send({ type: 'queue.bogus' } as never);
    expect(queue.getSnapshot().status).toBe('active');
  });

  // Own-protocol events a state does not take must stay unhandled (the simulator's strict check):
  // the root '*' transition takes only requests of another protocol, whatever the state.
  const machines: [string, AnyActorLogic, string, string][] = [
    ['queue', queueMachine, 'queue.send', 'table.insert'],
    ['container', containerMachine, 'queue.sendCompleted', 'queue.send'],
    ['regional table', regionalTableMachine, 'table.insert', 'queue.receive'],
    ['replicator', replicatorMachine, 'table.insertCompleted', 'table.insert'],
    ['global table', globalTableMachine, 'table.insert', 'dns.send'],
    ['weighted DNS', weightedDnsMachine, 'dns.send', 'queue.send'],
    ['record source', recordSourceMachine, 'source.publish', 'dns.send'],
    ['record destination', recordDestinationMachine, 'destination.notifyAt', 'dns.receive'],
    ['regional database', regionalDatabaseMachine, 'table.insert', 'queue.send'],
    ['one-way replicator', oneWayReplicatorMachine, 'table.insertCompleted', 'table.insert'],
    ['global database', globalDatabaseMachine, 'database.switch', 'queue.receive'],
    ['failover DNS', failoverDnsMachine, 'dns.switch', 'queue.send'],
  ];
  it.each(machines)("%s: its '*' guard takes a foreign request only", (_kind, logic, own, foreign) => {
    const guard = (logic as typeof queueMachine).implementations.guards.isForeignRequest as unknown as (args: { event: AnyEventObject }) => boolean;
    expect(guard({ event: { type: foreign, replyTo: probeRef } })).toBe(true);
    expect(guard({ event: { type: own, replyTo: probeRef } })).toBe(false);
    expect(guard({ event: { type: 'tps.other' } })).toBe(false);
    expect(guard({ event: { type: 'xstate.error.actor.x', replyTo: probeRef } })).toBe(false);
  });
});
