#!/usr/bin/env node
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { InputError, formatIssues } from '../machines/support';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { narrate } from '../system/narrative';
import { planToSave, runScenario } from '../system/run-scenario';
import { scenarios } from '../system/scenarios';
import { commandCheck } from './check';
import { budgetFlags, EXIT, latencyFlagsGiven, parseSeed, readMachines, readTopology, runFlags, scenarioArgument, strategyFlag, type Io } from './common';
import { commandInspect } from './inspect';
import { commandMerge } from './merge';
import { formatShrunk, shrinkAndSave, shrinkFlags, shrinkSettings } from './shrink';
import { help } from './help';
import { checkOutputFiles, writeFileAtomic } from './output-file';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { reproduction } from '../system/report/reproduce';
import { explainRun } from '../system/report/explain';

export { EXIT, type Io } from './common';

const USAGE = `Usage:
  tps list                                   list the scenarios
  tps run <scenario> [options]               run one scenario and print its narrative
  tps run --scenario-file FILE [options]     run a scenario file (JSON, docs/scenarios.md)
      --seed N              run seed (default: the file's seed, else 1)
      --strategy NAME       chaos: the exploration strategy that draws the plan (docs/checking.md)
      --save-plan FILE      write the scenario as run (a generated one's drawn fault plan) as a
                            scenario file that replays it: tps run --scenario-file FILE
      --json                print one JSON report instead of the narrative
      --trace FILE          write the full event trace, one JSON object a line
      --html FILE           write a self-contained HTML picture of the run (lanes, faults, verdict)
      --explain             print the counterexample as a sequence: lanes for the actors involved,
                            messages in virtual time, faults, the violating message linked to the
                            earlier one it contradicts (or where a lost record stopped)
      --force               let --trace, --html, --save-plan replace an existing file
      --latency MODEL       uniform (default) | skewed | heavy-tail
      --slow WHAT           skewed: slow region ("r2") or component ("container:core:r1")
      --factor X            skewed: how many times slower (default 10)
      --topology FILE       JSON topology ({ design?, regions: [{region, weight}], stages: [...] })
      --no-strict           do not fail the run on unhandled events
      --machines MODULE     CommonJS module exporting \`machines\`: replacement machines per
                            component kind (queue, container, table, dns, source, destination);
                            it is code and runs with your privileges
      --max-messages N      budget against a livelock: messages between actors (default 50x
                            a fault-free run's); over it, the run fails with no-progress
      --max-virtual-ms N    ... and virtual ms (default: that many messages at the slowest latency)
      --shrink              if the run fails, shrink its plan (fewest faults and records that
                            still fail the same way), save it and print the replay command
      --shrink-out FILE     where to save it (default <scenario>-seed-<S>-min.json, never overwriting)
      --shrink-time S       give shrinking at most S seconds (default 30)
  tps check <scenario> --seeds N [options]   explore N schedules: run seeds S..S+N-1 in parallel
  tps check --scenario-file FILE --seeds N   the same for a scenario file
      --seeds N             how many seeds (required)
      --from S              first seed (default 1)
      --workers K           worker threads (default: one per core; at most 2 per core)
      --seed-timeout S      stop a seed after S seconds and report it as a hang (default 60)
      --max-failures N      stop once N seeds have failed; the summary gives the time to the first
      --strategy NAME       chaos: random (default) | portfolio (one strategy per seed, rotating) |
                            swarm | pct | fair-pct (docs/checking.md)
      --json                print one JSON summary
      --no-shrink           do not shrink the first failing seed (default: shrink it, as run --shrink)
      --shrink-out FILE, --shrink-time S   as for run --shrink
      --coverage FILE       write the full coverage table (every state and transition, its count)
      --html FILE           write the HTML run report of the first failing seed (its shrunk plan if shrunk)
      --shard K/N           run only the K-th of N contiguous slices of the seeds (auto/N: K from
                            JOB_COMPLETION_INDEX + 1, as a Kubernetes Indexed Job sets it)
      --latency, --slow, --factor, --topology, --no-strict, --machines, --scenario-file,
      --max-messages, --max-virtual-ms      as for run
  tps merge a.json b.json ... [--json] [--coverage FILE]
                                             join the --json reports of sharded checks into one
  tps inspect <scenario> [--seed N] [--host 127.0.0.1] [--port 8080] [--speed X] [--delay MS] [--open] [--exit]
                                             play a scenario in real time (--speed X virtual ms per ms)
                                             to a local page (diagrams, states, events) and the Stately inspector
  tps VERB --help                            every flag of a verb, its default and an example
Exit codes: 0 pass, 1 the model failed (violation, stuck, failed step, hang), 2 bad input,
  3 internal error (the stack with --debug or TPS_DEBUG=1); check: 130/143 on Ctrl-C/SIGTERM.`;

/** `--explain` prints the counterexample as text: not with `--json`, whose output is one JSON document. */
const explainSchema = z
  .object({ explain: z.boolean(), json: z.boolean() })
  .refine((o) => !(o.explain && o.json), 'prints text (the counterexample as lanes); it cannot be combined with --json');

function commandRun(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      trace: { type: 'string' },
      'save-plan': { type: 'string' },
      strategy: { type: 'string' },
      html: { type: 'string' },
      explain: { type: 'boolean', default: false },
      shrink: { type: 'boolean', default: false },
      ...shrinkFlags,
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...runFlags,
    },
  });
  if (values.help) return help('run', io);
  const scenario = scenarioArgument('run', positionals, values['scenario-file']);
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed);
  const explainFlags = explainSchema.safeParse({ explain: values.explain, json: values.json });
  if (!explainFlags.success) throw new InputError('--explain', explainFlags.error.issues.map((i) => i.message));
  const strategy = strategyFlag(values.strategy, scenario);
  const inputs = { '--topology': values.topology, '--machines': values.machines, '--scenario-file': values['scenario-file'] };
  checkOutputFiles({ '--trace': values.trace, '--save-plan': values['save-plan'], '--html': values.html }, inputs, values.force);
  const shrink = values.shrink ? shrinkSettings(values, { ...inputs, '--trace': values.trace, '--save-plan': values['save-plan'], '--html': values.html }) : undefined;
  const { report, result, plan } = runScenario({
    ...scenario,
    seed,
    latency: latencyFlagsGiven(values),
    ...(strategy !== undefined ? { strategy } : {}),
    topology: readTopology(values.topology),
    strict: !values['no-strict'],
    keepTrace: values.trace !== undefined || values.html !== undefined || values.explain,
    machines: readMachines(values.machines),
    ...budgetFlags(values),
  });
  if (values.trace !== undefined) writeFileAtomic(values.trace, result.trace!.join('\n') + '\n');
  if (values['save-plan'] !== undefined) {
    if (!plan) throw new InputError('--save-plan', [`scenario '${report.scenario}' is code, not a plan`]);
    writeFileAtomic(values['save-plan'], JSON.stringify(planToSave(plan, report), null, 2) + '\n');
  }
  if (values.html !== undefined) {
    const reproduce = reproduction(report, {
      scenarioFile: values['scenario-file'],
      plan,
      machinesModule: values.machines,
      topologyFile: values.topology,
      strict: !values['no-strict'],
      ...budgetFlags(values),
    });
    writeFileAtomic(values.html, renderHtmlReport(buildHtmlReportInput(report, result, reproduce)));
  }
  const shrunk =
    shrink && report.verdict === 'fail' && plan
      ? shrinkAndSave(io, {
          plan,
          seed: report.seed,
          scenario: report.scenario,
          latency: report.latency,
          topology: readTopology(values.topology),
          machines: readMachines(values.machines),
          machinesModule: values.machines,
          strict: !values['no-strict'],
          settings: shrink,
        })
      : undefined;
  if (values.json) io.out(JSON.stringify(shrunk ? { ...report, shrunk } : report));
  else io.out([narrate(report, result), ...(values.explain ? ['', ...explainRun(report, result)] : []), ...(shrunk ? formatShrunk(shrunk) : [])].join('\n'));
  return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
}

function commandList(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return help('list', io);
  // Grouped by the design each scenario is written for.
  const designs = ['active-active', 'active-passive'] as const;
  designs.forEach((design, i) => {
    const of = Object.values(scenarios).filter((s) => (s.design ?? 'active-active') === design);
    if (of.length === 0) return;
    if (i > 0) io.out('');
    io.out(`${design} (--topology with "design": "${design}"${design === 'active-active' ? ', or none' : ''}):`);
    for (const s of of) io.out(`  ${s.name.padEnd(40)} ${s.description}`);
  });
  return EXIT.pass;
}

export const commands: Record<string, (args: string[], io: Io) => number | Promise<number>> = {
  list: commandList,
  run: commandRun,
  check: commandCheck,
  inspect: commandInspect,
  merge: commandMerge,
};

/** Runs the CLI; returns the exit code. Bad input never starts a run. */
export async function main(argv: string[], io: Io): Promise<number> {
  // --debug (anywhere) or TPS_DEBUG=1: an internal error prints its stack.
  const debug = argv.includes('--debug') || process.env.TPS_DEBUG === '1';
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? EXIT.pass : EXIT.badInput;
  }
  const command = commands[name];
  if (!command) {
    io.err(`tps: unknown command '${name}'; commands: ${Object.keys(commands).join(', ')}\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof InputError || err instanceof z.ZodError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const message = err instanceof z.ZodError ? formatIssues(err).join('; ') : (err as Error).message;
      io.err(`tps ${name}: ${message}`);
      return EXIT.badInput;
    }
    io.err(internalErrorMessage(`tps ${name}`, err, debug));
    return EXIT.internal;
  }
}

/** An internal error in one line (what failed, not where), the stack only when debugging. */
export function internalErrorMessage(prefix: string, err: unknown, debug: boolean): string {
  const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const firstLine = message.split('\n')[0];
  if (debug) return `${prefix}: internal error: ${err instanceof Error ? err.stack : message}`;
  return `${prefix}: internal error: ${firstLine} (run with --debug or TPS_DEBUG=1 for the stack; please report it)`;
}

if (require.main === module) {
  tuneGcForSimulation();
  // A closed pipe (tps list | head -1) is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  const io: Io = {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    isTty: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      // Exit explicitly (an inspector viewer may still hold a socket open),
      // but only once stdout and stderr are flushed: a pipe takes 64 KiB at a
      // time, and exiting earlier cuts a long --json report short.
      process.exitCode = code;
      let open = 2;
      const done = () => --open === 0 && process.exit(code);
      process.stdout.write('', done);
      process.stderr.write('', done);
    },
    (err) => {
      const debug = process.argv.includes('--debug') || process.env.TPS_DEBUG === '1';
      process.stderr.write(internalErrorMessage('tps', err, debug) + '\n');
      process.exitCode = EXIT.internal;
    },
  );
}
