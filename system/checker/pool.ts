import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { formatIssues, InputError } from '../../machines/support';
import type { FromWorker, RunPlan, SeedSummary, ToWorker } from './run-seed';

/**
 * Worker threads kept across `checkScenario` calls: a check on a warm pool
 * skips thread start-up, module loading and most JIT warm-up. One check runs
 * on a pool at a time; a second waits for the first.
 *
 *   const pool = createWorkerPool({ size: 2 });
 *   try { await checkScenario({ scenario: 'chaos', count: 100, pool }); } finally { await pool.close(); }
 */
export interface WorkerPool {
  readonly size: number;
  /** each started worker's module load time in ms (the simulation, zod, XState), in start order */
  readonly moduleLoadMs: readonly number[];
  /** each started worker's start-up in ms, as the pool saw it: from starting the thread to its `ready` (thread start and module load) */
  readonly startupMs: readonly number[];
  /** workers started so far (a hang or a crash replaces its worker) */
  readonly started: number;
  /** ends every worker; the pool cannot be used afterwards */
  close(): Promise<void>;
  /** @internal runs one check's seeds on the pool */
  run(job: PoolJob): Promise<void>;
}

export interface PoolJob {
  plan: RunPlan;
  from: number;
  count: number;
  /** workers this check uses, at most the pool's size */
  workers: number;
  /** the largest chunk handed out; chunks shrink as the seeds run out */
  chunkSize: number;
  seedTimeoutMs: number;
  signal?: AbortSignal;
  onSummary: (summary: SeedSummary) => void;
}

const poolOptionsSchema = z.object({ size: z.number().int().min(1).max(1024), script: z.string().min(1).optional() }).strict();

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** set while a check uses this worker */
  onMessage?: (message: FromWorker) => void;
  onGone?: (err: Error) => void;
}

/**
 * The next chunk of seeds [from, to): a share of what is left (left / 2 x workers), at most
 * `maxChunk` and at least one seed, so chunks shrink as the seeds run out and no worker is left
 * running a long chunk while the others are idle (guided self-scheduling).
 */
export function guidedChunk(next: number, end: number, maxChunk: number, workers: number): { from: number; to: number } {
  const size = Math.max(1, Math.min(maxChunk, Math.ceil((end - next) / (2 * Math.max(1, workers)))));
  return { from: next, to: Math.min(end, next + size) };
}

/** The pool's threads: started on demand, replaced when one is stopped, and their start-up figures. */
interface Threads {
  script: () => string;
  slots: Set<Slot>;
  moduleLoadMs: number[];
  startupMs: number[];
  started: number;
}

/** Starts nothing yet: workers start on the first check, and are replaced when one is stopped. */
export function createWorkerPool(options: { size: number; script?: string }): WorkerPool {
  const parsed = poolOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('worker pool options', formatIssues(parsed.error));
  const { size } = parsed.data;
  const threads: Threads = { script: () => parsed.data.script ?? workerScript(), slots: new Set(), moduleLoadMs: [], startupMs: [], started: 0 };
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    size,
    moduleLoadMs: threads.moduleLoadMs,
    startupMs: threads.startupMs,
    get started() {
      return threads.started;
    },
    run(job) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      const run = queue.then(() => runJob(threads, size, job));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await queue;
      const exits = [...threads.slots].map(
        (slot) =>
          new Promise<void>((res) => {
            slot.onGone = () => res();
            slot.worker.once('exit', () => res());
            slot.worker.postMessage({ type: 'exit' } satisfies ToWorker);
          }),
      );
      await Promise.all(exits);
      threads.slots.clear();
    },
  };
}

/** Starts a worker thread; its `ready` resolves once it has loaded its modules. */
function spawn(t: Threads): Slot {
  const spawnedAt = performance.now();
  const worker = new Worker(t.script());
  t.started++;
  let markReady!: () => void;
  let failReady!: (err: Error) => void;
  const slot: Slot = { worker, ready: new Promise<void>((res, rej) => ((markReady = res), (failReady = rej))) };
  slot.ready.catch(() => undefined); // a failure is reported through onGone too
  t.slots.add(slot);
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'ready') {
      t.moduleLoadMs.push(message.loadMs);
      t.startupMs.push(Math.round((performance.now() - spawnedAt) * 100) / 100);
      markReady();
    } else slot.onMessage?.(message);
  });
  const gone = (err: Error) => {
    if (!t.slots.delete(slot)) return; // ended by us
    failReady(err);
    slot.onGone?.(err);
  };
  worker.on('error', (err) => gone(new Error(`a check worker crashed: ${err.message}`)));
  worker.on('exit', (code) => gone(new Error(`a check worker exited with code ${code}`)));
  return slot;
}

function retire(t: Threads, slot: Slot): void {
  t.slots.delete(slot);
  slot.onMessage = slot.onGone = undefined;
  void slot.worker.terminate();
}

/** A worker while one check uses it, and the chunk it is running (`at`: its next seed). */
interface Busy {
  slot: Slot;
  chunk?: { to: number; at: number };
  timer?: NodeJS.Timeout;
}

/** One check on the pool: the seeds not yet handed out, the busy workers, and how it ends. */
interface Job {
  p: PoolJob;
  threads: Threads;
  next: number;
  end: number;
  /** the rest of a hung seed's chunk, handed out before new seeds */
  leftovers: { from: number; to: number }[];
  busy: Set<Busy>;
  settled: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Hands seeds out in chunks as workers ask for them, so one slow seed stalls
 * only its own chunk. A seed with no result within the time limit is a hang:
 * its worker is ended and a fresh one takes the rest of its chunk. An abort
 * ends the busy workers (a seed cannot be stopped mid-run) and resolves with
 * what completed; the pool starts fresh ones for the next check.
 */
function runJob(threads: Threads, size: number, p: PoolJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const job: Job = { p, threads, next: p.from, end: p.from + p.count, leftovers: [], busy: new Set(), settled: false, resolve, reject };
    if (p.signal?.aborted) return finish(job);
    p.signal?.addEventListener('abort', () => finish(job), { once: true });
    const want = Math.min(p.workers, size);
    while (threads.slots.size < want) spawn(threads);
    [...threads.slots].slice(0, want).forEach((slot) => use(job, slot));
  });
}

function takeChunk(job: Job): { from: number; to: number } | undefined {
  const left = job.leftovers.shift();
  if (left || job.next >= job.end) return left;
  const chunk = guidedChunk(job.next, job.end, job.p.chunkSize, job.p.workers);
  job.next = chunk.to;
  return chunk;
}

function release(job: Job, b: Busy): void {
  clearTimeout(b.timer);
  b.slot.onMessage = b.slot.onGone = undefined;
  job.busy.delete(b);
}

function finish(job: Job, err?: unknown): void {
  if (job.settled) return;
  job.settled = true;
  for (const b of [...job.busy]) {
    release(job, b);
    retire(job.threads, b.slot); // mid-chunk: its results would arrive in the next check
  }
  if (err === undefined) job.resolve();
  else job.reject(err instanceof Error ? err : new Error('a check failed', { cause: err }));
}

const send = (b: Busy, order: ToWorker) => b.slot.worker.postMessage(order);

/** Puts a worker to work on the job: it gets the plan once ready, then asks for chunks. */
function use(job: Job, slot: Slot): void {
  const b: Busy = { slot };
  job.busy.add(b);
  slot.onGone = (err) => finish(job, err);
  slot.onMessage = (message) => {
    if (job.settled || !job.busy.has(b)) return;
    try {
      onWorkerMessage(job, b, message);
    } catch (err) {
      finish(job, err);
    }
  };
  // A fresh worker loads its modules first: the time limit starts with its first chunk.
  slot.ready.then(
    () => !job.settled && job.busy.has(b) && send(b, { type: 'job', plan: job.p.plan }),
    () => undefined,
  );
}

/** A seed's result re-arms the time limit; a request for work gets a chunk, or `idle` when none is left. */
function onWorkerMessage(job: Job, b: Busy, message: FromWorker): void {
  if (message.type === 'seed') {
    b.chunk!.at = message.summary.seed + 1;
    arm(job, b);
    job.p.onSummary(message.summary);
  } else if (message.type === 'next') {
    const chunk = takeChunk(job);
    if (chunk) {
      b.chunk = { to: chunk.to, at: chunk.from };
      arm(job, b);
      send(b, { type: 'chunk', ...chunk });
    } else {
      release(job, b);
      send(b, { type: 'idle' });
      if (job.busy.size === 0) finish(job);
    }
  }
}

/** Starts the time limit on the busy worker's current seed. */
function arm(job: Job, b: Busy): void {
  clearTimeout(b.timer);
  b.timer = setTimeout(() => hang(job, b), job.p.seedTimeoutMs);
}

/** No result in time: the seed is a hang; a fresh worker takes the rest of its chunk. */
function hang(job: Job, b: Busy): void {
  if (job.settled || !b.chunk || !job.busy.has(b)) return;
  const { at: seed, to } = b.chunk;
  release(job, b);
  retire(job.threads, b.slot);
  if (seed + 1 < to) job.leftovers.unshift({ from: seed + 1, to });
  use(job, spawn(job.threads));
  const limit = job.p.seedTimeoutMs / 1000;
  job.p.onSummary({ seed, verdict: 'hang', messages: 0, virtualTimeMs: 0, wallMs: job.p.seedTimeoutMs, traceDigest: '', reason: `hang: no result within ${limit} s (--seed-timeout); its worker was stopped` });
}

/** The worker script: built JS next to this file, or under dist/ when this file runs from TS source (jest). */
export function workerScript(): string {
  const script = __filename.endsWith('.ts')
    ? resolve(__dirname, '..', '..', 'dist', 'system', 'checker', 'check-worker.js')
    : join(__dirname, 'check-worker.js');
  if (!existsSync(script))
    throw new Error(`tps check: no worker script at ${script}; run 'npm run build' first (or use workers: 0)`);
  return script;
}

