import { z } from 'zod';
import { Prng } from './prng';

/**
 * PCT-style message ordering (Burckhardt et al., ASPLOS 2010, adapted to
 * actors on a virtual clock). Every actor gets a random priority when it
 * first sends; timers due within the same window of virtual time fire in
 * the priority order of their senders rather than by due time; at d - 1
 * change points (the k-th delivery) the actor whose message was delivered
 * drops below every other. A timer never fires more than one window late, so
 * nothing starves. Fault timers (a fault's start and healing) are the fault
 * injector's sends: they are ordered by the same priorities, so where a fault
 * lands among the messages of its window is a scheduling choice too.
 *
 * The fair variant orders by priority for a prefix of the deliveries only,
 * then by due time as usual, so liveness after healing is checked under the
 * ordinary schedule.
 */
export const scheduleSchema = z
  .object({
    strategy: z.enum(['pct', 'fair-pct']),
    /** seeds the actors' initial priorities */
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    /** the bug depth d: d - 1 change points */
    depth: z.number().int().min(1).max(20),
    /** virtual ms: timers due in the same window are ordered by priority */
    window: z.number().int().min(1).max(1000),
    /** the deliveries (1-based) after which the delivering actor's sender drops to the lowest priority */
    changePoints: z.array(z.number().int().min(1)).max(19),
    /** fair-pct: priorities apply to the first `prefix` deliveries only */
    prefix: z.number().int().min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.changePoints.length !== s.depth - 1) ctx.addIssue({ code: 'custom', path: ['changePoints'], message: `depth ${s.depth} takes ${s.depth - 1} change points` });
    if (s.strategy === 'fair-pct' && s.prefix === undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'fair-pct needs a prefix' });
    if (s.strategy === 'pct' && s.prefix !== undefined) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'only fair-pct takes a prefix' });
  });
export type Schedule = z.infer<typeof scheduleSchema>;

/** How a VirtualClock orders its timers: a primary and a secondary key (then insertion order). */
export interface TimerOrder {
  /** keys for a timer being set now */
  key(owner: unknown, due: number): { primary: number; secondary: number };
  /** a timer of this owner is about to fire */
  fired(owner: unknown): void;
}

export function createPctOrder(schedule: Schedule): TimerOrder {
  const s = scheduleSchema.parse(schedule);
  const rng = new Prng(s.seed ^ 0x9c7);
  const priority = new Map<unknown, number>();
  const changes = new Map(s.changePoints.map((at, i) => [at, i]));
  let delivered = 0;
  const priorityOf = (owner: unknown) => {
    let p = priority.get(owner);
    // Initial priorities lie above every change point's (depth .. depth + 1).
    if (p === undefined) priority.set(owner, (p = s.depth + rng.next()));
    return p;
  };
  return {
    key(owner, due) {
      if (s.prefix !== undefined && delivered >= s.prefix) return { primary: due, secondary: 0 };
      return { primary: Math.floor(due / s.window) * s.window, secondary: -priorityOf(owner) };
    },
    fired(owner) {
      delivered++;
      const i = changes.get(delivered);
      if (i !== undefined) priority.set(owner, s.depth - 1 - i);
    },
  };
}
