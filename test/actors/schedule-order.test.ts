import { createPctOrder, type Schedule } from '../../actors/schedule-order';
import { VirtualClock } from '../../actors/virtual-clock';

/** Sets timers from named owners and returns the fire order, with the virtual time each fired at. */
function fireOrder(clock: VirtualClock, timers: [owner: string, delay: number][]): { owner: string; at: number }[] {
  const fired: { owner: string; at: number }[] = [];
  for (const [owner, delay] of timers) clock.setTimeout(() => fired.push({ owner, at: clock.now() }), delay, owner);
  clock.run();
  return fired;
}

const pct = (over: Partial<Schedule> = {}): Schedule => ({ strategy: 'pct', seed: 7, depth: 1, window: 10, changePoints: [], ...over });

describe('PCT-style timer order', () => {
  it('without an order, timers fire by due time, then as set', () => {
    const fired = fireOrder(new VirtualClock(), [['a', 5], ['b', 3], ['c', 5], ['d', 12]]);
    expect(fired.map((f) => f.owner)).toEqual(['b', 'a', 'c', 'd']);
    expect(fired.map((f) => f.at)).toEqual([3, 5, 5, 12]);
  });

  it("orders timers due within one window by their owners' priorities, never a window late, time never going back", () => {
    const timers: [string, number][] = [['a', 1], ['b', 2], ['c', 3], ['a', 4], ['b', 15], ['c', 11]];
    const orders = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const fired = fireOrder(new VirtualClock(createPctOrder(pct({ seed }))), timers);
      orders.add(fired.slice(0, 4).map((f) => f.owner).join(''));
      // the first window's four fire before the second window's two
      expect(fired.slice(0, 4).every((f) => f.at < 10)).toBe(true);
      expect(fired.slice(4).map((f) => f.owner).sort()).toEqual(['b', 'c']);
      for (let i = 1; i < fired.length; i++) expect(fired[i].at).toBeGreaterThanOrEqual(fired[i - 1].at);
      // one owner's timers keep their order (the same priority, then as set)
      const a = fired.filter((f) => f.owner === 'a');
      expect(a).toHaveLength(2);
    }
    // the seed's priorities decide: several orders of the first window over 30 seeds
    expect(orders.size).toBeGreaterThan(2);
  });

  it('at a change point the delivering owner drops below every other', () => {
    // depth 2, one change point after the first delivery: whoever fired first goes last in the next window
    for (let seed = 0; seed < 10; seed++) {
      const clock = new VirtualClock(createPctOrder(pct({ seed, depth: 2, changePoints: [1] })));
      const first = fireOrder(clock, [['a', 1], ['b', 1], ['c', 1]])[0].owner;
      const next = fireOrder(clock, [['a', 10], ['b', 10], ['c', 10]]);
      expect(next[2].owner).toBe(first);
    }
  });

  it('fair-pct orders by priority for its prefix only, then by due time', () => {
    const clock = new VirtualClock(createPctOrder({ strategy: 'fair-pct', seed: 3, depth: 1, window: 50, changePoints: [], prefix: 2 }));
    fireOrder(clock, [['x', 1], ['y', 1]]);
    const after = fireOrder(clock, [['late', 9], ['early', 2], ['mid', 5]]);
    expect(after.map((f) => f.owner)).toEqual(['early', 'mid', 'late']);
  });
});
