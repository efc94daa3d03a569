import { hardBugs, tables, type BugRow, type CorrectRow } from '../../bench/strategies';
import { mutants } from '../../mutants';

/** The bench's table from made-up figures: what it computes, not how fast anything is. */
describe('bench:strategies table', () => {
  const row = (bug: string, strategy: string, failing: number[], firstKillMs?: number): BugRow => ({
    bug,
    strategy,
    failingSeeds: failing,
    perThousand: (1000 * failing.length) / 500,
    ...(firstKillMs !== undefined ? { firstKillMs, firstKillSeed: failing[0] } : {}),
  });
  const rows = [
    row('a', 'random', [3], 1600),
    row('b', 'random', []),
    row('c', 'random', [1, 2, 9], 400),
    row('a', 'swarm', [1, 5], 300),
    row('b', 'swarm', [7], 2500),
    row('c', 'swarm', [2, 3, 4, 8], 700),
  ];
  const correct: CorrectRow[] = [
    { strategy: 'random', seeds: 100, failed: 0, schedulesPerSecond: 50.25, states: '40/42', transitions: '99/120', faultHits: 20 },
    { strategy: 'swarm', seeds: 100, failed: 0, schedulesPerSecond: 48, states: '41/42', transitions: '101/120', faultHits: 27 },
  ];
  const text = tables(rows, correct, ['random', 'swarm'], ['a', 'b', 'c'], 500);

  it('gives kills per 1,000 seeds and the time to the first kill per bug and strategy', () => {
    expect(text).toContain('| `a` | 2 (1.6 s) | 4 (0.3 s) |');
    expect(text).toContain('| `b` | 0 | 2 (2.5 s) |');
  });

  it('summarises each strategy: bugs killed, median kills, median and worst time (a survivor named), speed and coverage', () => {
    expect(text).toContain('| random | 2 of 3 | 2 | 1.0 | - (1 not killed) | 50.3 | 0 of 100 | 40/42 | 99/120 | 20 |');
    expect(text).toContain('| swarm | 3 of 3 | 4 | 0.7 | 2.5 | 48.0 | 0 of 100 | 41/42 | 101/120 | 27 |');
  });

  it('benches only planted bugs that exist', () => {
    const names = new Set(mutants.map((m) => m.mutant.name));
    for (const b of hardBugs) expect(names.has(b)).toBe(true);
  });
});
