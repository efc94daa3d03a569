import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { failureSignature, shrinkPlan, type ShrinkProgress, type ShrinkResult, type ShrinkSize } from '../system/checker/shrink';
import { describeFault } from '../system/faults/fault-plan';
import type { MachineOverrides } from '../system/machines-module';
import type { CheckReport } from '../system/checker/check';
import { readScenarioFile, runScenario } from '../system/run-scenario';
import { isPlanned, scenarios, type ScenarioFile, type StrategyName } from '../system/scenarios';
import { defaultTopologyFor, parseTopology } from '../machines/topology';
import { parseIntFlag, readMachines, readTopology, type Io } from './common';
import { checkOutputFile, writeFileAtomic } from './output-file';

/** Shrinking a failing seed from the command line (`tps check`, `tps run --shrink`). */

/** What `--json` carries under `shrunk`. */
export interface ShrunkReport {
  file: string;
  replay: string;
  seed: number;
  signature: string;
  before: ShrinkSize;
  after: ShrinkSize;
  runs: number;
  ms: number;
  /** false: the time or run budget ran out first (the plan is smaller, maybe not minimal) */
  complete: boolean;
  /** the saved file, replayed, failed with the same signature */
  replayed: boolean;
  /** the minimal plan's faults and records, in words */
  faults: string[];
  records: string;
}

export interface ShrinkSettings {
  out?: string;
  timeMs: number;
}

/** Reads the shrink flags; checked before anything runs. `inputs`: files the command reads (never overwritten). */
export function shrinkSettings(values: Record<string, unknown>, inputs: Record<string, string | undefined>): ShrinkSettings {
  const out = values['shrink-out'] as string | undefined;
  if (out !== undefined) checkOutputFile('--shrink-out', out, inputs);
  const seconds = parseIntFlag('--shrink-time', values['shrink-time'] as string | undefined, { min: 1, max: 86_400, fallback: 30 });
  return { out, timeMs: seconds * 1000 };
}

/** `<scenario>-seed-<S>-min.json` in the cwd, or with -2, -3, ... : never a file that exists. */
export function freeShrinkFile(scenario: string, seed: number, dir = process.cwd()): string {
  const base = `${scenario}-seed-${seed}-min`.replace(/[^A-Za-z0-9._-]/g, '-');
  for (let k = 1; ; k++) {
    const file = resolve(dir, `${base}${k === 1 ? '' : `-${k}`}.json`);
    if (!existsSync(file)) return relative(process.cwd(), file) || file;
  }
}

const shellQuote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

const recordsInWords = (p: ScenarioFile) =>
  `${p.records.batches} batch${p.records.batches === 1 ? '' : 'es'} of ${p.records.size} record${p.records.size === 1 ? '' : 's'}`;

/** A progress line on a terminal (stderr); nothing otherwise. */
function progressLine(io: Io) {
  if (!io.isTty) return { update: undefined, stop: () => {} };
  const stream = io.progress ?? process.stderr;
  let shown = false;
  let last = 0;
  return {
    update: (p: ShrinkProgress) => {
      if (p.elapsedMs - last < 100) return;
      last = p.elapsedMs;
      shown = true;
      stream.write(
        `\rtps shrink: ${p.runs} runs, ${(p.elapsedMs / 1000).toFixed(1)} s | ${p.pass} | now ${p.size.faults} faults, ${p.size.records} records, ${p.size.messages} messages   `,
      );
    },
    stop: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

/**
 * Shrinks a failing seed's plan, saves the minimal plan, replays the saved
 * file and checks it fails the same way.
 */
export function shrinkAndSave(
  io: Io,
  args: {
    plan: ScenarioFile;
    seed: number;
    scenario: string;
    latency: unknown;
    topology?: unknown;
    machines?: MachineOverrides;
    machinesModule?: string;
    strict: boolean;
    settings: ShrinkSettings;
  },
): ShrunkReport {
  const bar = progressLine(io);
  let result;
  try {
    result = shrinkPlan({
      plan: args.plan,
      seed: args.seed,
      latency: args.latency as never,
      topology: args.topology,
      machines: args.machines,
      strict: args.strict,
      deadlineMs: args.settings.timeMs,
      onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }
  const file = args.settings.out ?? freeShrinkFile(args.scenario, args.seed);
  writeFileAtomic(file, JSON.stringify(result.plan, null, 2) + '\n');
  if (result.crash) throw shrinkCrashError(result.crash, file, args.seed);
  const replayArgs = ['run', '--scenario-file', file, '--seed', String(args.seed)];
  if (!args.strict) replayArgs.push('--no-strict');
  if (args.machinesModule) replayArgs.push('--machines', args.machinesModule);
  const { report } = runScenario({ scenarioFile: file, seed: args.seed, strict: args.strict, machines: args.machines });
  return {
    file,
    replay: ['tps', ...replayArgs.map(shellQuote)].join(' ') + (args.machines && !args.machinesModule ? ' --machines <a module exporting these machines>' : ''),
    seed: args.seed,
    signature: result.signature,
    before: result.before,
    after: result.after,
    runs: result.runs,
    ms: result.ms,
    complete: result.complete,
    replayed: failureSignature(report) === result.signature,
    faults: (result.plan.faults ?? []).map(describeFault),
    records: recordsInWords(result.plan),
  };
}

/**
 * A candidate run threw while shrinking: an internal error (exit 3), not a
 * verdict. The crashing candidate is saved next to the smallest failing plan
 * so far (same directory), so both can be run again.
 */
export class ShrinkCrashError extends Error {
  constructor(
    message: string,
    readonly crashFile: string,
    readonly planFile: string,
  ) {
    super(message);
    this.name = 'ShrinkCrashError';
  }
}

function shrinkCrashError(crash: NonNullable<ShrinkResult['crash']>, planFile: string, seed: number): ShrinkCrashError {
  const base = planFile.replace(/\.json$/, '');
  let crashFile = `${base}-crash.json`;
  for (let k = 2; existsSync(crashFile); k++) crashFile = `${base}-crash-${k}.json`;
  writeFileAtomic(crashFile, JSON.stringify({ ...crash.plan, seed }, null, 2) + '\n');
  return new ShrinkCrashError(
    `shrinking stopped: a candidate plan crashed the run (${crash.error.replace(/\s+/g, ' ').trim()}); the candidate is saved to ${crashFile}, the smallest failing plan so far to ${planFile}`,
    crashFile,
    planFile,
  );
}

/** The text lines for a shrunk seed. */
export function formatShrunk(s: ShrunkReport): string[] {
  const size = (z: ShrinkSize) => `${z.faults} fault${z.faults === 1 ? '' : 's'}, ${z.records} record${z.records === 1 ? '' : 's'}, ${z.messages} messages`;
  return [
    `Shrunk seed ${s.seed} (fails with: ${s.signature}) in ${s.runs} runs, ${(s.ms / 1000).toFixed(1)} s${s.complete ? '' : ' (budget ran out: smaller, maybe not minimal)'}:`,
    `  before: ${size(s.before)}`,
    `  after:  ${size(s.after)}`,
    `  records: ${s.records}`,
    ...(s.faults.length ? s.faults.map((f) => `  fault ${f}`) : ['  faults: none']),
    `  saved: ${s.file}`,
    `  replay: ${s.replay}${s.replayed ? '' : '   (WARNING: the replay did not fail the same way)'}`,
  ];
}

/** `tps check`: shrinks the first failing seed (not one that threw), if its scenario is data. */
export function shrinkFirstFailure(io: Io, report: CheckReport, values: Record<string, unknown>, settings: ShrinkSettings): ShrunkReport | undefined {
  const first = report.results.find((r) => r.verdict === 'fail');
  if (first === undefined) return undefined;
  const seed = first.seed;
  const topology = readTopology(values.topology as string | undefined);
  let plan: ScenarioFile | undefined;
  const carried = report.failures.find((f) => f.seed === seed)?.plan;
  if (carried) plan = carried.scenario; // a guided seed's plan
  else if (report.scenarioFile !== undefined) plan = readScenarioFile(report.scenarioFile);
  else {
    const scenario = scenarios[report.scenario];
    // The seed's own strategy (a portfolio's pick) draws the plan again; a drawn latency is in the plan.
    const draw = first.strategy ? { strategy: first.strategy as StrategyName, latencyGiven: values.latency !== undefined } : undefined;
    if (scenario && isPlanned(scenario))
      plan = scenario.plan(seed, parseTopology(topology ?? defaultTopologyFor(scenario.design ?? 'active-active')), report.latency, draw);
  }
  if (!plan) return undefined; // code, not data
  const machinesModule = values.machines as string | undefined;
  return shrinkAndSave(io, {
    plan,
    seed,
    scenario: report.scenario,
    latency: plan.latency ?? report.latency,
    topology,
    machines: readMachines(machinesModule),
    machinesModule,
    strict: report.strict,
    settings,
  });
}
