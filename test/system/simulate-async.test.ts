import { happyPathSteps } from '../../system/scenarios/happy-path';
import { simulate, simulateAsync } from '../../system/simulation';

describe('simulateAsync (paced playback)', () => {
  it('gives the same trace as simulate and waits virtual delta / speed between instants', async () => {
    const steps = happyPathSteps;
    const sync = simulate(steps, { seed: 3 });
    const sleeps: number[] = [];
    const paced = await simulateAsync(steps, { seed: 3 }, { speed: 4, maxSleepMs: 10, sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    } });
    expect(paced.traceDigest).toBe(sync.traceDigest);
    expect(paced.verdict).toBe('pass');
    // One wait per distinct virtual instant, each capped, together the run's virtual time / speed.
    expect(sleeps.every((ms) => ms > 0 && ms <= 10)).toBe(true);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeCloseTo(sync.stats.virtualTimeMs / 4, 5);
    expect(sleeps.length).toBeLessThanOrEqual(sync.stats.virtualTimeMs);
  });

  it('refuses a speed that is not above 0', async () => {
    await expect(simulateAsync(happyPathSteps, { seed: 1 }, { speed: 0 })).rejects.toThrow('speed');
  });
});
