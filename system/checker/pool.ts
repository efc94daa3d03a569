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

/** Starts nothing yet: workers start on the first check, and are replaced when one is stopped. */
export function createWorkerPool(options: { size: number; script?: string }): WorkerPool {
  const parsed = poolOptionsSchema.safeParse(options);
  if (!parsed.success) throw new InputError('worker pool options', formatIssues(parsed.error));
  const { size } = parsed.data;
  const script = () => parsed.data.script ?? workerScript();
  const slots = new Set<Slot>();
  const moduleLoadMs: number[] = [];
  const startupMs: number[] = [];
  let started = 0;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const spawn = (): Slot => {
    const spawnedAt = performance.now();
    const worker = new Worker(script());
    started++;
    let markReady!: () => void;
    let failReady!: (err: Error) => void;
    const slot: Slot = { worker, ready: new Promise<void>((res, rej) => ((markReady = res), (failReady = rej))) };
    slot.ready.catch(() => undefined); // a failure is reported through onGone too
    slots.add(slot);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        moduleLoadMs.push(message.loadMs);
        startupMs.push(Math.round((performance.now() - spawnedAt) * 100) / 100);
        markReady();
      } else slot.onMessage?.(message);
    });
    const gone = (err: Error) => {
      if (!slots.delete(slot)) return; // ended by us
      failReady(err);
      slot.onGone?.(err);
    };
    worker.on('error', (err) => gone(new Error(`a check worker crashed: ${err.message}`)));
    worker.on('exit', (code) => gone(new Error(`a check worker exited with code ${code}`)));
    return slot;
  };
  const retire = (slot: Slot) => {
    slots.delete(slot);
    slot.onMessage = slot.onGone = undefined;
    void slot.worker.terminate();
  };

  /**
   * Hands seeds out in chunks as workers ask for them, so one slow seed stalls
   * only its own chunk. A seed with no result within the time limit is a hang:
   * its worker is ended and a fresh one takes the rest of its chunk. An abort
   * ends the busy workers (a seed cannot be stopped mid-run) and resolves with
   * what completed; the pool starts fresh ones for the next check.
   */
  const runJob = (p: PoolJob): Promise<void> =>
    new Promise((resolveJob, rejectJob) => {
      const end = p.from + p.count;
      let next = p.from;
      const leftovers: { from: number; to: number }[] = [];
      const takeChunk = () => {
        const left = leftovers.shift();
        if (left || next >= end) return left;
        const chunk = guidedChunk(next, end, p.chunkSize, p.workers);
        next = chunk.to;
        return chunk;
      };
      interface Busy {
        slot: Slot;
        chunk?: { to: number; at: number };
        timer?: NodeJS.Timeout;
      }
      const busy = new Set<Busy>();
      let settled = false;
      const release = (b: Busy) => {
        clearTimeout(b.timer);
        b.slot.onMessage = b.slot.onGone = undefined;
        busy.delete(b);
      };
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        for (const b of [...busy]) {
          release(b);
          retire(b.slot); // mid-chunk: its results would arrive in the next check
        }
        if (err === undefined) resolveJob();
        else rejectJob(err instanceof Error ? err : new Error('a check failed', { cause: err }));
      };
      const send = (b: Busy, order: ToWorker) => b.slot.worker.postMessage(order);
      const use = (slot: Slot) => {
        const b: Busy = { slot };
        busy.add(b);
        const arm = () => {
          clearTimeout(b.timer);
          b.timer = setTimeout(hang, p.seedTimeoutMs);
        };
        const hang = () => {
          if (settled || !b.chunk || !busy.has(b)) return;
          const { at: seed, to } = b.chunk;
          release(b);
          retire(slot);
          if (seed + 1 < to) leftovers.unshift({ from: seed + 1, to });
          use(spawn());
          const limit = p.seedTimeoutMs / 1000;
          p.onSummary({ seed, verdict: 'hang', messages: 0, virtualTimeMs: 0, wallMs: p.seedTimeoutMs, traceDigest: '', reason: `hang: no result within ${limit} s (--seed-timeout); its worker was stopped` });
        };
        slot.onGone = (err) => finish(err);
        slot.onMessage = (message) => {
          if (settled || !busy.has(b)) return;
          try {
            if (message.type === 'seed') {
              b.chunk!.at = message.summary.seed + 1;
              arm();
              p.onSummary(message.summary);
            } else if (message.type === 'next') {
              const chunk = takeChunk();
              if (chunk) {
                b.chunk = { to: chunk.to, at: chunk.from };
                arm();
                send(b, { type: 'chunk', ...chunk });
              } else {
                release(b);
                send(b, { type: 'idle' });
                if (busy.size === 0) finish();
              }
            }
          } catch (err) {
            finish(err);
          }
        };
        // A fresh worker loads its modules first: the time limit starts with its first chunk.
        slot.ready.then(
          () => !settled && busy.has(b) && send(b, { type: 'job', plan: p.plan }),
          () => undefined,
        );
      };
      if (p.signal?.aborted) return finish();
      p.signal?.addEventListener('abort', () => finish(), { once: true });
      const want = Math.min(p.workers, size);
      while (slots.size < want) spawn();
      [...slots].slice(0, want).forEach(use);
    });

  return {
    size,
    moduleLoadMs,
    startupMs,
    get started() {
      return started;
    },
    run(job) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      const run = queue.then(() => runJob(job));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      closed = true;
      await queue;
      const exits = [...slots].map(
        (slot) =>
          new Promise<void>((res) => {
            slot.onGone = () => res();
            slot.worker.once('exit', () => res());
            slot.worker.postMessage({ type: 'exit' } satisfies ToWorker);
          }),
      );
      await Promise.all(exits);
      slots.clear();
    },
  };
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

