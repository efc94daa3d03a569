#!/usr/bin/env node
import { z } from 'zod';
import { InputError, formatIssues } from '../machines/support';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { narrate } from '../system/narrative';
import { planToSave, runScenario } from '../system/run-scenario';
import { scenarios } from '../system/scenarios';
import { commandCheck } from './check';
import { commandCompare } from './compare';
import { budgetFlags, EXIT, latencyFlagsGiven, parseSeed, readMachines, readTopology, scenarioArgument, strategyFlag, type Io } from './common';
import { commandInspect } from './inspect';
import { commandMerge } from './merge';
import { formatShrunk, shrinkAndSave, shrinkSettings } from './shrink';
import { help } from './help';
import { parseFlags, usage } from './flags';
import { checkOutputFiles, writeFileAtomic } from './output-file';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { reproduction } from '../system/report/reproduce';
import { explainRun } from '../system/report/explain';

export { EXIT, type Io } from './common';

/** `--explain` prints the counterexample as text: not with `--json`, whose output is one JSON document. */
const explainSchema = z
  .object({ explain: z.boolean(), json: z.boolean() })
  .refine((o) => !(o.explain && o.json), 'prints text (the counterexample as lanes); it cannot be combined with --json');

function commandRun(args: string[], io: Io): number {
  const { values, positionals } = parseFlags('run', args);
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
  const { values } = parseFlags('list', args);
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
  compare: commandCompare,
  inspect: commandInspect,
  merge: commandMerge,
};

/** Runs the CLI; returns the exit code. Bad input never starts a run. */
export async function main(argv: string[], io: Io): Promise<number> {
  // --debug (anywhere) or TPS_DEBUG=1: an internal error prints its stack.
  const debug = argv.includes('--debug') || process.env.TPS_DEBUG === '1';
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.pass : EXIT.badInput;
  }
  const command = commands[name];
  if (!command) {
    io.err(`tps: unknown command '${name}'; commands: ${Object.keys(commands).join(', ')}\n${usage()}`);
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
