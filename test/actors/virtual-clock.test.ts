import { assign, createActor, sendParent, sendTo, setup } from 'xstate';
import { Prng } from '../../actors/prng';
import { VirtualClock } from '../../actors/virtual-clock';

/** One scheduled timer as the test sees it: what it was asked, and when it fired. */
interface Scheduled {
  n: number;
  due: number;
  firedAt?: number;
}

/** Schedules `count` timers with due times drawn from `prng` in [0, maxDelay], logging firings in `order`. */
function scheduleRandom(clock: VirtualClock, prng: Prng, count: number, maxDelay: number, order: Scheduled[]) {
  const timers: { s: Scheduled; id: unknown }[] = [];
  for (let n = 0; n < count; n++) {
    const delay = prng.int(0, maxDelay);
    const s: Scheduled = { n, due: clock.now() + delay };
    const id = clock.setTimeout(() => {
      s.firedAt = clock.now();
      order.push(s);
    }, delay);
    timers.push({ s, id });
  }
  return timers;
}

/** The order a correct clock fires in: by due time, equal due times in scheduling order. */
const expectedOrder = (s: Scheduled[]) => [...s].sort((a, b) => a.due - b.due || a.n - b.n).map((x) => x.n);

describe('VirtualClock', () => {
  it('fires 20,000 pseudo-random timers in due-time order, equal due times first-scheduled first', () => {
    const clock = new VirtualClock();
    const prng = new Prng(42);
    const order: Scheduled[] = [];
    // Due times in [0, 2000] for 20,000 timers: about ten share each due time.
    const timers = scheduleRandom(clock, prng, 20_000, 2_000, order);
    expect(clock.pending).toBe(20_000);
    const dues = new Set(timers.map((t) => t.s.due));
    expect(dues.size).toBeLessThan(timers.length); // ties really happen

    expect(clock.run()).toBe(20_000);

    expect(order.map((s) => s.n)).toEqual(expectedOrder(timers.map((t) => t.s)));
    // now() is each timer's due time while it fires.
    expect(order.filter((s) => s.firedAt !== s.due)).toEqual([]);
    expect(clock.now()).toBe(Math.max(...dues));
    expect(clock.pending).toBe(0);
    expect(clock.fired).toBe(20_000);
    expect(clock.step()).toBe(false);
  });

  it('keeps scheduling order for equal due times', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    for (let i = 0; i < 100; i++) clock.setTimeout(() => fired.push(`late${i}`), 7);
    for (let i = 0; i < 100; i++) clock.setTimeout(() => fired.push(`early${i}`), 3);
    clock.run();
    expect(fired).toEqual([
      ...Array.from({ length: 100 }, (_, i) => `early${i}`),
      ...Array.from({ length: 100 }, (_, i) => `late${i}`),
    ]);
  });

  it('treats a negative or missing timeout as 0', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('later'), 1);
    clock.setTimeout(() => fired.push('negative'), -5);
    clock.setTimeout(() => fired.push('NaN'), Number.NaN);
    clock.run();
    expect(fired).toEqual(['negative', 'NaN', 'later']);
    expect(clock.now()).toBe(1);
  });

  it('never fires a cancelled timer and counts pending timers right', () => {
    const clock = new VirtualClock();
    const prng = new Prng(7);
    const order: Scheduled[] = [];
    const timers = scheduleRandom(clock, prng, 20_000, 5_000, order);
    const cancelled = new Set<number>();
    for (const t of timers)
      if (prng.next() < 0.35) {
        clock.clearTimeout(t.id);
        cancelled.add(t.s.n);
      }
    expect(cancelled.size).toBeGreaterThan(5_000);
    expect(clock.pending).toBe(20_000 - cancelled.size);

    // Cancelling again, or cancelling nothing, changes nothing.
    for (const n of [...cancelled].slice(0, 100)) clock.clearTimeout(timers[n].id);
    clock.clearTimeout(undefined);
    expect(clock.pending).toBe(20_000 - cancelled.size);

    // Fire half, then cancel some that already fired and some that have not.
    const half = Math.floor(clock.pending / 2);
    expect(clock.run(half)).toBe(half);
    expect(clock.pending).toBe(20_000 - cancelled.size - half);
    const firedSoFar = new Set(order.map((s) => s.n));
    const alreadyFired = timers.filter((t) => firedSoFar.has(t.s.n)).slice(0, 50);
    for (const t of alreadyFired) clock.clearTimeout(t.id);
    expect(clock.pending).toBe(20_000 - cancelled.size - half); // a fired timer is no longer pending
    const stillDue = timers.filter((t) => !firedSoFar.has(t.s.n) && !cancelled.has(t.s.n)).slice(0, 50);
    for (const t of stillDue) {
      clock.clearTimeout(t.id);
      cancelled.add(t.s.n);
    }
    expect(clock.pending).toBe(20_000 - cancelled.size - half);

    expect(clock.run()).toBe(20_000 - cancelled.size - half);
    expect(clock.pending).toBe(0);
    expect(order.some((s) => cancelled.has(s.n))).toBe(false);
    expect(order.map((s) => s.n)).toEqual(expectedOrder(timers.map((t) => t.s).filter((s) => !cancelled.has(s.n))));
    expect(clock.fired).toBe(order.length);
  });

  it('cancels the pending timers of one owner only', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const a = {};
    const b = {};
    for (let i = 0; i < 6; i++) {
      clock.setTimeout(() => fired.push(`a${i}`), i * 10, a);
      clock.setTimeout(() => fired.push(`b${i}`), i * 10 + 5, b);
    }
    clock.setTimeout(() => fired.push('none'), 100);
    expect(clock.run(3)).toBe(3); // a0, b0, a1
    clock.cancelOwnedBy(a);
    expect(clock.pending).toBe(6); // b1..b5 and the ownerless one
    clock.cancelOwnedBy(a); // again: nothing left to cancel
    expect(clock.pending).toBe(6);
    clock.run();
    expect(fired).toEqual(['a0', 'b0', 'a1', 'b1', 'b2', 'b3', 'b4', 'b5', 'none']);
  });

  it('orders timers scheduled from inside a firing timer', () => {
    const clock = new VirtualClock();
    const prng = new Prng(2024);
    const all: Scheduled[] = [];
    const order: Scheduled[] = [];
    let next = 0;
    // Each timer, as it fires, schedules up to two more (delay 0 included),
    // some of them earlier than timers scheduled long before.
    const schedule = (delay: number, depth: number) => {
      const s: Scheduled = { n: next++, due: clock.now() + delay };
      all.push(s);
      clock.setTimeout(() => {
        s.firedAt = clock.now();
        order.push(s);
        if (depth < 6) for (let k = prng.int(0, 2); k > 0; k--) schedule(prng.int(0, 30), depth + 1);
      }, delay);
    };
    for (let i = 0; i < 2_000; i++) schedule(prng.int(0, 500), 0);

    clock.run();

    expect(all.length).toBeGreaterThan(4_000);
    expect(order.length).toBe(all.length);
    expect(order.filter((s) => s.firedAt !== s.due)).toEqual([]);
    // Every timer fired, in (due, scheduling order): checking neighbours is enough.
    const outOfOrder = order.filter((b, i) => {
      const a = order[i - 1];
      return a !== undefined && !(a.due < b.due || (a.due === b.due && a.n < b.n));
    });
    expect(outOfOrder).toEqual([]);
  });

  it('fires a zero-delay timer scheduled while firing after the timers already due at that time', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push('A');
      clock.setTimeout(() => fired.push('C (0 ms, from A)'), 0);
      clock.setTimeout(() => fired.push('D (1 ms, from A)'), 1);
    }, 10);
    clock.setTimeout(() => fired.push('B'), 10);
    clock.setTimeout(() => fired.push('E'), 11);
    clock.run();
    expect(fired).toEqual(['A', 'B', 'C (0 ms, from A)', 'E', 'D (1 ms, from A)']);
    expect(clock.now()).toBe(11);
  });

  it('advances now() to each due time and schedules relative to it', () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(0);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 250);
    clock.setTimeout(() => seen.push(clock.now()), 100);
    expect(clock.step()).toBe(true);
    expect(clock.now()).toBe(100);
    clock.setTimeout(() => seen.push(clock.now()), 100); // due at 200
    clock.run();
    expect(seen).toEqual([100, 200, 250]);
    expect(clock.now()).toBe(250);
  });

  it('run(limit) stops after limit timers have fired', () => {
    const clock = new VirtualClock();
    let count = 0;
    for (let i = 0; i < 100; i++) clock.setTimeout(() => count++, i);
    expect(clock.run(30)).toBe(30);
    expect(count).toBe(30);
    expect(clock.pending).toBe(70);
    expect(clock.now()).toBe(29);
    expect(clock.run(0)).toBe(0);
    expect(clock.run(1000)).toBe(70);
    expect(clock.pending).toBe(0);
    expect(clock.run()).toBe(0);
  });

  it('drives an XState actor with delayed sendTo and after transitions', () => {
    const clock = new VirtualClock();
    const echo = setup({}).createMachine({
      on: { ping: { actions: sendParent({ type: 'pong' }, { delay: 50 }) } },
    });
    const machine = setup({
      types: { context: {} as { log: string[] }, events: {} as { type: 'go' } | { type: 'pong' } },
      actors: { echo },
    }).createMachine({
      context: { log: [] },
      invoke: { id: 'echo', src: 'echo' },
      initial: 'idle',
      states: {
        idle: {
          on: { go: { target: 'waiting', actions: sendTo('echo', { type: 'ping' }, { delay: 100 }) } },
        },
        waiting: {
          // cancelled when the pong comes first
          after: { 1000: 'timedOut' },
          on: {
            pong: { target: 'answered', actions: assign({ log: ({ context }) => [...context.log, `pong at ${clock.now()}`] }) },
          },
        },
        answered: { after: { 25: 'done' } },
        timedOut: {},
        done: { type: 'final' },
      },
    });

    const actor = createActor(machine, { clock });
    actor.start();
    actor.send({ type: 'go' });
    // Nothing happens until the clock is driven.
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(clock.pending).toBe(2); // the ping (100 ms) and the 1000 ms timeout
    expect(clock.now()).toBe(0);

    expect(clock.step()).toBe(true); // ping lands at 100; echo schedules its pong
    expect(clock.now()).toBe(100);
    expect(clock.pending).toBe(2);

    expect(clock.step()).toBe(true); // pong lands at 150; the timeout is cancelled
    expect(actor.getSnapshot().value).toBe('answered');
    expect(actor.getSnapshot().context.log).toEqual(['pong at 150']);
    expect(clock.pending).toBe(1);

    clock.run();
    expect(clock.now()).toBe(175);
    expect(actor.getSnapshot().status).toBe('done');
    expect(clock.pending).toBe(0);
    expect(clock.fired).toBe(3);
  });
  it('delayOwnedBy: only that owner\'s pending timers move, by the given ms; the others keep their time and order', () => {
    const clock = new VirtualClock();
    const a = {};
    const b = {};
    const log: string[] = [];
    const at = (name: string) => () => log.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('a1'), 5, a);
    clock.setTimeout(at('b1'), 6, b);
    clock.setTimeout(at('a2'), 7, a);
    clock.setTimeout(at('b2'), 30, b);
    expect(clock.delayOwnedBy(a, 20)).toBe(2);
    expect(clock.delayOwnedBy({}, 20)).toBe(0);
    clock.run();
    expect(log).toEqual(['b1@6', 'a1@25', 'a2@27', 'b2@30']);
    // a cancelled timer stays cancelled, and a moved one can still be cancelled
    const c = {};
    const gone = clock.setTimeout(at('gone'), 1, c);
    const kept = clock.setTimeout(at('kept'), 2, c);
    clock.clearTimeout(gone);
    expect(clock.delayOwnedBy(c, 10)).toBe(1);
    clock.clearTimeout(kept);
    expect(clock.pending).toBe(0);
    clock.run();
    expect(log).toHaveLength(4);
  });
});
