import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../machines/support';
import { checkScenario, type CheckReport } from '../../system/checker/check';
import { mergeReports, type CheckSummary } from '../../system/checker/merge';
import { createWorkerPool } from '../../system/checker/pool';
import { parseShard, shardRange } from '../../system/checker/shard';

const tps = resolve(__dirname, '..', '..', 'dist', 'cli', 'tps.js');

// Runs real simulations; a loaded machine can be slow.
jest.setTimeout(120_000);

/** What `tps check --json` prints: no per-seed results, through JSON. */
const asJson = (r: CheckReport): unknown => {
  const { results: _r, ...summary } = r;
  return JSON.parse(JSON.stringify(summary));
};
/** Everything but timings, the worker count and the shard marker. */
function timeless(r: CheckSummary | CheckReport) {
  const { wallMs: _w, schedulesPerSecond: _s, workers: _k, firstScheduleMs: _f, steadySchedulesPerSecond: _t, fullSpeedMs: _u, startedAtProcessMs: _p, shard: _h, firstFailureMs: _ff, firstFailureSeed: _fs, ...rest } = r as CheckReport;
  delete (rest as Partial<CheckReport>).results;
  return rest;
}

describe('shards', () => {
  it('slices are contiguous, sized within one seed, and together exactly the run', () => {
    for (const [count, of] of [[24, 4], [10, 3], [7, 7], [1_000_000, 8]]) {
      const slices = Array.from({ length: of }, (_, i) => shardRange(5, count, { index: i + 1, of }));
      let next = 5;
      for (const s of slices) {
        expect(s.from).toBe(next);
        next += s.count;
      }
      expect(next).toBe(5 + count);
      const sizes = slices.map((s) => s.count);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('parses K/N and auto/N (JOB_COMPLETION_INDEX counts from 0); refuses the rest, naming the flag', () => {
    expect(parseShard('3/8', {})).toEqual({ index: 3, of: 8 });
    expect(parseShard('auto/8', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, of: 8 });
    expect(parseShard('auto/8', { JOB_COMPLETION_INDEX: '7' })).toEqual({ index: 8, of: 8 });
    expect(() => parseShard('auto/8', {})).toThrow(/--shard.*JOB_COMPLETION_INDEX.*not set/);
    expect(() => parseShard('auto/8', { JOB_COMPLETION_INDEX: '8' })).toThrow(InputError);
    expect(() => parseShard('0/4', {})).toThrow(/K must be 1..4/);
    expect(() => parseShard('5/4', {})).toThrow(InputError);
    expect(() => parseShard('2of4', {})).toThrow(/not K\/N/);
  });

  it('4 shards of 24 F2 seeds merge into the unsharded report, failures and coverage included', async () => {
    // A budget that some seeds exceed gives failures with replay commands to merge.
    const options = { scenario: 'f2-fail-database', from: 1, count: 24, coverage: true, maxVirtualMs: 1340 } as const;
    const whole = await checkScenario({ ...options, workers: 0 });
    expect(whole.failed).toBeGreaterThan(0);
    expect(whole.passed).toBeGreaterThan(0);
    const pool = createWorkerPool({ size: 1 });
    let shards: unknown[];
    try {
      shards = [];
      for (const index of [3, 1, 4, 2]) shards.push(asJson(await checkScenario({ ...options, workers: 1, pool, shard: { index, of: 4 } })));
      expect(pool.started).toBe(1); // one warm worker served all four
    } finally {
      await pool.close();
    }
    const merged = mergeReports(shards.map((report, i) => ({ name: `shard-${i}.json`, report })));
    expect(timeless(merged)).toEqual(timeless(asJson(whole) as CheckSummary));
    expect(merged.failures.map((f) => f.seed)).toEqual(whole.failingSeeds);
    expect(merged.failures[0].replay).toBe(whole.failures[0].replay);
  });

  it('keeps the active-passive loss on failover: shards merge into the unsharded figures', async () => {
    const options = { scenario: 'active-passive-failover-replication-down', from: 1, count: 6, workers: 0 } as const;
    const whole = await checkScenario(options);
    expect(whole.lossOnFailover?.runs).toBe(6);
    const shards = [];
    for (const index of [2, 1, 3]) shards.push(asJson(await checkScenario({ ...options, shard: { index, of: 3 } })));
    const merged = mergeReports(shards.map((report, i) => ({ name: `shard-${i}.json`, report })));
    expect(merged.lossOnFailover).toEqual(whole.lossOnFailover);
    expect(timeless(merged)).toEqual(timeless(asJson(whole) as CheckSummary));
    // Losses in some shards only: runs add up, the average is over the losing runs.
    const lossy = { ...(shards[0] as CheckSummary), lossOnFailover: { runs: 2, records: { min: 1, avg: 2, max: 3 } } };
    const lossy2 = { ...(shards[1] as CheckSummary), lossOnFailover: { runs: 1, records: { min: 9, avg: 9, max: 9 } } };
    const rest = { ...(shards[2] as CheckSummary) };
    delete rest.lossOnFailover;
    expect(mergeReports([lossy, lossy2, rest].map((report, i) => ({ name: `s${i}`, report }))).lossOnFailover).toEqual({ runs: 3, records: { min: 1, avg: 4.33, max: 9 } });
  });

  it('refuses overlapping, missing and mismatched shards, naming the seeds', async () => {
    const base = { scenario: 'f2-fail-database', from: 1, count: 8, workers: 0 } as const;
    const [a, b, c] = await Promise.all([1, 2, 3].map((index) => checkScenario({ ...base, shard: { index, of: 4 } }))).then((rs) => rs.map(asJson));
    const other = asJson(await checkScenario({ ...base, count: 8, shard: { index: 4, of: 4 }, latency: { model: 'heavy-tail' } }));
    expect(() => mergeReports([{ name: 'a', report: a }, { name: 'c', report: c }])).toThrow(/missing seeds 3\.\.4.*missing seeds 7\.\.8/);
    expect(() => mergeReports([{ name: 'a', report: a }, { name: 'a2', report: a }, { name: 'b', report: b }])).toThrow(/seeds 1\.\.2 covered twice/);
    expect(() => mergeReports([{ name: 'a', report: a }, { name: 'd', report: other }])).toThrow(/d differs from a: latency/);
    expect(() => mergeReports([{ name: 'x', report: { scenario: 'f2' } }])).toThrow(/x: not a 'tps check --json' report/);
  });

  it('tps check --shard auto/N and tps merge exit as check does; bad merges exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-merge-'));
    const files = [0, 1].map((i) => {
      const out = execFileSync('node', [tps, 'check', 'f2-fail-database', '--seeds', '4', '--workers', '1', '--shard', 'auto/2', '--json'], {
        env: { ...process.env, JOB_COMPLETION_INDEX: String(i) },
        encoding: 'utf8',
      });
      const file = join(dir, `shard-${i}.json`);
      writeFileSync(file, out);
      return file;
    });
    const ok = spawnSync('node', [tps, 'merge', ...files], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Merged 2 shard reports: 4 schedules/);
    expect(ok.stdout).toMatch(/Verdict: PASS/);
    const missing = spawnSync('node', [tps, 'merge', files[1]], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing seeds 1\.\.2/);
  });
});
