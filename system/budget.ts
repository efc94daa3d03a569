import { z } from 'zod';
import { latencySchema, type LatencyOptions } from '../actors/latency';

/**
 * A run's budget: a livelock (components busy forever, no progress) ends as a
 * reported `no-progress` failure instead of a hang. The defaults are
 * generous: 50 times the messages a fault-free run of this size takes, and
 * that many messages one after another at the slowest latency.
 */
export const budgetSchema = z.object({
  maxMessages: z.number().int().min(1).optional(),
  maxVirtualMs: z.number().int().min(1).optional(),
});
export type BudgetOptions = z.input<typeof budgetSchema>;

/** Messages between actors a fault-free run takes, about (a 30-record, 5-stage, 2-region run: 2208; this gives 2360). */
export function expectedMessages(records: number, stages: number, regions: number): number {
  return records * (stages + 1) * (8 + 4 * (regions - 1)) + 200;
}

/** The slowest latency of a model, ms: skewed multiplies by its factor, heavy-tail caps at 100x. */
export function worstLatency(options: LatencyOptions = {}): number {
  const l = latencySchema.parse(options);
  if (l.model === 'skewed') return Math.max(1, Math.ceil(l.max * Math.max(1, l.factor)));
  if (l.model === 'heavy-tail') return Math.max(1, l.max * 100);
  return Math.max(1, l.max);
}

export function resolveBudget(
  options: BudgetOptions,
  run: { records: number; stages: number; regions: number; latency?: LatencyOptions },
): { maxMessages: number; maxVirtualMs: number } {
  const expected = expectedMessages(run.records, run.stages, run.regions);
  return {
    maxMessages: options.maxMessages ?? 50 * expected,
    maxVirtualMs: options.maxVirtualMs ?? 50 * expected * worstLatency(run.latency),
  };
}
