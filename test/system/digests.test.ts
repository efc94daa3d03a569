import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../../system/run-scenario';

/**
 * Trace digests of a fixed set of runs, committed: a refactoring or a speed-up
 * must not change what the model does. Regenerate on purpose only, with
 * UPDATE_DIGESTS=1 npx jest test/system/digests.test.ts, and say why in the commit.
 */
const file = join(__dirname, '..', 'fixtures', 'digests.json');
const latencies = {
  uniform: {},
  skewed: { model: 'skewed' as const, slow: 'r2', factor: 5 },
  'heavy-tail': { model: 'heavy-tail' as const },
};
const scenarios = ['happy-path', 'f1-fail-container', 'f2-fail-database', 'f2-fail-database-global', 'f3-fail-queue', 'f4-fail-replication', 'f5-fail-random', 'failover', 'chaos'];
const cases = scenarios.flatMap((scenario) =>
  Object.keys(latencies).flatMap((latency) => [1, 2, 3].map((seed) => ({ scenario, latency: latency as keyof typeof latencies, seed }))),
);
const key = (c: (typeof cases)[number]) => `${c.scenario} ${c.latency} ${c.seed}`;

/** Every case's digest; runs the 81 runs (called from a test, never while jest collects the tests). */
const digests = () => Object.fromEntries(cases.map((c) => [key(c), runScenario({ scenario: c.scenario, seed: c.seed, latency: latencies[c.latency] }).report.traceDigest]));

describe('trace digests stay what they were', () => {
  if (process.env.UPDATE_DIGESTS === '1') {
    it('wrote the digests', () => {
      const actual = digests();
      writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
      expect(Object.keys(actual)).toHaveLength(cases.length);
    });
    return;
  }
  it(`${cases.length} runs (every scenario, three latency models, seeds 1-3) match the committed digests`, () => {
    const expected: Record<string, string> = JSON.parse(readFileSync(file, 'utf8'));
    expect(digests()).toEqual(expected);
  }, 300_000);
});
