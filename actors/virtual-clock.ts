import type { ActorOptions, AnyActorLogic } from 'xstate';
import type { TimerOrder } from './schedule-order';

type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

interface Timer {
  due: number;
  /** heap order: by due time, unless a TimerOrder (schedule-order.ts) keys it otherwise */
  primary: number;
  secondary: number;
  /** insertion order: equal due times fire first-scheduled first */
  seq: number;
  fn: () => void;
  cancelled: boolean;
  /** who scheduled it, for cancelOwnedBy */
  owner: unknown;
}

/**
 * A virtual clock for XState's scheduler (`createActor(logic, { clock })`).
 * Pending timers sit in a binary heap ordered by (due, seq): O(log n) per
 * timer, stable for equal due times. Time moves only when a timer fires, so
 * a run goes as fast as the CPU allows.
 */
export class VirtualClock implements Clock {
  /** without an order, timers fire by (due, seq) */
  constructor(private readonly order?: TimerOrder) {}

  private heap: Timer[] = [];
  private seq = 0;
  private live = 0;
  private _now = 0;
  /** timers fired so far */
  fired = 0;

  now(): number {
    return this._now;
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pending(): number {
    return this.live;
  }

  setTimeout(fn: () => void, timeout: number, owner?: unknown): Timer {
    const due = this._now + Math.max(0, timeout || 0);
    const key = this.order?.key(owner, due);
    const timer: Timer = { due, primary: key?.primary ?? due, secondary: key?.secondary ?? 0, seq: this.seq++, fn, cancelled: false, owner };
    this.push(timer);
    this.live++;
    return timer;
  }

  clearTimeout(id: unknown): void {
    const timer = id as Timer;
    if (timer && !timer.cancelled) {
      timer.cancelled = true;
      this.live--;
    }
  }

  /** Cancels every pending timer set with this owner (a walk of the pending timers: meant for rare events, such as an actor stopping). */
  cancelOwnedBy(owner: unknown): void {
    for (const timer of this.heap) if (timer.owner === owner) this.clearTimeout(timer);
  }

  /**
   * Delays every pending timer set with this owner by `ms` (a crashed sender's messages still in
   * flight: they land after those it sends once restarted). The timers keep their identity, so a
   * named send can still be cancelled; the heap is rebuilt (rare, like cancelOwnedBy).
   */
  delayOwnedBy(owner: unknown, ms: number): number {
    let moved = 0;
    for (const timer of this.heap) {
      if (timer.owner !== owner || timer.cancelled) continue;
      timer.due += ms;
      const key = this.order?.key(owner, timer.due);
      timer.primary = key?.primary ?? timer.due;
      timer.secondary = key?.secondary ?? 0;
      moved++;
    }
    if (moved > 0) {
      const timers = this.heap;
      this.heap = [];
      for (const t of timers) this.push(t);
    }
    return moved;
  }

  /** When the next pending timer is due; undefined when none is. */
  nextDue(): number | undefined {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap[0]?.due;
  }

  /** Fires the next timer; false when none is pending. */
  step(): boolean {
    while (this.heap.length) {
      const timer = this.pop()!;
      if (timer.cancelled) continue;
      timer.cancelled = true;
      this.live--;
      // An order may fire a timer after one due later (within its window): time never goes back.
      if (timer.due > this._now) this._now = timer.due;
      this.order?.fired(timer.owner);
      this.fired++;
      timer.fn();
      return true;
    }
    return false;
  }

  /** Fires timers until none is pending or `limit` have fired; returns how many fired. */
  run(limit = Infinity): number {
    let n = 0;
    while (n < limit && this.step()) n++;
    return n;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.primary < b.primary || (a.primary === b.primary && (a.secondary < b.secondary || (a.secondary === b.secondary && a.seq < b.seq)));
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
