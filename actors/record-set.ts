import type { TpsRecord } from '../machines/protocol';
import { Prng } from './prng';

/**
 * The test record set: `batches` batches of `size` records, ids 1..N in
 * order, values 1..100000 drawn from the seed.
 */
export function makeRecordSet(seed: number, batches = 3, size = 10): TpsRecord[][] {
  const rng = new Prng(seed);
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: size }, (_, i) => ({ recordId: b * size + i + 1, recordValue: rng.int(1, 100_000) })),
  );
}
