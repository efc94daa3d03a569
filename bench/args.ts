import { z } from 'zod';

/**
 * A bench script's whole-number argument at `position` of process.argv,
 * checked before anything runs: a bad one prints the usage and what is wrong,
 * and exits 2.
 */
export function intArg(position: number, fallback: number, usage: string, min = 1): number {
  const raw = process.argv[position];
  if (raw === undefined) return fallback;
  const parsed = z.coerce.number().int().min(min).safeParse(raw.trim() === '' ? NaN : raw);
  if (parsed.success) return parsed.data;
  console.error(`usage: ${usage}\n  bad argument '${raw}': ${parsed.error.issues[0].message}`);
  process.exit(2);
}
