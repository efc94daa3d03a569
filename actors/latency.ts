import { z } from 'zod';
import { regionOfId, regionOfLabel } from '../machines/ids';
import { Prng } from './prng';

/**
 * Latency models: how long, in virtual ms, a message takes. Every draw comes
 * from the run's seeded PRNG, in the order messages are sent, so the same
 * seed gives the same schedule.
 */
/** Bounds that keep virtual time well inside 2^53 ms (docs/scenarios.md). */
export const MAX_FACTOR = 1000;
export const MAX_LATENCY_MS = 60_000;

export const latencySchema = z
  .object({
    model: z.enum(['uniform', 'skewed', 'heavy-tail']).default('uniform'),
    /** smallest and largest base latency, ms */
    min: z.number().int().nonnegative().max(MAX_LATENCY_MS).default(1),
    max: z.number().int().positive().max(MAX_LATENCY_MS).default(10),
    /** skewed: what is slow: a region ("r2") or a component systemId ("container:core:r1") */
    slow: z.string().min(1).max(200).default('r2'),
    /** skewed: how many times slower */
    factor: z.number().positive().max(MAX_FACTOR).default(10),
  })
  .strict()
  .refine((l) => l.max >= l.min, { message: 'max must be at least min', path: ['max'] });
export type LatencyOptions = z.input<typeof latencySchema>;

export type LatencyFn = (fromSystemId: string) => number;

/** Does `slow` ("r2", or a systemId or its prefix) name this sender? */
export function isSlow(slow: string, from: string): boolean {
  const region = regionOfLabel(slow);
  if (region !== undefined) return regionOfId(from) === region;
  return from === slow || from.startsWith(`${slow}:`);
}

export function createLatency(options: LatencyOptions, seed: number): LatencyFn {
  const o = latencySchema.parse(options);
  const rng = new Prng(seed ^ 0x1a7e9c);
  const uniform = () => rng.int(o.min, o.max);
  switch (o.model) {
    case 'uniform':
      return uniform;
    case 'skewed': {
      const slowCache = new Map<string, boolean>();
      return (from) => {
        let slow = slowCache.get(from);
        if (slow === undefined) slowCache.set(from, (slow = isSlow(o.slow, from)));
        const base = uniform();
        return slow ? Math.round(base * o.factor) : base;
      };
    }
    case 'heavy-tail':
      // Pareto (alpha 1.5) over the uniform base, capped at 100x: rare stragglers.
      return () => {
        const base = uniform();
        const tail = Math.min(100, Math.pow(1 - rng.next(), -1 / 1.5));
        return Math.max(o.min, Math.round(base * tail));
      };
  }
}
