import { parseArgs } from 'node:util';
import { MAX_FACTOR } from '../actors/latency';
import { TOPOLOGY_LIMITS as L } from '../machines/topology';
import { portfolio } from '../system/scenarios/strategies';

/**
 * The one source of the CLI's flags: per command, each flag's type, default and
 * help text. The parser (`parseFlags`), `tps VERB --help` and the usage `tps
 * help` prints are all made from it, so a flag cannot be parsed without being
 * documented, or documented with another default than it has.
 * The values are checked where they are used (cli/common.ts), because some
 * checks need other flags (`--slow` needs `--latency skewed`, `--from` + `--seeds`).
 */

export interface FlagDef {
  type: 'string' | 'boolean';
  /** what the value is called in help: N, FILE, ... (string flags only) */
  arg?: string;
  short?: string;
  /** the parser's default (text, as typed); absent: undefined, or false for a boolean */
  default?: string;
  /** help lines; the first one is also the summary in `tps help` */
  help: string[];
}

const flag = (arg: string, help: string[]) => ({ type: 'string' as const, arg, help });
const withDefault = (arg: string, value: string, help: string[]) => ({ type: 'string' as const, arg, default: value, help });
const bool = (help: string[]) => ({ type: 'boolean' as const, help });

/** --help and --debug: every command takes them. */
const commonFlags = {
  debug: bool(['on an internal error, print the stack (also TPS_DEBUG=1)']),
  help: { ...bool(['this help']), short: 'h' as const },
} satisfies Record<string, FlagDef>;

/** The flags every command that runs a scenario takes. */
export const runFlagDefs = {
  latency: flag('MODEL', ["uniform | skewed | heavy-tail (default: the scenario file's, else uniform)"]),
  slow: flag('WHAT', [
    'skewed only: a region ("r2") or a component or its prefix',
    '("container:core:r1", "container:core"); must match something (default r2)',
  ]),
  factor: flag('X', [`skewed only: how many times slower, above 0 and at most ${MAX_FACTOR} (default 10)`]),
  topology: flag('FILE', [
    'JSON topology { design?, regions: [{region, weight}], stages: [...] } (default: the',
    "scenario's design, two regions 50/50, five stages); design is active-active (default)",
    `or active-passive (exactly two regions, the first active). Limits: 2-${L.maxRegions} regions numbered 1-${L.maxRegionNumber},`,
    `whole weights 0-${L.maxWeight}, 1-${L.maxStages} stages of at most ${L.maxStageName} characters,`,
    `a file of at most ${L.maxFileBytes} bytes`,
  ]),
  'no-strict': bool(['do not fail the run on unhandled events (default: strict)']),
  machines: flag('MODULE', [
    'a CommonJS module exporting `machines` (or a default export): replacement',
    'machines per component kind (queue, container, table, dns, source, destination).',
    'It is code: tps require()s it (in every check worker) and it runs with your',
    'privileges. Only give modules you would run yourself. (default: none)',
  ]),
  'max-messages': flag('N', [
    "a run's budget against a livelock: messages between actors (default 50x a",
    "fault-free run's); over it the run fails with no-progress",
  ]),
  'max-virtual-ms': flag('N', ['... and virtual ms (default: that many messages at the slowest latency)']),
  'scenario-file': flag('FILE', ['a scenario file (JSON, docs/scenarios.md) instead of a scenario name']),
} satisfies Record<string, FlagDef>;

const shrinkFlagDefs = {
  'shrink-out': flag('FILE', ['where to save the shrunk plan (default <scenario>-seed-<S>-min.json, never overwriting)']),
  'shrink-time': flag('S', ['give shrinking at most S seconds (default 30)']),
} satisfies Record<string, FlagDef>;

const EXIT_CODES = `Exit codes: 0 pass, 1 the model failed (violation, stuck record, failed step, hang),
  2 bad input (nothing ran), 3 internal error (one line; the stack with --debug or TPS_DEBUG=1)`;

export interface CommandDef {
  /** usage lines after `tps ` */
  usage: string[];
  /** one line for `tps help` */
  summary: string;
  /** what the command does (help text before the options) */
  about: string;
  flags: Record<string, FlagDef>;
  /** help text after the options */
  notes?: string;
  examples: string[];
  exitCodes: string;
  /** whether it takes positional arguments */
  positionals: boolean;
}

export const COMMANDS = {
  list: {
    usage: ['list'],
    summary: 'list the scenarios',
    about: 'Lists the built-in scenarios, one a line: name and description. Takes no arguments.',
    flags: { ...commonFlags },
    examples: ['tps list'],
    exitCodes: EXIT_CODES,
    positionals: false,
  },
  run: {
    usage: ['run <scenario> [options]', 'run --scenario-file FILE [options]'],
    summary: 'run one scenario (a name, or a scenario file) and print its narrative',
    about: 'Runs one scenario on the virtual clock and prints its narrative.',
    flags: {
      seed: flag('N', ["run seed, a whole number 0..2^32-1 in decimal (default: the file's seed, else 1)"]),
      strategy: flag('NAME', [
        "chaos only: the exploration strategy that draws the seed's plan (default",
        "random; tps check prints it in each failing seed's replay command)",
      ]),
      json: bool(['print one JSON report instead of the narrative (default: off)']),
      trace: flag('FILE', ['write the full event trace, one JSON object a line (default: none)']),
      html: flag('FILE', ['write a self-contained HTML picture of the run (default: none)']),
      explain: bool([
        'print the counterexample as a sequence after the narrative: lanes for the',
        'actors involved, messages in virtual time, faults, the violating message',
        'linked to the earlier one it contradicts (default: off; not with --json)',
      ]),
      'save-plan': flag('FILE', ['write the scenario as run as a scenario file that replays it (default: none)']),
      force: bool(['let --trace, --html and --save-plan replace an existing file (default: refuse)']),
      shrink: bool([
        'if the run fails, shrink its plan to the fewest faults and records that still',
        'fail the same way, save it and print the replay command (default: off)',
      ]),
      ...shrinkFlagDefs,
      ...runFlagDefs,
      ...commonFlags,
    },
    notes: `Output files are checked before the run, written to a temporary file and renamed; a file given as
an input (--topology, --machines, --scenario-file) is never written.`,
    examples: [
      'tps run f2-fail-database',
      'tps run chaos --seed 42 --json --trace chaos-42.jsonl',
      'tps run happy-path --latency skewed --slow r2 --factor 20 --topology three-regions.json',
    ],
    exitCodes: EXIT_CODES,
    positionals: true,
  },
  check: {
    usage: ['check <scenario> --seeds N [options]', 'check --scenario-file FILE --seeds N [options]'],
    summary: 'explore N schedules: run seeds S..S+N-1 in parallel and summarize',
    about: 'Explores N schedules: runs seeds S..S+N-1 in parallel worker threads and summarizes.',
    flags: {
      seeds: flag('N', ['how many seeds, 1..10000000 (required)']),
      from: flag('S', ['first seed (default 1); the last seed, S+N-1, must be below 2^32']),
      workers: flag('K', [
        'worker threads (default: one per core); at most 2 per core and what free',
        'memory holds at about 64 MB a worker',
      ]),
      'seed-timeout': flag('S', [
        'seconds a seed may run before its worker is stopped and the seed is reported',
        'as a hang with its replay command; the other seeds go on (default 60)',
      ]),
      strategy: flag('NAME', [
        "chaos only: how each seed's plan is drawn (default portfolio): random (one",
        'fixed mix), swarm (per seed a latency model, fault kinds, count, clustering),',
        'targeted (faults when an actor is in a state of its chart, chains of them,',
        "a crash's messages in flight late), pct (random's faults, messages in a",
        'PCT-style priority order), fair-pct (pct for a prefix, then the usual order),',
        'guided (generations of 32 seeds mutating the plans that reached a new',
        "combination; a failing seed's plan is saved as chaos-guided-SEED.json for",
        `its replay), portfolio (per seed, rotating: ${portfolio.slice(0, 3).join(', ')},`,
        `${portfolio.slice(3).join(', ')}); a failing seed's replay names its own`,
      ]),
      'max-failures': flag('N', [
        'stop every worker once N seeds have failed (default: run every seed); the',
        'summary gives the time from the start to the first failure either way',
      ]),
      json: bool([
        'print one JSON summary instead of text (default: off); it carries what',
        'tps merge needs (seeds covered, sums, failures, routing, coverage counts)',
      ]),
      shard: flag('K/N', [
        'run only the K-th (1..N) of N contiguous slices of seeds S..S+N-1; the slices',
        'together are exactly the unsharded run (default: all seeds). auto/N takes K',
        'from JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job sets it, from 0)',
      ]),
      'no-shrink': bool(['do not shrink the first failing seed (default: shrink it, as run --shrink)']),
      ...shrinkFlagDefs,
      coverage: flag('FILE', ['write the full coverage table: every state and transition, its count (default: none)']),
      html: flag('FILE', [
        'write the HTML run report of the first failing seed: its shrunk plan when it',
        'was shrunk (the report names the original seed), else its replay (default: none)',
      ]),
      ...runFlagDefs,
      ...commonFlags,
    },
    notes: `Ctrl-C or SIGTERM stops the workers and prints the summary of the seeds completed (exit 130 / 143).
A seed that crashed (the run threw) is listed as "Crashed seeds": an internal error, exit 3.`,
    examples: [
      'tps check chaos --seeds 1000',
      'tps check chaos --seeds 100000 --machines my-machines.js --max-failures 1',
      'tps check f5-fail-random --seeds 200 --from 1000 --workers 2 --json',
      'tps check chaos --seeds 1000000 --shard 3/8 --json > shard-3.json',
    ],
    exitCodes: EXIT_CODES,
    positionals: true,
  },
  compare: {
    usage: ['compare [options]'],
    summary: 'run the same fault plans on both designs and print their figures side by side',
    about: `Runs the same fault plan per seed (seeds S..S+N-1) on the active-active and the active-passive
design: the same components (queues, containers, each stage's table or database, its replication, a
DNS losing a region, a slow region) failed at the same times, then healed. Prints side by side:
records delivered, lost and why, lost on failover, duplicated, out of order within a region, the
longest wait from publication to the destination, records delivered during the fault windows, and
the recovery time after the last fault healed. A run that fails its design's spec is a figure.`,
    flags: {
      seeds: withDefault('N', '50', ['how many seeds (fault plans), 1..1000000 (default 50)']),
      from: flag('S', ['first seed (default 1); the last seed, S+N-1, must be below 2^32']),
      workers: flag('K', ['worker threads (default: one per core; at most 2 per core)']),
      'seed-timeout': flag('S', ['seconds a seed (both designs) may run before its worker is stopped (default 60)']),
      json: bool(['print one JSON report (the summaries and every seed\'s figures) instead of the table (default: off)']),
      html: flag('FILE', ["write one self-contained page: the figures and both designs' timelines of one seed (default: none)"]),
      'seed-detail': flag('N', ['the seed whose timelines --html draws (default: the first seed)']),
      force: bool(['let --html replace an existing file (default: refuse)']),
      'aa-machines': flag('MODULE', ['replacement machines for the active-active design only (as run --machines), e.g. a planted bug']),
      'ap-machines': flag('MODULE', ['... and for the active-passive design only']),
      latency: runFlagDefs.latency,
      slow: runFlagDefs.slow,
      factor: runFlagDefs.factor,
      'no-strict': runFlagDefs['no-strict'],
      'max-messages': runFlagDefs['max-messages'],
      'max-virtual-ms': runFlagDefs['max-virtual-ms'],
      ...commonFlags,
    },
    notes: `The plans are drawn over both designs' built-in topologies (regions 1 and 2, five stages). A DNS
losing region 1 is a switch to region 2 (and back when it heals) in the active-passive design; losing
region 2, where it sends nothing, is no fault there.`,
    examples: ['tps compare', 'tps compare --seeds 200 --workers 2 --json > compare.json', 'tps compare --seeds 20 --html compare.html --seed-detail 7'],
    exitCodes: `Exit codes: 0 the comparison ran (it is a measurement: runs that fail a design's spec are figures
  in its column), 2 bad input (nothing ran), 3 internal error (a run threw)`,
    positionals: false,
  },
  merge: {
    usage: ['merge REPORT.json REPORT.json ... [options]'],
    summary: 'join the --json reports of sharded checks into one',
    about: `Joins the --json reports of a sharded check (tps check --shard K/N --json) into the report the
unsharded check gives: counts, failing seeds, failures with replay commands, routing, coverage.
Timings are the shards': the longest wall time, rates added up. Nothing is re-run or shrunk.

Refused (exit 2, naming the seeds or the setting): shards that overlap, leave seeds out or were
interrupted, and shards of different scenarios, latency, topology, budgets, machines or coverage.`,
    flags: {
      json: bool(['print one JSON report, as tps check --json (default: text)']),
      coverage: flag('FILE', ['write the merged full coverage table (default: none; never an input file)']),
      ...commonFlags,
    },
    examples: ['tps merge shard-1.json shard-2.json shard-3.json shard-4.json'],
    exitCodes: 'Exit codes: as tps check: 0 pass, 1 failing seeds, 2 bad input (nothing merged), 3 a seed crashed',
    positionals: true,
  },
  inspect: {
    usage: ['inspect <scenario> [options]'],
    summary: 'play a scenario in real time to a local page (diagrams, states, events) and the Stately inspector',
    about: 'Plays a scenario in real time to a local page (diagrams, states, events) and the Stately inspector.',
    flags: {
      seed: withDefault('N', '1', ['run seed (default 1)']),
      host: withDefault('HOST', '127.0.0.1', ['address to listen on (default 127.0.0.1; anything but loopback is warned about)']),
      port: withDefault('P', '8080', ['port, 0-65535; 0 takes a free one, and the URL printed says which (default 8080)']),
      speed: withDefault('X', '1', ['virtual ms per real ms, above 0 (default 1)']),
      delay: withDefault('MS', '5000', ['wait this long for a viewer before starting (default 5000)']),
      open: bool(['open the page in a browser (default: off)']),
      exit: bool(['exit when the run ends and every viewer has its messages (default: keep serving)']),
      ...commonFlags,
    },
    examples: ['tps inspect f2-fail-database --speed 5 --open'],
    exitCodes: EXIT_CODES,
    positionals: true,
  },
} satisfies Record<string, CommandDef>;

export type CommandName = keyof typeof COMMANDS;

/** node:util parseArgs options from a flag table (a boolean defaults to false). */
type Options<F> = {
  [K in keyof F]: F[K] extends { type: 'boolean' }
    ? { type: 'boolean'; default: boolean; short?: string }
    : F[K] extends { default: string }
      ? { type: 'string'; default: string; short?: string }
      : { type: 'string'; short?: string };
};

function optionsOf(flags: Record<string, FlagDef>) {
  const options: Record<string, { type: 'string' | 'boolean'; default?: string | boolean; short?: string }> = {};
  for (const [name, def] of Object.entries(flags))
    options[name] = {
      type: def.type,
      ...(def.short ? { short: def.short } : {}),
      ...(def.type === 'boolean' ? { default: false } : def.default !== undefined ? { default: def.default } : {}),
    };
  return options;
}

/**
 * Parses a command's arguments by its table; an unknown flag or a missing value
 * is a parseArgs error (exit 2, naming the flag). `--debug` is taken out before.
 */
export function parseFlags<C extends CommandName>(command: C, args: string[]): Parsed<C> {
  const { debug: _debug, ...flags } = COMMANDS[command].flags as Record<string, FlagDef>;
  return parseArgs({ args, allowPositionals: COMMANDS[command].positionals, options: optionsOf(flags), strict: true }) as Parsed<C>;
}

/** What parseArgs gives for a command's table: each flag's value typed by its type and default. */
type Parsed<C extends CommandName> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: boolean; strict: true; options: Options<Omit<(typeof COMMANDS)[C]['flags'], 'debug'>> }>
>;

const OPTION_COLUMN = 22;

/** One flag's help lines: `  --name ARG` padded to the text, continuation lines under it. */
function flagHelp(name: string, def: FlagDef): string[] {
  const left = `${def.short ? `-${def.short}, ` : ''}--${name}${def.arg ? ` ${def.arg}` : ''}`;
  const indent = ' '.repeat(2 + OPTION_COLUMN);
  const [first, ...rest] = def.help;
  const head = left.length < OPTION_COLUMN ? `  ${left.padEnd(OPTION_COLUMN)}${first}` : `  ${left}\n${indent}${first}`;
  return [head, ...rest.map((line) => indent + line)];
}

/** `tps VERB --help`: usage, what it does, every flag with its default, notes, examples, exit codes. */
export function commandHelp(command: CommandName): string {
  const def: CommandDef = COMMANDS[command];
  const usage = def.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}tps ${u}`);
  const flags = Object.entries(def.flags);
  const options = flags.length > 0 ? ['', 'Options:', ...flags.flatMap(([name, f]) => flagHelp(name, f))] : [];
  const examples = ['', `Example${def.examples.length > 1 ? 's' : ''}:`, ...def.examples.map((e) => `  ${e}`)];
  return [...usage, '', def.about, ...options, ...(def.notes ? ['', def.notes] : []), ...examples, '', def.exitCodes].join('\n');
}

/** `tps help`: each command's usage, summary and flag names; `tps VERB --help` has the rest. */
export function usage(): string {
  const lines = ['Usage:'];
  for (const def of Object.values(COMMANDS) as CommandDef[]) {
    for (const u of def.usage) lines.push(`  tps ${u}`);
    lines.push(`      ${def.summary}`);
    const names = Object.entries(def.flags)
      .filter(([n]) => n !== 'help' && n !== 'debug')
      .map(([n, f]) => `--${n}${f.arg ? ` ${f.arg}` : ''}`);
    if (names.length > 0) lines.push(...wrap(names.join(', '), 96).map((l) => `      ${l}`));
  }
  lines.push(
    '  tps VERB --help                    every flag of a verb, its default and an example',
    'Exit codes: 0 pass, 1 the model failed (violation, stuck, failed step, hang), 2 bad input,',
    '  3 internal error (the stack with --debug or TPS_DEBUG=1); check: 130/143 on Ctrl-C/SIGTERM.',
  );
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
