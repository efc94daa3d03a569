/**
 * `npm run bench:strategies`: each exploration strategy, and the portfolio,
 * against the planted bugs of the hard classes, and on the correct model.
 *
 *   per bug and strategy: failing seeds in 1..N (kills per 1,000 seeds), and
 *     seconds to the first kill as a user sees it: `tps check chaos
 *     --strategy S --max-failures 1` on one fresh worker, start-up included;
 *   per strategy on the correct model: schedules/s on one worker, failing
 *     seeds (must be none), states, transitions and fault x state hits reached.
 *
 * Kill counts do not depend on the worker count (each seed is its own
 * deterministic run), so they are counted on `--workers` threads; times are
 * measured on one. Writes bench/strategies-results.json (git ignores it) and
 * prints the table docs/checking.md shows.
 *
 * Usage: npm run bench:strategies -- [--seeds 1000] [--correct-seeds 1000] [--workers 2]
 *          [--bugs a,b] [--strategies random,swarm,...]
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

/** The planted bugs of the hard classes: only chaos kills them, on few seeds in 1,000. */
export const hardBugs = [
  'container-no-in-doubt-guard',
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

const argsSchema = z
  .object({
    seeds: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    'correct-seeds': z.coerce.number().int().min(1).max(1_000_000).default(1000),
    workers: z.coerce.number().int().min(1).max(64).default(2),
    bugs: list('--bugs', mutants.map((m) => m.mutant.name)).default(hardBugs),
    strategies: list('--strategies', strategyChoices).default([...strategyChoices]),
  })
  .strict();

export interface BugRow {
  bug: string;
  strategy: string;
  failingSeeds: number[];
  perThousand: number;
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

async function bugRow(bug: string, strategy: StrategyChoice, seeds: number, workers: number): Promise<BugRow> {
  const all = await checkScenario({ scenario: 'chaos', strategy, count: seeds, workers, machinesModule: machinesModule(bug) });
  const row: BugRow = { bug, strategy, failingSeeds: all.failingSeeds, perThousand: Math.round((1000 * all.failed * 10) / seeds) / 10 };
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
    return r ? `${r.perThousand}${r.firstKillMs !== undefined ? ` (${secs(r.firstKillMs)} s)` : ''}` : '';
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
  return [...per, '', ...summary].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { seeds: { type: 'string' }, 'correct-seeds': { type: 'string' }, workers: { type: 'string' }, bugs: { type: 'string' }, strategies: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run bench:strategies -- [--seeds N] [--correct-seeds N] [--workers K] [--bugs a,b] [--strategies s,t]\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
    process.exit(2);
  }
  const a = parsed.data;
  tuneGcForSimulation();
  const started = Date.now();
  const rows: BugRow[] = [];
  for (const bug of a.bugs)
    for (const strategy of a.strategies) {
      const row = await bugRow(bug, strategy as StrategyChoice, a.seeds, a.workers);
      rows.push(row);
      console.log(`${bug} ${strategy}: ${row.failingSeeds.length} of ${a.seeds} seeds; first kill ${secs(row.firstKillMs)} s (seed ${row.firstKillSeed ?? '-'})`);
    }
  // Interleaved, one worker each, so that load on the machine falls on every strategy alike.
  const correct: CorrectRow[] = [];
  for (const strategy of a.strategies) {
    const c = await correctRow(strategy as StrategyChoice, a['correct-seeds']);
    correct.push(c);
    console.log(`correct model, ${strategy}: ${c.failed} failing of ${c.seeds}; ${c.schedulesPerSecond.toFixed(1)} schedules/s`);
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, node ${process.version}`;
  console.log(`\n${tables(rows, correct, a.strategies, a.bugs, a.seeds)}\n\nMachine: ${machine}; ${((Date.now() - started) / 60000).toFixed(1)} minutes`);
  const out = join(__dirname, '..', '..', 'bench', 'strategies-results.json');
  writeFileSync(out, JSON.stringify({ args: a, machine, rows, correct }, null, 2) + '\n');
  console.log(`Written: ${out}`);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(3);
  });
