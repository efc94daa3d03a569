/**
 * XState's snapshot contract, as a user's app relies on it (React's useSelector, persistence,
 * inspectors, getNextSnapshot): a snapshot handed out never changes, each context change is a new
 * context object, transitions computed with getNextSnapshot are pure, and a snapshot persisted
 * through JSON restores and goes on exactly as the original.
 */
import {
  createActor,
  enqueueActions,
  getInitialSnapshot,
  getNextSnapshot,
  setup,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type InspectionEvent,
} from 'xstate';
import {
  activeActiveSpecMachine,
  containerMachine,
  globalTableMachine,
  queueMachine,
  regionalTableMachine,
  runScenario,
  updater,
  withInPlaceUpdates,
  type QueueContext,
  type QueueEvent,
  type RunOptions,
  type TpsRecord,
} from '../../index';

interface Seen {
  actor: string;
  machine: string;
  snapshot: AnyMachineSnapshot;
  context: unknown;
  json: string;
}

/** Runs a scenario with a viewer that keeps every snapshot it is shown, with its JSON at that moment. */
function runKeepingSnapshots(name: string, seed: number, machines?: RunOptions['machines']) {
  const seen: Seen[] = [];
  const inspect = (e: InspectionEvent) => {
    if (e.type !== '@xstate.snapshot') return;
    const snapshot = e.snapshot as AnyMachineSnapshot;
    if (!snapshot.machine) return;
    seen.push({ actor: (e.actorRef as AnyActorRef).id, machine: snapshot.machine.id, snapshot, context: snapshot.context, json: JSON.stringify(snapshot.context) });
  };
  const { result } = runScenario({ scenario: name, seed, inspect, machines });
  return { seen, result };
}

/** Snapshots whose context no longer reads as it did when it was handed out. */
const changedSince = (seen: Seen[]) => seen.filter((s) => JSON.stringify(s.snapshot.context) !== s.json);

const stock = ['queue', 'container', 'regionalTable', 'replicator', 'globalTable', 'weightedDns', 'recordSource', 'recordDestination', 'activeActiveSpec'];

describe('snapshot contract in a whole run with a viewer attached', () => {
  it.each([
    ['f2-fail-database', 1],
    ['f4-fail-replication', 2],
    ['chaos', 5],
  ])('%s seed %d: no snapshot shown to the viewer changes afterwards, every machine of the system included', (name, seed) => {
    const { seen, result } = runKeepingSnapshots(name, seed);
    expect(result.stats.messages).toBeGreaterThan(1000);
    for (const machine of stock) expect(seen.some((s) => s.machine === machine)).toBe(true);
    expect(changedSince(seen).map((s) => `${s.actor}`)).toEqual([]);
  });

  it('active-passive failover: no snapshot of its machines shown to the viewer changes afterwards', () => {
    const { seen } = runKeepingSnapshots('active-passive-failover', 1);
    for (const machine of ['globalDatabase', 'regionalDatabase', 'oneWayReplicator', 'failoverDns'])
      expect(seen.some((s) => s.machine === machine)).toBe(true);
    expect(changedSince(seen).map((s) => `${s.actor}`)).toEqual([]);
  });

  it('every change of an actor context is a new snapshot object with a new context object', () => {
    const { seen } = runKeepingSnapshots('f2-fail-database', 1);
    const last = new Map<string, Seen>();
    let changes = 0;
    for (const s of seen) {
      const before = last.get(s.actor);
      last.set(s.actor, s);
      if (!before || before.json === s.json) continue;
      changes++;
      expect(s.snapshot).not.toBe(before.snapshot);
      expect(s.context).not.toBe(before.context);
    }
    expect(changes).toBeGreaterThan(1000);
    // the destination's count, as a viewer saw it, rises from 0 to 30
    const counts = seen.filter((s) => s.actor === 'destination').map((s) => (JSON.parse(s.json) as { count: number }).count);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(30);
    expect(new Set(counts).size).toBe(31);
  });

  it('catches a machine that updates its context in place (a planted contract bug)', () => {
    const inPlaceQueue = queueMachine.provide({
      actions: {
        storeRecord: enqueueActions(({ context, event }) => {
          if (event.type !== 'queue.send') return;
          context.records.push(event.record);
          context.sentCount++;
        }),
      },
    });
    const { seen } = runKeepingSnapshots('f2-fail-database', 1, { queue: inPlaceQueue });
    expect(changedSince(seen).length).toBeGreaterThan(0);
    expect(changedSince(seen).every((s) => s.machine === 'queue')).toBe(true);
  });
});

describe("a behaviour swapped in with an update (docs/reusing-machines.md's example)", () => {
  it('changes the behaviour and keeps the contract', () => {
    const change = updater<QueueContext, QueueEvent>();
    const lifo = queueMachine.provide({
      actions: {
        storeRecord: change((context, event) => {
          if (event.type !== 'queue.send') return;
          context.records.unshift(event.record);
          context.sentCount++;
        }),
      },
    });
    const sink = createActor(setup({}).createMachine({})).start() as AnyActorRef;
    const q = createActor(lifo, { input: { id: 'q', region: 1 } }).start();
    const first = q.getSnapshot();
    for (const recordId of [1, 2]) q.send({ type: 'queue.send', record: { recordId, recordValue: 1 }, replyTo: sink });
    expect(q.getSnapshot().context.records.map((r) => r.recordId)).toEqual([2, 1]);
    expect(first.context.records).toEqual([]);
    // and its in-place form, for runs nobody observes, does the same
    const fast = createActor(withInPlaceUpdates(lifo), { input: { id: 'q', region: 1 } }).start();
    for (const recordId of [1, 2]) fast.send({ type: 'queue.send', record: { recordId, recordValue: 1 }, replyTo: sink });
    expect(fast.getSnapshot().context.records.map((r: TpsRecord) => r.recordId)).toEqual([2, 1]);
  });
});

describe('getNextSnapshot is pure', () => {
  const rec = (recordId: number): TpsRecord => ({ recordId, recordValue: recordId * 10 });
  const sink = createActor(setup({}).createMachine({})).start() as AnyActorRef;

  it('queue: sends, a receive and a remove leave the snapshot they started from as it was', () => {
    let s = getInitialSnapshot(queueMachine, { id: 'q', region: 1 });
    const events = [
      { type: 'queue.send', record: rec(1), replyTo: sink },
      { type: 'queue.send', record: rec(2), replyTo: sink },
      { type: 'queue.receive', replyTo: sink, corr: 1 },
      { type: 'queue.remove', recordId: 1, replyTo: sink },
      { type: 'queue.notifyAt', count: 2, replyTo: sink },
    ] as const;
    for (const e of events) {
      const json = JSON.stringify(s.context);
      const next = getNextSnapshot(queueMachine, s, e);
      expect(JSON.stringify(s.context)).toBe(json);
      expect(next.context).not.toBe(s.context);
      s = next;
    }
    expect(s.context.records).toEqual([rec(2)]);
    expect(s.context.sentCount).toBe(2);
  });

  it('regional table and spec: writes and facts leave the snapshot they started from as it was', () => {
    let t = getInitialSnapshot(regionalTableMachine, { id: 't', stage: 's', region: 1 });
    for (const id of [1, 2]) {
      const json = JSON.stringify(t.context);
      t = getNextSnapshot(regionalTableMachine, t, { type: 'table.insert', region: 1, record: rec(id), replyTo: sink });
      expect(JSON.parse(json).count).toBe(id - 1);
    }
    expect(t.context.count).toBe(2);

    const input = { recordIds: [1], stages: ['a'], regions: [1], queueNames: ['a', 'out'] };
    const s0 = getInitialSnapshot(activeActiveSpecMachine, input);
    const json = JSON.stringify(s0.context);
    const s1 = getNextSnapshot(activeActiveSpecMachine, s0, { type: 'spec.sent', position: 0, region: 1, recordId: 1, at: 1 });
    const s2 = getNextSnapshot(activeActiveSpecMachine, s1, { type: 'spec.sent', position: 0, region: 1, recordId: 1, at: 2 });
    expect(JSON.stringify(s0.context)).toBe(json);
    expect(s1.context.violations).toEqual([]);
    expect(s2.context.violations.map((v) => v.kind)).toEqual(['duplicate']);
  });
});

describe('persisted through JSON, restored mid-run, an actor goes on as the original', () => {
  const rec = (recordId: number): TpsRecord => ({ recordId, recordValue: 100 + recordId });
  // The pipeline of docs/reusing-machines.md, driven by its own events.
  const pipeline = setup({
    actors: { queue: queueMachine, table: globalTableMachine, container: containerMachine },
  }).createMachine({
    context: ({ spawn }) => {
      spawn('queue', { id: 'in', systemId: 'in', input: { id: 'in', region: 1 } });
      spawn('queue', { id: 'out', systemId: 'out', input: { id: 'out', region: 1 } });
      spawn('table', { id: 'orders', systemId: 'orders', input: { id: 'orders', stage: 'orders', regions: [1, 2] } });
      spawn('container', {
        id: 'worker',
        systemId: 'worker',
        input: { id: 'worker', stage: 'orders', region: 1, inputQueue: 'in', table: 'orders', outputQueue: 'out' },
      });
      return {};
    },
  });
  const send = (app: AnyActorRef, to: string, event: Record<string, unknown>) => app.system.get(to)!.send(event);
  /** every actor of the system: its state and context, as JSON */
  const state = (app: AnyActorRef) =>
    Object.fromEntries(
      ['in', 'out', 'orders', 'orders:r1', 'orders:r2', 'orders:replicator', 'worker'].map((id) => {
        const s = app.system.get(id)!.getSnapshot() as AnyMachineSnapshot;
        return [id, JSON.parse(JSON.stringify({ value: s.value, context: s.context }))];
      }),
    );

  it('with records waiting, a container in failed dependency and a consumer registered', () => {
    const original = createActor(pipeline).start();
    send(original, 'in', { type: 'queue.send', record: rec(1), replyTo: original });
    send(original, 'orders', { type: 'table.fail', region: 1 });
    for (const id of [2, 3]) send(original, 'in', { type: 'queue.send', record: rec(id), replyTo: original });
    expect(original.system.get('worker')!.getSnapshot().value).toBe('failedDependency');

    const persisted = JSON.parse(JSON.stringify(original.getPersistedSnapshot()));
    const restored = createActor(pipeline, { snapshot: persisted }).start();
    expect(state(restored)).toEqual(state(original));

    for (const app of [original, restored]) {
      send(app, 'orders', { type: 'table.recover', region: 1 });
      send(app, 'worker', { type: 'container.recover' });
      send(app, 'in', { type: 'queue.send', record: rec(4), replyTo: app });
    }
    const end = state(restored);
    expect(end).toEqual(state(original));
    expect(end.out.context.records.map((r: TpsRecord) => r.recordId)).toEqual([1, 2, 3, 4]);
    expect(end.in.context.records).toEqual([]);
    expect(Object.keys(end['orders:r2'].context.rows)).toEqual(['1', '2', '3', '4']);
    // the two systems are separate: the original's queues did not get the restored one's records twice
    expect(end.in.context.sentCount).toBe(4);
  });
});
