import { InputError } from '../../machines/support';

/**
 * A check split across machines: shard K of N runs the K-th of N contiguous
 * slices of the seeds (K counts from 1). Contiguous, so a shard is one
 * `from`/`count` range like any check and its report names it in two numbers;
 * the slices' sizes differ by at most one seed, and together they are exactly
 * the unsharded run's seeds.
 */
export interface Shard {
  /** 1..of */
  index: number;
  of: number;
}

/** The environment variable a Kubernetes Indexed Job sets in each pod: 0..completions-1. */
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** Seeds of shard `index` of `of`, within from .. from+count-1. */
export function shardRange(from: number, count: number, shard: Shard): { from: number; count: number } {
  const start = Math.floor(((shard.index - 1) * count) / shard.of);
  const end = Math.floor((shard.index * count) / shard.of);
  return { from: from + start, count: end - start };
}

/**
 * Parses `K/N` (K from 1) or `auto/N` (K from JOB_COMPLETION_INDEX, which
 * counts from 0). Bad input throws an InputError naming `what`.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env, what = '--shard'): Shard {
  const m = /^(auto|\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new InputError(what, [`'${text}' is not K/N or auto/N (K of N shards, from 1; e.g. 2/8)`]);
  const of = Number(m[2]);
  if (!Number.isSafeInteger(of) || of < 1 || of > 1_000_000) throw new InputError(what, [`N in '${text}' must be 1..1000000`]);
  let index: number;
  if (m[1] === 'auto') {
    const raw = env[SHARD_INDEX_ENV];
    if (raw === undefined || !/^\d+$/.test(raw.trim()))
      throw new InputError(what, [`auto/${of} reads ${SHARD_INDEX_ENV} (0..${of - 1}, set by a Kubernetes Indexed Job), but it is ${raw === undefined ? 'not set' : `'${raw}'`}`]);
    index = Number(raw.trim()) + 1;
  } else index = Number(m[1]);
  if (index < 1 || index > of) throw new InputError(what, [`shard ${index} of ${of}: K must be 1..${of}${m[1] === 'auto' ? ` (${SHARD_INDEX_ENV} 0..${of - 1})` : ''}`]);
  return { index, of };
}
