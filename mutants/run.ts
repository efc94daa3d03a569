import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EXIT, parseIntFlag } from '../cli/common';
import { InputError } from '../machines/support';
import { checkScenario } from '../system/checker/check';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { describeFault } from '../system/faults/fault-plan';
import { shrinkPlan } from '../system/checker/shrink';
import { isPlanned, scenarios } from '../system/scenarios';
import { defaultTopology } from '../machines/topology';
import { mutants } from './index';

/** One mutant's fate: the first (scenario, seed) whose run failed, and what failed it. */
export interface MutantResult {
  name: string;
  component: string;
  killed: boolean;
  scenario?: string;
  seed?: number;
  /** violation kind, or step / stuck / unhandled / error */
  property?: string;
  reason?: string;
  /** seeds run, over every scenario tried, up to and including the killing one */
  seedsToKill?: number;
  msToKill?: number;
  /** seeds run in all (a survivor: every scenario times --seeds) */
  seedsRun: number;
  wallMs: number;
  /** the killing run shrunk to its smallest plan that fails the same way */
  shrunk?: { faults: number; records: number; messages: number; fromFaults: number; fromRecords: number; plan: string[] };
}

/** Scenarios in registry order; `chaos`, the broadest and slowest, last. */
export function scenarioOrder(): string[] {
  const names = Object.keys(scenarios);
  return [...names.filter((n) => n !== 'chaos'), ...names.filter((n) => n === 'chaos')];
}

/**
 * Runs one mutant against each scenario in turn over seeds 1..seeds, in
 * growing chunks on worker threads, and stops at its first failing seed.
 */
export async function runMutant(
  name: string,
  options: { seeds: number; chaosSeeds?: number; workers: number; scenarios: string[]; maxMessages?: number; shrinkMs?: number },
): Promise<MutantResult> {
  const m = mutants.find((x) => x.mutant.name === name);
  if (!m) throw new InputError('--only', [`unknown mutant '${name}'; known: ${mutants.map((x) => x.mutant.name).join(', ')}`]);
  // Workers load machines from a file: the built module next to this one.
  const machinesModule = join(__dirname, `${name}.js`);
  const started = performance.now();
  let seedsRun = 0;
  for (const scenario of options.scenarios) {
    let from = 1;
    let chunk = Math.max(2, options.workers * 2);
    const seeds = scenario === 'chaos' ? (options.chaosSeeds ?? options.seeds) : options.seeds;
    while (from <= seeds) {
      const count = Math.min(chunk, seeds - from + 1);
      const report = await checkScenario({
        scenario,
        from,
        count,
        workers: options.workers,
        machinesModule,
        ...(options.maxMessages ? { maxMessages: options.maxMessages } : {}),
      });
      const first = report.results.find((r) => r.verdict !== 'pass');
      if (first) {
        const ms = Math.round(performance.now() - started);
        const shrunk = options.shrinkMs ? shrinkKill(scenario, first.seed, machinesModule, options.shrinkMs) : undefined;
        return {
          ...(shrunk ? { shrunk } : {}),
          name,
          component: m.mutant.component,
          killed: true,
          scenario,
          seed: first.seed,
          property: first.failedBy ?? first.verdict,
          reason: first.reason,
          seedsToKill: seedsRun + (first.seed - from + 1),
          msToKill: ms,
          seedsRun: seedsRun + count,
          wallMs: ms,
        };
      }
      seedsRun += count;
      from += count;
      chunk = Math.min(chunk * 2, 64);
    }
  }
  return { name, component: m.mutant.component, killed: false, seedsRun, wallMs: Math.round(performance.now() - started) };
}

/** The killing run's plan shrunk (a short budget): what it takes to show the bug. */
function shrinkKill(scenario: string, seed: number, machinesModule: string, deadlineMs: number): MutantResult['shrunk'] {
  const s = scenarios[scenario];
  if (!s || !isPlanned(s)) return undefined;
  const result = shrinkPlan({ plan: s.plan(seed, defaultTopology), seed, machinesModule, deadlineMs });
  const labels = (result.plan.faults ?? []).map((f) => describeFault(f));
  return {
    faults: result.after.faults,
    records: result.after.records,
    messages: result.after.messages,
    fromFaults: result.before.faults,
    fromRecords: result.before.records,
    plan: labels,
  };
}

export function table(results: MutantResult[]): string {
  const rows = [
    ['mutant', 'component', 'killed', 'scenario', 'property', 'seed', 'seeds to kill', 'time to kill', 'shrunk plan'],
    ...results.map((r) => [
      r.name,
      r.component,
      r.killed ? 'yes' : 'SURVIVED',
      r.scenario ?? '-',
      r.property ?? '-',
      r.seed === undefined ? '-' : String(r.seed),
      r.seedsToKill === undefined ? `- (${r.seedsRun} run)` : String(r.seedsToKill),
      r.msToKill === undefined ? `- (${(r.wallMs / 1000).toFixed(1)} s)` : `${(r.msToKill / 1000).toFixed(1)} s`,
      r.shrunk ? `${r.shrunk.faults} faults, ${r.shrunk.records} records (from ${r.shrunk.fromFaults}, ${r.shrunk.fromRecords})` : '-',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      'chaos-seeds': { type: 'string' },
      scenarios: { type: 'string' },
      'shrink-time': { type: 'string' },
      only: { type: 'string' },
      workers: { type: 'string' },
      'max-messages': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const seeds = parseIntFlag('--seeds', values.seeds, { min: 1, max: 1_000_000, fallback: 20 });
  const chaosSeeds = parseIntFlag('--chaos-seeds', values['chaos-seeds'], { min: 1, max: 1_000_000, fallback: 2000 });
  const shrinkMs = parseIntFlag('--shrink-time', values['shrink-time'], { min: 0, max: 3600, fallback: 10 }) * 1000;
  const workers = parseIntFlag('--workers', values.workers, { min: 1, max: 1024, fallback: availableParallelism() });
  const maxMessages = values['max-messages'] === undefined ? undefined : parseIntFlag('--max-messages', values['max-messages'], { min: 1, max: Number.MAX_SAFE_INTEGER });
  const names = values.only === undefined ? mutants.map((m) => m.mutant.name) : values.only.split(',').map((s) => s.trim());
  const known = new Set(mutants.map((m) => m.mutant.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new InputError('--only', [`unknown mutant '${unknown.join("', '")}'; known: ${[...known].join(', ')}`]);
  const order = values.scenarios === undefined ? scenarioOrder() : values.scenarios.split(',').map((x) => x.trim());
  const unknownScenario = order.filter((x) => !Object.hasOwn(scenarios, x));
  if (unknownScenario.length) throw new InputError('--scenarios', [`unknown scenario '${unknownScenario.join("', '")}'; known: ${Object.keys(scenarios).join(', ')}`]);
  const out = resolve(values.out ?? join(__dirname, '..', '..', 'mutants', 'results.json'));

  process.stdout.write(
    `Mutants: ${names.length}; scenarios ${order.join(', ')}; seeds 1..${seeds} each${order.includes('chaos') ? `, chaos 1..${chaosSeeds}` : ''}; ${workers} workers\n`,
  );
  const results: MutantResult[] = [];
  for (const name of names) {
    const r = await runMutant(name, { seeds, chaosSeeds, workers, scenarios: order, maxMessages, shrinkMs });
    results.push(r);
    process.stdout.write(
      r.killed
        ? `  ${name}: killed by ${r.scenario} seed ${r.seed} (${r.property}) after ${r.seedsToKill} seeds, ${(r.msToKill! / 1000).toFixed(1)} s\n`
        : `  ${name}: SURVIVED ${r.seedsRun} seeds\n`,
    );
  }
  const kills = results.filter((r) => r.killed).map((r) => r.msToKill!).sort((a, b) => a - b);
  const median = kills.length ? (kills[(kills.length - 1) >> 1] + kills[kills.length >> 1]) / 2 : 0;
  process.stdout.write(
    `\n${table(results)}\n\nKilled ${results.filter((r) => r.killed).length} of ${results.length}; median time to first kill ${(median / 1000).toFixed(1)} s on ${workers} worker${workers === 1 ? '' : 's'}\n`,
  );
  writeFileSync(out, JSON.stringify({ seeds, chaosSeeds, scenarios: order, results, medianMsToKill: median }, null, 2) + '\n');
  process.stdout.write(`Written: ${out}\n`);
  return EXIT.pass;
}

if (require.main === module) {
  tuneGcForSimulation();
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      if (err instanceof InputError || err instanceof z.ZodError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`mutants: ${(err as Error).message}\n`);
        process.exitCode = EXIT.badInput;
        return;
      }
      process.stderr.write(`mutants: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 3;
    },
  );
}
