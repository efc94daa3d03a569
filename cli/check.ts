import { MAX_SEED } from '../actors/prng';
import { availableParallelism } from 'node:os';
import { SingleBar } from 'cli-progress';
import { InputError } from '../machines/support';
import { parseShard } from '../system/checker/shard';
import type { StrategyName } from '../system/scenarios';
import { checkScenario, guidedPlanFile, maxWorkers, withPlanFile, workerLimitReason, type CheckFailure, type CheckOptions, type CheckProgress, type CheckReport } from '../system/checker/check';
import { resolve } from 'node:path';
import { help } from './help';
import { parseFlags } from './flags';
import { runScenario } from '../system/run-scenario';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { coverageTable, formatCoverage } from '../system/checker/coverage';
import { checkOutputFile, writeFileAtomic, writeNewFile } from './output-file';
import { formatShrunk, shrinkFirstFailure, shrinkSettings, type ShrunkReport } from './shrink';
import { reproduction } from '../system/report/reproduce';
import { budgetFlags, EXIT, latencyFlagsGiven, parseIntFlag, parseSeed, readMachines, readTopology, scenarioArgument, strategyFlag, takesStrategy, type Io } from './common';

/** Seconds a seed may run in a worker before it is reported as a hang. */
export const DEFAULT_SEED_TIMEOUT_S = 60;

/** How many failing seeds the text summary details. */
const SHOWN_FAILURES = 5;

const seconds = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)}%`;

/** The human-readable summary, after the P checker's. */
export function summarize(report: Omit<CheckReport, 'results'>): string {
  const lat = report.latency;
  const last = report.from + report.count - 1;
  const shard = report.shard ? `, shard ${report.shard.index}/${report.shard.of} of seeds ${report.shard.from}..${report.shard.from + report.shard.count - 1}` : '';
  const lines = [
    `Checked ${report.scenario}${report.scenarioFile ? ` (${report.scenarioFile})` : ''}: seeds ${report.from}..${last}, latency ${lat.model} ${lat.min}-${lat.max} ms` +
      `${lat.model === 'skewed' ? ` (${lat.slow} x${lat.factor})` : ''}${report.strategy ? `, strategy ${report.strategy}` : ''}${report.strict ? '' : ', not strict'}${shard}`,
    `Explored ${report.count} schedules ${report.workers === 0 ? 'in-process' : `on ${report.workers} worker${report.workers === 1 ? '' : 's'}`} ` +
      `in ${seconds(report.wallMs)}: ${report.schedulesPerSecond} schedules/s`,
    `Start-up: first schedule after ${seconds(report.firstScheduleMs)}, full speed after ${seconds(report.fullSpeedMs)}; steady ${report.steadySchedulesPerSecond} schedules/s (second half of the seeds)`,
    `Messages per run: min ${report.messages.min}, avg ${report.messages.avg}, max ${report.messages.max}`,
    `Virtual time per run (ms): min ${report.virtualTimeMs.min}, avg ${report.virtualTimeMs.avg}, max ${report.virtualTimeMs.max}`,
    `Failing seeds: ${report.failed} of ${report.completed} (${percent(report.failed, Math.max(1, report.completed))})`,
  ];
  if (report.crashed > 0) lines.push(`Crashed seeds: ${report.crashed} (the run threw: an internal error, not a verdict on the model)`);
  if (report.firstFailureMs !== undefined) lines.push(`First failure: seed ${report.firstFailureSeed} after ${seconds(report.firstFailureMs)}`);
  if (report.stoppedAtMaxFailures)
    lines.push(`Stopped at --max-failures ${report.maxFailures}: ${report.completed} of ${report.count} seeds completed; the figures cover those`);
  else if (report.interrupted) lines.push(`Interrupted: ${report.completed} of ${report.count} seeds completed; the figures cover those`);
  for (const f of report.failures.slice(0, SHOWN_FAILURES)) {
    lines.push(`  seed ${f.seed}${f.verdict === 'error' ? ' (crashed)' : ''}: ${f.reason}`);
    if (f.strategy) lines.push(`    strategy ${f.strategy}: ${f.drew ?? ''}`);
    for (const fault of f.faults) {
      const when = fault.start === null ? 'never started' : `t=${fault.start}-${fault.end ?? '...'}ms${fault.hitState ? `, hit ${fault.hitState}` : ''}`;
      lines.push(`    fault ${fault.label} [${when}]`);
    }
    if (f.plan) lines.push(`    plan saved: ${f.plan.file}`);
    lines.push(`    replay: ${f.replay}`);
  }
  const rest = report.failures.slice(SHOWN_FAILURES).map((f) => f.seed);
  if (rest.length > 0) {
    const listed = rest.slice(0, 20).join(', ');
    lines.push(`  and ${rest.length} more: ${listed}${rest.length > 20 ? ', ...' : ''}`);
  }
  if (report.lossOnFailover) {
    const l = report.lossOnFailover;
    lines.push(
      `Lost on failover (not replicated before a switch): ${l.runs} of ${report.completed} runs (${percent(l.runs, Math.max(1, report.completed))}), ` +
        `records per losing run min ${l.records.min}, avg ${l.records.avg}, max ${l.records.max}`,
    );
  }
  if (report.routing.some((r) => r.routed > 0))
    lines.push(
      `Routing: ${report.routing
        .map((r) => `r${r.region} ${r.share.toFixed(2)}% (expected ${r.expectedShare.toFixed(2)}%, bound ±${r.bound.toFixed(2)}%)${r.within ? '' : ' OUTSIDE BOUND'}`)
        .join(', ')}`,
    );
  lines.push(`Verdict: ${report.verdict.toUpperCase()}`);
  return lines.join('\n');
}

/** A bar on stderr: seeds done/total, failures so far, rate. Started on the first result, so bad input draws nothing. */
function progressBar(io: Io) {
  const bar = new SingleBar({
    stream: io.progress ?? process.stderr,
    format: 'tps check [{bar}] {value}/{total} seeds | {failed} failing | {rate} schedules/s | ETA {eta_formatted}',
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  });
  let started = false;
  return {
    // Arrow functions: `update` is handed on as a callback (onProgress), detached from this object.
    update: (p: CheckProgress) => {
      const payload = { failed: p.failed, rate: p.schedulesPerSecond.toFixed(1) };
      if (!started) bar.start(p.total, 0, payload);
      started = true;
      bar.update(p.done, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

type CheckValues = ReturnType<typeof parseFlags<'check'>>['values'];

/** `tps check <scenario> --seeds N`: explores N schedules (seeds) of a scenario in parallel. */
export async function commandCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('check', args);
  if (values.help) return help('check', io);
  const { options, shrink } = checkOptionsOf(values, positionals);
  const { report: checked, stoppedBy } = await checkUntilSignal(io, options);
  const outputs = [values['shrink-out'], values.html, values.coverage].filter((f) => f !== undefined);
  const report = { ...checked, failures: checked.failures.map((f) => saveGuidedPlan(f, checked.scenario, outputs)) };
  const shrunk = values['no-shrink'] || stoppedBy ? undefined : shrinkFirstFailure(io, report, values, shrink);
  const html = values.html === undefined || stoppedBy ? undefined : writeFailureHtml(report, values, values.html, shrunk);
  if (values.coverage !== undefined && report.coverage)
    writeFileAtomic(values.coverage, JSON.stringify(coverageTable(report.coverage.counts, readMachines(values.machines)), null, 2) + '\n');
  io.out(values.json ? checkJson(report, shrunk, html) : checkText(report, values, shrunk, html, stoppedBy));
  if (stoppedBy) return stoppedBy === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  return report.crashed > 0 ? EXIT.internal : report.failed > 0 ? EXIT.fail : EXIT.pass;
}

/** Tries this many names for a guided plan before giving up. */
const PLAN_NAMES = 1000;

/**
 * A guided seed's plan is not drawn from its seed: its replay command reads
 * the plan saved here. Saved under the first of its names (chaos-guided-7.json,
 * chaos-guided-7-2.json, ...) that is free or already holds this very plan, so
 * no file is ever replaced; the failure then names that file.
 */
function saveGuidedPlan(f: CheckFailure, scenario: string, outputs: readonly string[]): CheckFailure {
  if (!f.plan) return f;
  const text = JSON.stringify({ ...f.plan.scenario, seed: f.seed }, null, 2) + '\n';
  for (let nth = 1; nth <= PLAN_NAMES; nth++) {
    const file = guidedPlanFile(scenario, f.seed, nth);
    // a name this command writes later (--shrink-out, --html, --coverage) is not free either
    if (outputs.some((o) => resolve(o) === resolve(file))) continue;
    if (writeNewFile(file, text) !== 'taken') return withPlanFile(f, file);
  }
  throw new Error(`no free name for seed ${f.seed}'s plan: ${guidedPlanFile(scenario, f.seed)} to ${guidedPlanFile(scenario, f.seed, PLAN_NAMES)} are all taken`);
}

/** The flags checked, in the order the errors are reported, and turned into the checker's options. */
function checkOptionsOf(values: CheckValues, positionals: string[]): { options: CheckOptions; shrink: ReturnType<typeof shrinkSettings> } {
  const scenario = scenarioArgument('check', positionals, values['scenario-file']);
  const count = parseIntFlag('--seeds', values.seeds, { min: 1, max: 10_000_000 });
  const from = parseSeed(values.from, '--from');
  if (from + count - 1 > MAX_SEED) throw new InputError('--seeds', [`the last seed, --from + --seeds - 1, must be below 2^32`]);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard && shard.of > count) throw new InputError('--shard', [`${shard.of} shards of ${count} seeds: at most one shard per seed`]);
  const cap = maxWorkers();
  const workersGiven = values.workers === undefined ? undefined : parseIntFlag('--workers', values.workers, { min: 1, max: 1024 });
  if (workersGiven !== undefined && workersGiven > cap) throw new InputError('--workers', [`'${values.workers}' is too many: at most ${cap} here (${workerLimitReason()})`]);
  const workers = workersGiven ?? Math.min(availableParallelism(), cap);
  const seedTimeoutS = parseIntFlag('--seed-timeout', values['seed-timeout'], { min: 1, max: 86_400, fallback: DEFAULT_SEED_TIMEOUT_S });
  const maxFailures = values['max-failures'] === undefined ? undefined : parseIntFlag('--max-failures', values['max-failures'], { min: 1, max: 10_000_000 });
  // chaos: the portfolio unless a strategy is named (tps run keeps random: a replay names its strategy).
  const strategy = strategyFlag(values.strategy, scenario) ?? (takesStrategy(scenario) ? 'portfolio' : undefined);
  const latency = latencyFlagsGiven(values);
  // Read here, not only in the API, so that errors name the flags.
  readTopology(values.topology);
  readMachines(values.machines);
  const inputs = { '--topology': values.topology, '--machines': values.machines, '--scenario-file': values['scenario-file'] };
  const shrink = shrinkSettings(values, { ...inputs, '--coverage': values.coverage });
  if (values.coverage !== undefined) checkOutputFile('--coverage', values.coverage, { ...inputs, '--shrink-out': values['shrink-out'], '--html': values.html });
  if (values.html !== undefined) checkOutputFile('--html', values.html, { ...inputs, '--shrink-out': values['shrink-out'], '--coverage': values.coverage });
  const options: CheckOptions = {
    ...scenario,
    from,
    count,
    workers,
    latency,
    ...(strategy !== undefined ? { strategy } : {}),
    topologyFile: values.topology,
    strict: !values['no-strict'],
    machinesModule: values.machines,
    ...budgetFlags(values),
    coverage: true,
    seedTimeoutMs: seedTimeoutS * 1000,
    ...(maxFailures !== undefined ? { maxFailures } : {}),
    shard,
  };
  return { options, shrink };
}

/**
 * Runs the check with a progress bar on a terminal. Ctrl-C or SIGTERM: stop the workers,
 * restore the terminal, report what completed; a second signal leaves at once.
 */
async function checkUntilSignal(io: Io, options: CheckOptions): Promise<{ report: CheckReport; stoppedBy: NodeJS.Signals | undefined }> {
  const bar = io.isTty ? progressBar(io) : undefined;
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) {
      // A second signal: leave now, but give the cursor back.
      (io.progress ?? process.stderr).write('\x1b[?25h');
      process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    stoppedBy = signal;
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await checkScenario({ ...options, onProgress: bar?.update, signal: abort.signal });
    return { report, stoppedBy };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar?.stop();
  }
}

type FailureHtml = ReturnType<typeof writeFailureHtml>;

/** `--json`: the report without its per-seed results. */
function checkJson(report: CheckReport, shrunk: ShrunkReport | undefined, html: FailureHtml): string {
  const { results: _perSeed, ...summary } = report;
  return JSON.stringify({ ...summary, ...(shrunk ? { shrunk } : {}), ...(html ? { html } : {}) });
}

/** The text summary, with coverage, the shrunk plan and the HTML report above its verdict line. */
function checkText(report: CheckReport, values: CheckValues, shrunk: ShrunkReport | undefined, html: FailureHtml, stoppedBy: NodeJS.Signals | undefined): string {
  const lines = summarize(report).split('\n');
  const extra = [
    ...(report.coverage ? formatCoverage(report.coverage) : []),
    ...(shrunk ? formatShrunk(shrunk) : []),
    ...(html
      ? [`HTML report of ${html.shrunk ? `seed ${html.seed}'s shrunk plan (${html.shrunk})` : `seed ${html.seed}'s replay`}: ${html.file}`]
      : values.html !== undefined && !stoppedBy
        ? ['No failing seed: no HTML report written']
        : []),
  ];
  lines.splice(lines.length - 1, 0, ...extra);
  return lines.join('\n');
}

/**
 * `--html FILE`: the first failing seed's counterexample drawn as the HTML run
 * report: its shrunk plan when it was shrunk (the report names the original
 * seed and how to replay it), else the seed replayed under its own strategy.
 */
function writeFailureHtml(
  report: CheckReport,
  values: Record<string, unknown>,
  file: string,
  shrunk: ShrunkReport | undefined,
): { seed: number; file: string; shrunk?: string } | undefined {
  const first = report.results.find((r) => r.verdict === 'fail');
  if (first === undefined) return undefined;
  const seed = first.seed;
  const failure = report.failures.find((f) => f.seed === seed);
  const drawShrunk = shrunk !== undefined && shrunk.seed === seed && shrunk.replayed;
  const scenarioFile = drawShrunk ? shrunk.file : (failure?.plan?.file ?? report.scenarioFile);
  const scenario = scenarioFile !== undefined ? { scenarioFile } : { scenario: report.scenario };
  const options = {
    strict: report.strict,
    machinesModule: values.machines as string | undefined,
    topologyFile: drawShrunk ? undefined : (values.topology as string | undefined),
    ...budgetFlags(values),
  };
  const replayed = {
    // a strategy may draw the latency: pass it only when it was given
    latency: report.strategy === undefined ? report.latency : latencyFlagsGiven(values),
    ...(first.strategy ? { strategy: first.strategy as StrategyName } : {}),
    topology: readTopology(values.topology as string | undefined),
  };
  const { report: run, result, plan } = runScenario({
    ...scenario,
    seed,
    // a shrunk plan carries its latency, topology and schedule
    ...(drawShrunk ? {} : replayed),
    strict: report.strict,
    keepTrace: true,
    ...budgetFlags(values),
    machines: readMachines(values.machines as string | undefined),
  });
  const reproduce = reproduction(run, {
    ...options,
    scenarioFile,
    plan,
    ...(drawShrunk
      ? { shrunkFrom: { scenario: report.scenario, seed, replay: failure?.replay ?? '', signature: shrunk.signature, before: shrunk.before, after: shrunk.after } }
      : {}),
  });
  writeFileAtomic(file, renderHtmlReport(buildHtmlReportInput(run, result, reproduce)));
  return { seed, file, ...(drawShrunk ? { shrunk: shrunk.file } : {}) };
}
