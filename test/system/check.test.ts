import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/tps';
import { containerMachine } from '../../machines/container.machine';
import { InputError } from '../../machines/support';
import { checkScenario, type CheckReport } from '../../system/checker/check';
import { runScenario } from '../../system/run-scenario';
import { removesBeforePersisting } from '../fixtures/faulty-container';
import { fakeIo } from '../support/fake-io';

const repo = resolve(__dirname, '..', '..');



/** The same fault as a module on disk, built on the compiled package, for worker threads to require. */
function writeFaultyModule(dir: string): string {
  const file = join(dir, 'faulty-container.js');
  writeFileSync(
    file,
    `const { enqueueActions } = require(${JSON.stringify(require.resolve('xstate'))});
const { containerMachine, LATENCY } = require(${JSON.stringify(join(repo, 'dist', 'index.js'))});
exports.machines = {
  container: containerMachine.provide({
    actions: {
      writeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        const corr = context.ticket + 1;
        enqueue.assign({ ticket: corr });
        enqueue.sendTo(system.get(context.inputQueue), { type: 'queue.remove', recordId: context.current.recordId, replyTo: self, corr: -1 }, { delay: LATENCY });
        enqueue.sendTo(system.get(context.table), { type: 'table.insert', region: context.region, record: context.current, replyTo: self, corr }, { delay: LATENCY });
      }),
    },
  }),
};
`,
  );
  return file;
}

/** Everything but timings and the worker count, which may differ run to run. */
function timeless(report: CheckReport) {
  const { wallMs: _w, schedulesPerSecond: _s, workers: _k, firstScheduleMs: _f, steadySchedulesPerSecond: _t, fullSpeedMs: _u, startedAtProcessMs: _p, results, ...rest } = report;
  return { ...rest, results: results.map(({ wallMs: _r, ...seed }) => seed) };
}


// Runs real simulations; a loaded machine can be slow.
jest.setTimeout(60_000);

describe('checkScenario', () => {
  it('explores 20 seeds of F2 on 2 workers: all pass, the same as in-process and as single runs', async () => {
    const progress: number[] = [];
    const parallel = await checkScenario({
      scenario: 'f2-fail-database',
      count: 20,
      workers: 2,
      chunkSize: 3,
      onProgress: (p) => progress.push(p.done),
    });
    expect(parallel).toEqual(
      expect.objectContaining({ scenario: 'f2-fail-database', from: 1, count: 20, workers: 2, verdict: 'pass', passed: 20, failed: 0, failingSeeds: [], failures: [] }),
    );
    expect(parallel.results.map((r) => r.seed)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(progress).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(parallel.messages.min).toBeGreaterThan(0);
    expect(parallel.messages.min).toBeLessThanOrEqual(parallel.messages.avg);
    expect(parallel.virtualTimeMs.avg).toBeLessThanOrEqual(parallel.virtualTimeMs.max);

    const inProcess = await checkScenario({ scenario: 'f2-fail-database', count: 20, workers: 0 });
    expect(inProcess.workers).toBe(0);
    expect(timeless(inProcess)).toEqual(timeless(parallel));

    for (const r of parallel.results) {
      const { report } = runScenario({ scenario: 'f2-fail-database', seed: r.seed });
      expect([r.seed, r.verdict, r.traceDigest, r.messages, r.virtualTimeMs]).toEqual([
        r.seed,
        report.verdict,
        report.traceDigest,
        report.stats.messages,
        report.stats.virtualTimeMs,
      ]);
    }
  });

  it('finds failing seeds with in-memory faulty machines (in-process) and each replays to the same digest', async () => {
    const report = await checkScenario({ scenario: 'f2-fail-database', from: 3, count: 4, workers: 2, machines: { container: removesBeforePersisting } });
    expect(report.workers).toBe(0);
    expect(report.verdict).toBe('fail');
    expect(report.failingSeeds).toEqual([3, 4, 5, 6]);
    const first = report.failures[0];
    expect(first.reason).toMatch(/^violation removed-before-persisted-and-forwarded at t=\d+ms in queue:inbound:r\d: record \d+: removed from/);
    expect(first.replay).toBe(
      'tps run f2-fail-database --seed 3 --trace f2-fail-database-3.jsonl --machines <a module exporting these machines>',
    );
    const replayed = runScenario({ scenario: 'f2-fail-database', seed: first.seed, machines: { container: removesBeforePersisting } });
    expect(replayed.report.traceDigest).toBe(first.traceDigest);
  });

  it('loads a machines module in every worker; the replay command reproduces a failing seed byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-check-'));
    const module = writeFaultyModule(dir);
    const report = await checkScenario({
      scenario: 'happy-path',
      count: 4,
      workers: 2,
      chunkSize: 1,
      latency: { model: 'skewed', slow: 'container:core:r1', factor: 3 },
      machinesModule: module,
    });
    expect(report.workers).toBe(2);
    expect(report.failed).toBe(4);
    const failure = report.failures[1];
    expect(failure.replay).toBe(
      `tps run happy-path --seed 2 --trace happy-path-2.jsonl --latency skewed --slow container:core:r1 --factor 3 --machines ${module}`,
    );

    // Run the printed command through the CLI, with the trace written to the temp dir.
    const argv = failure.replay.split(' ').slice(1);
    const trace = join(dir, argv[argv.indexOf('--trace') + 1]);
    argv[argv.indexOf('--trace') + 1] = trace;
    const { io, out } = fakeIo();
    expect(await main([...argv, '--json'], io)).toBe(1);
    expect(JSON.parse(out[0]).traceDigest).toBe(failure.traceDigest);
    // The digest is the SHA-256 of the trace file itself.
    expect(createHash('sha256').update(readFileSync(trace)).digest('hex')).toBe(failure.traceDigest);
  });

  it('rejects bad options before running anything', async () => {
    const cases: [Parameters<typeof checkScenario>[0], RegExp][] = [
      [{ scenario: 'nope', count: 1 }, /scenario: unknown scenario 'nope'/],
      [{ scenario: 'happy-path', count: 0 }, /count: must be 1 or more/],
      [{ scenario: 'happy-path', count: 2, from: 2 ** 32 - 1 }, /count: the last seed, from \+ count - 1, must be below 2\^32/],
      [{ scenario: 'happy-path', count: 1, workers: -1 }, /workers/],
      [{ scenario: 'happy-path', count: 1, machinesModule: '/no/such/module.js' }, /Invalid machinesModule: no file '\/no\/such\/module.js'/],
      [{ scenario: 'happy-path', count: 1, machines: { cantainer: containerMachine } as never }, /unknown component kind 'cantainer'/],
      [{ scenario: 'happy-path', count: 1, topology: { regions: [{ region: 1 }], stages: ['inbound'] } }, /at least two regions/],
    ];
    for (const [options, message] of cases) {
      const started = jest.fn();
      await expect(checkScenario({ ...options, onProgress: started })).rejects.toThrow(InputError);
      await expect(checkScenario(options)).rejects.toThrow(message);
      expect(started).not.toHaveBeenCalled();
    }
  });
});
