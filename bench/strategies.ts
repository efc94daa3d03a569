/**
 * `npm run bench:strategies`: each exploration strategy, and the portfolio,
 * against the planted bugs of the hard classes, and on the correct model.
 *
 *   per bug and strategy: failing seeds in 1..N (kills per 1,000 seeds; for a
 *     bug outside the hard classes counted up to --cap, "30+"), and seconds to
 *     the first kill as a user sees it: `tps check chaos --strategy S
 *     --max-failures 1` on one fresh worker, start-up included;
 *   per strategy on the correct model: schedules/s on one worker, failing
 *     seeds (must be none), states, transitions and fault x state hits reached;
 *   the issue's targets: the default (the portfolio) against random.
 *
 * Kill counts do not depend on the worker count (each seed is its own
 * deterministic run), so they are counted on `--workers` threads; times are
 * measured on one. Writes bench/strategies-results.json (git ignores it) and
 * prints the table docs/checking.md shows.
 *
 * Usage: npm run bench:strategies -- [--seeds 1000] [--correct-seeds 1000] [--workers 2]
 *          [--bugs a,b] [--strategies random,swarm,...] [--cap 30]
 */
import { writeFileSync } from 'node:fs';
import { cpus, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { checkScenario, type CheckReport } from '../system/checker/check';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { strategyChoices, type StrategyChoice } from '../system/scenarios';
import { mutants } from '../mutants';

/** The planted bugs of the hard classes: only chaos kills them, on few seeds in 1,000 (counted in full). */
export const hardBugs = [
  'container-no-in-doubt-guard',
  'destination-counts-duplicate',
  'destination-dedups-by-value',
  'queue-removes-head',
  'queue-takes-stale-receive',
  'queue-ignores-receive-on-recovery',
  'replicator-idle-after-recovery',
  'replicator-blocks-on-stale-failure',
  'container-keeps-doubt-after-refusal',
  'container-matches-doubt-by-ticket',
];

const list = (what: string, known: readonly string[]) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .refine((xs) => xs.every((x) => known.includes(x)), { message: `${what}: each must be one of ${known.join(', ')}` });

/** The planted bugs active-active chaos can reach: not those of the active-passive design's database and failover DNS. */
export const activeActiveBugs = mutants.filter((m) => m.mutant.component !== 'database' && m.mutant.component !== 'failoverDns').map((m) => m.mutant.name);

const argsSchema = z
  .object({
    seeds: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    'correct-seeds': z.coerce.number().int().min(1).max(1_000_000).default(1000),
    workers: z.coerce.number().int().min(1).max(64).default(2),
    bugs: list('--bugs', mutants.map((m) => m.mutant.name)).default(activeActiveBugs),
    strategies: list('--strategies', strategyChoices).default([...strategyChoices]),
    cap: z.coerce.number().int().min(1).max(1_000_000).default(30),
  })
  .strict();

export interface BugRow {
  bug: string;
  strategy: string;
  failingSeeds: number[];
  perThousand: number;
  /** counted only up to the cap (a bug outside the hard classes): at least this many */
  capped?: boolean;
  /** ms to the first kill on one worker (with --max-failures 1), undefined if none in the seeds */
  firstKillMs?: number;
  firstKillSeed?: number;
}

export interface CorrectRow {
  strategy: string;
  seeds: number;
  failed: number;
  schedulesPerSecond: number;
  states: string;
  transitions: string;
  faultHits: number;
}

const machinesModule = (bug: string) => join(__dirname, '..', 'mutants', `${bug}.js`);
const median = (xs: number[]) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};
const secs = (ms?: number) => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

async function bugRow(bug: string, strategy: StrategyChoice, seeds: number, workers: number, cap: number): Promise<BugRow> {
  // A bug outside the hard classes dies on most seeds: counting all of them would only measure how slow failing runs are.
  const maxFailures = hardBugs.includes(bug) ? undefined : cap;
  const all = await checkScenario({ scenario: 'chaos', strategy, count: seeds, workers, maxFailures, machinesModule: machinesModule(bug) });
  const capped = all.stoppedAtMaxFailures;
  const row: BugRow = { bug, strategy, failingSeeds: all.failingSeeds, perThousand: Math.round((1000 * all.failed * 10) / (capped ? all.completed : seeds)) / 10, ...(capped ? { capped } : {}) };
  if (all.failed === 0) return row;
  // What a user waits: one fresh worker, stopping at the first failure.
  const first = await checkScenario({ scenario: 'chaos', strategy, count: seeds, workers: 1, maxFailures: 1, machinesModule: machinesModule(bug) });
  return { ...row, firstKillMs: first.firstFailureMs, firstKillSeed: first.firstFailureSeed };
}

async function correctRow(strategy: StrategyChoice, seeds: number): Promise<CorrectRow> {
  const r: CheckReport = await checkScenario({ scenario: 'chaos', strategy, count: seeds, workers: 1, coverage: true });
  const kinds = r.coverage!.kinds;
  const sum = (f: (k: (typeof kinds)[number]) => number) => kinds.reduce((a, k) => a + f(k), 0);
  return {
    strategy,
    seeds,
    failed: r.failed + r.crashed,
    schedulesPerSecond: r.steadySchedulesPerSecond,
    states: `${sum((k) => k.states.covered)}/${sum((k) => k.states.total)}`,
    transitions: `${sum((k) => k.transitions.covered)}/${sum((k) => k.transitions.total)}`,
    faultHits: r.coverage!.faultHits.length,
  };
}

/** The markdown tables: kills per 1,000 seeds per bug and strategy, then the summary per strategy. */
export function tables(rows: BugRow[], correct: CorrectRow[], strategies: string[], bugs: string[], seeds: number): string {
  const cell = (bug: string, s: string) => {
    const r = rows.find((x) => x.bug === bug && x.strategy === s);
    return r ? `${r.perThousand}${r.capped ? '*' : ''}${r.firstKillMs !== undefined ? ` (${secs(r.firstKillMs)} s)` : ''}` : '';
  };
  const per = [
    `| planted bug | ${strategies.join(' | ')} |`,
    `|---|${strategies.map(() => '---').join('|')}|`,
    ...bugs.map((b) => `| \`${b}\` | ${strategies.map((s) => cell(b, s)).join(' | ')} |`),
  ];
  const summary = [
    `| strategy | bugs killed in ${seeds} seeds | median kills / 1,000 | median s to first kill | worst s to first kill | schedules/s (correct model) | correct-model failures | states | transitions | fault x state hits |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...strategies.map((s) => {
      const mine = rows.filter((r) => r.strategy === s);
      const killed = mine.filter((r) => r.failingSeeds.length > 0);
      const times = killed.map((r) => r.firstKillMs!);
      const c = correct.find((x) => x.strategy === s);
      const worst = killed.length < mine.length ? `- (${mine.length - killed.length} not killed)` : secs(Math.max(...times));
      return `| ${s} | ${killed.length} of ${mine.length} | ${median(mine.map((r) => r.perThousand)) ?? '-'} | ${secs(median(times))} | ${worst} | ${c?.schedulesPerSecond.toFixed(1) ?? '-'} | ${c ? `${c.failed} of ${c.seeds}` : '-'} | ${c?.states ?? '-'} | ${c?.transitions ?? '-'} | ${c?.faultHits ?? '-'} |`;
    }),
  ];
  const note = rows.some((r) => r.capped) ? ['', '\\* counted until the cap of kills: kills per 1,000 of the seeds that took'] : [];
  return [...per, ...note, '', ...summary].join('\n');
}

/** Steady schedules/s on the correct model, one worker, per round: strategies alternated so that load falls on each alike. */
export interface SpeedRow {
  strategy: string;
  rounds: number[];
}

async function speedRows(strategies: StrategyChoice[], seeds: number, rounds: number): Promise<SpeedRow[]> {
  const out = strategies.map((strategy): SpeedRow => ({ strategy, rounds: [] }));
  for (let r = 0; r < rounds; r++)
    for (const row of out) {
      const report = await checkScenario({ scenario: 'chaos', strategy: row.strategy as StrategyChoice, count: seeds, workers: 1 });
      row.rounds.push(report.steadySchedulesPerSecond);
    }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The issue's targets, as measured: the default against random (those of the rows and speeds given). */
export function targets(rows: BugRow[], speed: SpeedRow[], seeds: number, base = 'random', chosen = 'portfolio'): string {
  const of = (s: string) => new Map(rows.filter((r) => r.strategy === s).map((r) => [r.bug, r]));
  const a = of(base);
  const b = of(chosen);
  const bugs = [...b.keys()].filter((bug) => a.has(bug));
  const survivors = bugs.filter((bug) => b.get(bug)!.failingSeeds.length === 0);
  const least = [...bugs].sort((x, y) => a.get(x)!.perThousand - a.get(y)!.perThousand || x.localeCompare(y)).slice(0, 5);
  const ma = median(least.map((bug) => a.get(bug)!.perThousand)) ?? 0;
  const mb = median(least.map((bug) => b.get(bug)!.perThousand)) ?? 0;
  const ratio = ma > 0 ? `${(mb / ma).toFixed(1)}x` : mb > 0 ? 'from 0' : '-';
  const lines = [
    `- ${chosen} kills ${bugs.length - survivors.length} of ${bugs.length} planted bugs within ${seeds} seeds${survivors.length ? ` (survive: ${survivors.join(', ')})` : ''}.`,
    `- The five ${base} kills least: ${least.map((bug) => `\`${bug}\` ${a.get(bug)!.perThousand} -> ${b.get(bug)!.perThousand}`).join(', ')} per 1,000; median ${ma} -> ${mb} (${ratio}).`,
  ];
  const sa = speed.find((x) => x.strategy === base);
  const sb = speed.find((x) => x.strategy === chosen);
  if (sa && sb) {
    const rounds = (x: SpeedRow) => x.rounds.map((v) => v.toFixed(1)).join(', ');
    lines.push(`- Schedules/s on the correct model, one worker, alternated: ${base} ${rounds(sa)}; ${chosen} ${rounds(sb)}: ${chosen} at ${((100 * mean(sb.rounds)) / mean(sa.rounds)).toFixed(0)}% of ${base}.`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { seeds: { type: 'string' }, 'correct-seeds': { type: 'string' }, workers: { type: 'string' }, bugs: { type: 'string' }, strategies: { type: 'string' }, cap: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run bench:strategies -- [--seeds N] [--correct-seeds N] [--workers K] [--bugs a,b] [--strategies s,t] [--cap N]\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
    process.exit(2);
  }
  const a = parsed.data;
  tuneGcForSimulation();
  const started = Date.now();
  const rows: BugRow[] = [];
  for (const bug of a.bugs)
    for (const strategy of a.strategies) {
      const row = await bugRow(bug, strategy as StrategyChoice, a.seeds, a.workers, a.cap);
      rows.push(row);
      console.log(`${bug} ${strategy}: ${row.failingSeeds.length}${row.capped ? ' (capped)' : ''} of ${a.seeds} seeds; first kill ${secs(row.firstKillMs)} s (seed ${row.firstKillSeed ?? '-'})`);
    }
  // Interleaved, one worker each, so that load on the machine falls on every strategy alike.
  const correct: CorrectRow[] = [];
  for (const strategy of a.strategies) {
    const c = await correctRow(strategy as StrategyChoice, a['correct-seeds']);
    correct.push(c);
    console.log(`correct model, ${strategy}: ${c.failed} failing of ${c.seeds}; ${c.schedulesPerSecond.toFixed(1)} schedules/s`);
  }
  const compared = (['random', 'portfolio'] as const).filter((s) => a.strategies.includes(s));
  const speed = compared.length === 2 ? await speedRows([...compared], Math.max(50, Math.round(a['correct-seeds'] / 2)), 2) : [];
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, node ${process.version}`;
  const goals = compared.length === 2 ? `\n\nTargets (random against the default, the portfolio):\n${targets(rows, speed, a.seeds)}` : '';
  console.log(`\n${tables(rows, correct, a.strategies, a.bugs, a.seeds)}${goals}\n\nMachine: ${machine}; ${((Date.now() - started) / 60000).toFixed(1)} minutes`);
  const out = join(__dirname, '..', '..', 'bench', 'strategies-results.json');
  writeFileSync(out, JSON.stringify({ args: a, machine, rows, correct, speed }, null, 2) + '\n');
  console.log(`Written: ${out}`);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(3);
  });
