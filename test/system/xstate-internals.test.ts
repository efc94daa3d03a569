import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assign, createActor, sendTo, setup, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { VirtualClock } from '../../actors/virtual-clock';
import {
  handles,
  interceptInspection,
  interceptRelay,
  logicOf,
  microstepTransitions,
  parentOf,
  relay,
  replaceScheduler,
  systemNow,
  wrapRelay,
} from '../../actors/xstate-internals';

/**
 * The contract the simulation relies on in XState's internals. If an XState
 * upgrade breaks one of these, this fails first, naming what changed; fix
 * actors/xstate-internals.ts (the only module that touches them), not the callers.
 */

const repo = join(__dirname, '..', '..');

const receiver = setup({ types: { events: {} as { type: 'ping' } | { type: 'other' } } }).createMachine({
  context: { pings: 0 },
  on: { ping: { actions: assign({ pings: ({ context }) => context.pings + 1 }) } },
});
const sender = setup({ actors: { receiver } }).createMachine({
  invoke: { src: 'receiver', id: 'r', systemId: 'r' },
  on: {
    go: { actions: sendTo('r', { type: 'ping' }) },
    later: { actions: sendTo('r', { type: 'ping' }, { delay: 5, id: 'late' }) },
  },
});

describe('XState internals used by the simulation', () => {
  it('the project develops on an exact xstate, the one installed, inside the peer range the package states', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    const pinned: string = pkg.devDependencies.xstate;
    const installed = JSON.parse(readFileSync(require.resolve('xstate/package.json'), 'utf8')).version;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pinned);
    // a caret range: same major, not below its lowest (the consumer test runs that lowest too)
    const [, lowest] = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.peerDependencies.xstate) ?? [];
    expect(lowest?.split('.')[0]).toBe(pinned.split('.')[0]);
    expect(pinned.localeCompare(lowest, 'en', { numeric: true })).toBeGreaterThanOrEqual(0);
  });

  it('system._sendInspectionEvent carries every microstep (interceptInspection, for coverage)', () => {
    const actor = createActor(sender);
    const types: string[] = [];
    interceptInspection(actor.system, (e) => types.push(e.type));
    actor.start();
    actor.send({ type: 'go' });
    expect(types).toEqual(expect.arrayContaining(['@xstate.event', '@xstate.snapshot', '@xstate.microstep']));
    actor.stop();
  });

  it('a microstep event carries the definition\'s own transitions (microstepTransitions, for coverage)', () => {
    const actor = createActor(sender);
    const taken: unknown[] = [];
    interceptInspection(actor.system, (e) => {
      if (e.type === '@xstate.microstep' && e.event.type === 'go') taken.push(...microstepTransitions(e));
    });
    actor.start();
    actor.send({ type: 'go' });
    expect(taken).toEqual([sender.root.on.go[0]]);
    actor.stop();
  });

  it('an actor\'s logic and _parent (logicOf, parentOf, for the inspector)', () => {
    const actor = createActor(sender).start();
    const child = actor.system.get('r')!;
    expect(logicOf(actor)).toBe(sender);
    expect(logicOf(child)).toBe(receiver);
    expect(parentOf(child)).toBe(actor);
    expect(parentOf(actor)).toBeUndefined();
    actor.stop();
  });

  it('wrapRelay puts a function around every delivery (for bench:per-kind)', () => {
    const actor = createActor(sender);
    const order: string[] = [];
    wrapRelay(actor.system, (inner) => (source, target, event) => {
      order.push(`before ${event.type}`);
      inner(source, target, event);
      order.push(`after ${event.type}`);
    });
    actor.start();
    actor.send({ type: 'go' });
    expect(order).toEqual(['before go', 'before ping', 'after ping', 'after go']);
    actor.stop();
  });

  it('system._clock is the clock given to createActor (systemNow)', () => {
    const clock = new VirtualClock();
    const actor = createActor(sender, { clock });
    expect(typeof (actor.system as unknown as { _clock: unknown })._clock).toBe('object');
    clock.setTimeout(() => {}, 7);
    clock.step();
    expect(clock.now()).toBe(7);
    expect(systemNow(actor.system)).toBe(7);
    expect(systemNow(createActor(sender).system)).toBe(0);
  });

  it('system._relay delivers every event between actors, and interceptRelay sees it first', () => {
    const actor = createActor(sender);
    expect(typeof (actor.system as unknown as { _relay: unknown })._relay).toBe('function');
    const seen: string[] = [];
    interceptRelay(actor.system, (source: AnyActorRef | undefined, target: AnyActorRef, event: EventObject) =>
      seen.push(`${source?.id ?? '-'}->${target.id}:${event.type}`),
    );
    actor.start();
    actor.send({ type: 'go' });
    const r = actor.system.get('r')!;
    expect(seen).toEqual([`-->${actor.id}:go`, `${actor.id}->r:ping`]);
    expect(r.getSnapshot().context.pings).toBe(1);
    relay(actor.system, actor, r, { type: 'ping' });
    expect(r.getSnapshot().context.pings).toBe(2);
  });

  it('system.scheduler.schedule/cancel/cancelAll carry delayed sends and can be replaced', () => {
    const actor = createActor(sender);
    for (const method of ['schedule', 'cancel', 'cancelAll'] as const) expect(typeof actor.system.scheduler[method]).toBe('function');
    const calls: unknown[][] = [];
    replaceScheduler(actor.system, {
      schedule: (_source, target, event, delay, id) => calls.push(['schedule', target.id, event.type, delay, id]),
      cancel: (_source, id) => calls.push(['cancel', id]),
      cancelAll: () => calls.push(['cancelAll']),
    });
    actor.start();
    actor.send({ type: 'later' });
    expect(calls).toContainEqual(['schedule', 'r', 'ping', 5, 'late']);
    actor.stop();
    expect(calls).toContainEqual(['cancelAll']);
  });

  it('machine.getTransitionData tells handled from unhandled events (handles)', () => {
    const actor = createActor(receiver).start();
    const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
    expect(handles(snapshot, { type: 'ping' })).toBe(true);
    expect(handles(snapshot, { type: 'other' })).toBe(false);
  });

  it('handles answers as getTransitionData does, cached per state node only where no guard decides', () => {
    const m = setup({
      types: { context: {} as { open: boolean }, events: {} as { type: string } },
      guards: { isOpen: ({ context }) => context.open },
    }).createMachine({
      context: { open: false },
      initial: 'a',
      on: { 'toggle': { actions: assign({ open: ({ context }) => !context.open }) }, 'x.*': {} },
      states: {
        a: {
          initial: 'inner',
          on: { go: 'b', 'maybe': { guard: 'isOpen', target: 'b' } },
          states: { inner: { on: { 'y': { guard: 'isOpen', actions: () => {} } } } },
        },
        b: { on: { back: 'a', '*': { guard: 'isOpen', actions: () => {} } } },
      },
    });
    // what the simulation reads of each active state node
    const first = createActor(m).start().getSnapshot() as unknown as { _nodes: { type: string; transitions: Map<string, unknown[]> }[] };
    expect(first._nodes.map((n) => n.type)).toEqual(['compound', 'compound', 'atomic']);
    expect(first._nodes.every((n) => n.transitions instanceof Map)).toBe(true);
    const actor = createActor(m).start();
    const types = ['go', 'maybe', 'y', 'x', 'x.z', 'xx', 'back', 'other', 'toggle'];
    const steps = ['toggle', 'maybe', 'toggle', 'back', 'go', 'toggle', 'back', 'toggle', 'go'];
    for (const step of [null, ...steps]) {
      if (step) actor.send({ type: step });
      const snapshot = actor.getSnapshot() as AnyMachineSnapshot;
      for (const type of types)
        expect([JSON.stringify(snapshot.value), snapshot.context.open, type, handles(snapshot, { type })]).toEqual([
          JSON.stringify(snapshot.value),
          snapshot.context.open,
          type,
          m.getTransitionData(snapshot, { type }).length > 0,
        ]);
    }
  });
});
