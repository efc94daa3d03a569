import { mutants } from '../../mutants';
import { runScenario } from '../../system/run-scenario';

/**
 * Without a viewer the spec's facts are applied in place (specs/spec-feed.ts);
 * with one (here a no-op onInspectionEvent) each fact is an event. Both must
 * give the same verdict, violations, stuck list, cold time and trace.
 */
const outcome = (direct: boolean, scenario: string, seed: number, machines?: object) => {
  const { result } = runScenario({
    scenario,
    seed,
    maxMessages: 5_000,
    ...(machines ? { machines } : {}),
    ...(direct ? {} : { onInspectionEvent: () => {} }),
  });
  return {
    verdict: result.verdict,
    specState: result.specState,
    violations: result.violations,
    stuck: result.stuck,
    coldAt: result.final.spec.coldAt,
    pending: result.final.spec.pending,
    unhandled: result.unhandledEvents,
    digest: result.traceDigest,
  };
};

describe('spec feed: facts applied in place or sent as events', () => {
  it.each([
    ['f2-fail-database', 1],
    ['f2-fail-database', 7],
    ['happy-path', 3],
    ['chaos', 9],
  ])('%s seed %i: the same outcome', (scenario, seed) => {
    const direct = outcome(true, scenario, seed);
    expect(direct).toEqual(outcome(false, scenario, seed));
    expect(direct.coldAt).toEqual(expect.any(Number));
  });

  it.each(mutants.map((m) => [m.mutant.name, m] as const))('mutant %s: the same outcome on F2 and happy-path', (_name, m) => {
    for (const scenario of ['f2-fail-database', 'happy-path']) {
      const direct = outcome(true, scenario, 1, m.machines);
      expect(direct).toEqual(outcome(false, scenario, 1, m.machines));
    }
  });

  it('a mutant the spec catches yields violations in both modes', () => {
    const lifo = mutants.find((m) => m.mutant.name === 'queue-lifo')!;
    const direct = outcome(true, 'happy-path', 1, lifo.machines);
    expect(direct.violations.length).toBeGreaterThan(0);
    expect(direct.violations[0].kind).toBe('fifo');
  });
});
