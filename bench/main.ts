/**
 * `npm run bench`: measures, in one run, how fast the model goes against the
 * ceiling measured in the same run, and how it scales; prints a table and
 * writes bench/results.json. Figures are informational: a missed target
 * prints `missed`, never an exit code. See docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { cores, f2Fresh, f2Warm, pipelineAndPingPong, round, scale, settings, setupPerRun, tpsCheckStartup } from './measure';
import { checks, ceiling, formatReport, OVERHEAD_RATIO_BEFORE, PIPELINE_BEFORE, targets, type Measured } from './report';

const log = (line: string) => process.stderr.write(`  ... ${line}\n`);

export async function main(): Promise<void> {
  const started = performance.now();
  const left = () => settings.budgetMs - (performance.now() - started);
  const loadAtStart = loadavg().map((l) => round(l, 2));

  log(`pipeline (${(settings.pipeline.batches.count * settings.pipeline.batches.size).toLocaleString('en-US')} records) and ping-pong, ${settings.rounds} alternating rounds`);
  const pp = pipelineAndPingPong();
  log('set-up per run');
  const setup = setupPerRun(pp.virtualScheduler);
  log(`F2: ${settings.f2.count} seeds on 1 warm pooled worker`);
  const warm = await f2Warm();
  log(`F2: ${settings.f2.count * settings.f2.workers} seeds on ${settings.f2.workers} warm pooled workers`);
  const warmAll = settings.f2.workers > 1 ? await f2Warm(settings.f2.workers) : undefined;
  log(`F2: ${settings.f2.scalingSeedsPerWorker} seeds on 1 fresh worker`);
  const f2One = await f2Fresh(1);
  log(`F2: ${settings.f2.scalingSeedsPerWorker * settings.f2.workers} seeds on ${settings.f2.workers} fresh workers`);
  const f2All = await f2Fresh(settings.f2.workers);
  log(`tps check ${settings.tpsCheck.scenario} --seeds ${settings.tpsCheck.seeds} in a fresh process`);
  const tpsCheck = await tpsCheckStartup().catch((err: Error) => ({ error: err.message }));
  const scaled = await scale(left, log);

  const m: Measured = { cores, f2Warm: warm, ...(warmAll ? { f2WarmAll: warmAll } : {}), f2One, f2All, tpsCheck, pp, setup, scale: scaled };
  const list = checks(m);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores,
    totalMemoryMB: round(totalmem() / 2 ** 20, 0),
    loadAverageAtStart: loadAtStart,
    settings,
    targets,
    pipelineBefore: PIPELINE_BEFORE,
    overheadRatioBefore: OVERHEAD_RATIO_BEFORE,
    ceiling: ceiling(m),
    measured: m,
    checks: list.map((c) => ({ ...c, value: c.value === null ? null : round(c.value, 3) })),
    benchWallMs: round(performance.now() - started, 0),
  };
  writeFileSync(join(__dirname, '..', '..', 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const header = [`active-active-tps benchmark — ${results.date}`, `node ${results.node}, ${results.cpu}, ${cores} cores, load average at start ${loadAtStart.join(' ')}`];
  console.log(formatReport(header, m, list));
  console.log(`\nTargets are informational. Wrote bench/results.json (${round(results.benchWallMs / 1000, 1)} s).`);
}

// The bench measures what `tps` does, with the GC tuned as `tps` tunes it.
// Importing this module (a test, another script) must not start a bench.
if (require.main === module) {
  tuneGcForSimulation();
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
