import { activeActiveBugs, hardBugs, tables, targets, type BugRow, type CorrectRow } from '../../bench/strategies';
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

  it('marks a count stopped at the cap, and says what the mark means', () => {
    const capped = tables([{ ...row('a', 'random', [1, 2, 3], 100), perThousand: 60, capped: true }], [], ['random'], ['a'], 500);
    expect(capped).toContain('| `a` | 60* (0.1 s) |');
    expect(capped).toContain('\\* counted until the cap of kills');
    expect(text).not.toContain('counted until the cap');
  });

  it('states the targets: bugs the default kills, the five random kills least (median before and after), speed against random', () => {
    const all = [...rows, row('d', 'random', [1, 2, 3, 4, 5, 6], 100), row('e', 'random', [1, 2, 3, 4, 5, 6, 7], 100), row('f', 'random', Array.from({ length: 9 }, (_, i) => i + 1), 100)];
    const portfolio = [row('a', 'portfolio', [1, 2, 3, 4, 5], 50), row('b', 'portfolio', [4, 9], 90), row('c', 'portfolio', []), row('d', 'portfolio', [1], 10), row('e', 'portfolio', [1], 10), row('f', 'portfolio', [1], 10)];
    const speed = [
      { strategy: 'random', rounds: [40, 44] },
      { strategy: 'portfolio', rounds: [39, 41] },
    ];
    const t = targets([...all, ...portfolio], speed, 500);
    expect(t).toContain('portfolio kills 5 of 6 planted bugs within 500 seeds (survive: c).');
    // random, least first: b 0, a 2, c 6, d 12, e 14 (f, 18, is not among them); the portfolio's: 4, 10, 0, 2, 2
    expect(t).toContain('The five random kills least: `b` 0 -> 4, `a` 2 -> 10, `c` 6 -> 0, `d` 12 -> 2, `e` 14 -> 2 per 1,000; median 6 -> 2 (0.3x).');
    expect(t).toContain('random 40.0, 44.0; portfolio 39.0, 41.0: portfolio at 95% of random.');
  });

  it('benches every active-active planted bug by default, not the active-passive design\'s', () => {
    expect(activeActiveBugs).toEqual(expect.arrayContaining(hardBugs));
    expect(activeActiveBugs.some((b) => b.startsWith('database-') || b.startsWith('failover-dns-') || b.startsWith('one-way-replicator-'))).toBe(false);
    expect(activeActiveBugs.length).toBeGreaterThanOrEqual(20);
  });
});
