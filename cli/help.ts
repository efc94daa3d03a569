import { MAX_FACTOR } from '../actors/latency';
import { TOPOLOGY_LIMITS as L } from '../machines/topology';
import type { Io } from './common';

/** Per-verb help: every flag, its default and an example. `tps VERB --help` prints it and exits 0. */

const MACHINES_WARNING = `--machines MODULE     a CommonJS module exporting \`machines\` (or a default export): replacement
                        machines per component kind (queue, container, table, dns, source, destination).
                        It is code: tps require()s it (in every check worker) and it runs with your
                        privileges. Only give modules you would run yourself. (default: none)`;

const RUN_FLAGS = `  --latency MODEL       uniform | skewed | heavy-tail (default: the scenario file's, else uniform)
  --slow WHAT           skewed only: a region ("r2") or a component or its prefix
                        ("container:core:r1", "container:core"); must match something (default r2)
  --factor X            skewed only: how many times slower, above 0 and at most ${MAX_FACTOR} (default 10)
  --topology FILE       JSON topology { design?, regions: [{region, weight}], stages: [...] } (default: the
                        scenario's design, two regions 50/50, five stages); design is active-active (default)
                        or active-passive (exactly two regions, the first active). Limits: 2-${L.maxRegions} regions numbered 1-${L.maxRegionNumber},
                        whole weights 0-${L.maxWeight}, 1-${L.maxStages} stages of at most ${L.maxStageName} characters,
                        a file of at most ${L.maxFileBytes} bytes
  --no-strict           do not fail the run on unhandled events (default: strict)
  ${MACHINES_WARNING}
  --max-messages N      a run's budget against a livelock: messages between actors (default 50x a
                        fault-free run's); over it the run fails with no-progress
  --max-virtual-ms N    ... and virtual ms (default: that many messages at the slowest latency)
  --scenario-file FILE  a scenario file (JSON, docs/scenarios.md) instead of a scenario name
  --debug               on an internal error, print the stack (also TPS_DEBUG=1)
  -h, --help            this help`;

const EXIT_CODES = `Exit codes: 0 pass, 1 the model failed (violation, stuck record, failed step, hang),
  2 bad input (nothing ran), 3 internal error (one line; the stack with --debug or TPS_DEBUG=1)`;

export const HELP: Record<string, string> = {
  list: `Usage: tps list

Lists the built-in scenarios, one a line: name and description. Takes no arguments.

Example:
  tps list

${EXIT_CODES}`,
  run: `Usage: tps run <scenario> [options]
       tps run --scenario-file FILE [options]

Runs one scenario on the virtual clock and prints its narrative.

Options:
  --seed N              run seed, a whole number 0..2^32-1 in decimal (default: the file's seed, else 1)
  --strategy NAME       chaos only: the exploration strategy that draws the seed's plan (default
                        random; tps check prints it in each failing seed's replay command)
  --json                print one JSON report instead of the narrative (default: off)
  --trace FILE          write the full event trace, one JSON object a line (default: none)
  --html FILE           write a self-contained HTML picture of the run (default: none)
  --explain             print the counterexample as a sequence after the narrative: lanes for the
                        actors involved, messages in virtual time, faults, the violating message
                        linked to the earlier one it contradicts (default: off; not with --json)
  --save-plan FILE      write the scenario as run as a scenario file that replays it (default: none)
  --force               let --trace, --html and --save-plan replace an existing file (default: refuse)
  --shrink              if the run fails, shrink its plan to the fewest faults and records that still
                        fail the same way, save it and print the replay command (default: off)
  --shrink-out FILE     where to save it (default <scenario>-seed-<S>-min.json, never overwriting)
  --shrink-time S       give shrinking at most S seconds (default 30)
${RUN_FLAGS}

Output files are checked before the run, written to a temporary file and renamed; a file given as
an input (--topology, --machines, --scenario-file) is never written.

Examples:
  tps run f2-fail-database
  tps run chaos --seed 42 --json --trace chaos-42.jsonl
  tps run happy-path --latency skewed --slow r2 --factor 20 --topology three-regions.json

${EXIT_CODES}`,
  check: `Usage: tps check <scenario> --seeds N [options]
       tps check --scenario-file FILE --seeds N [options]

Explores N schedules: runs seeds S..S+N-1 in parallel worker threads and summarizes.

Options:
  --seeds N             how many seeds, 1..10000000 (required)
  --from S              first seed (default 1); the last seed, S+N-1, must be below 2^32
  --workers K           worker threads (default: one per core); at most 2 per core and what free
                        memory holds at about 64 MB a worker
  --seed-timeout S      seconds a seed may run before its worker is stopped and the seed is reported
                        as a hang with its replay command; the other seeds go on (default 60)
  --strategy NAME       chaos only: how each seed's plan is drawn (default random): random (one fixed
                        mix), swarm (per seed a latency model, fault kinds, count, clustering),
                        pct (random's faults, messages in a PCT-style priority order), fair-pct
                        (pct for a prefix, then the usual order), portfolio (rotates them seed by
                        seed); a failing seed's replay names its own
  --max-failures N      stop every worker once N seeds have failed (default: run every seed); the
                        summary gives the time from the start to the first failure either way
  --json                print one JSON summary instead of text (default: off); it carries what
                        tps merge needs (seeds covered, sums, failures, routing, coverage counts)
  --shard K/N           run only the K-th (1..N) of N contiguous slices of seeds S..S+N-1; the slices
                        together are exactly the unsharded run (default: all seeds). auto/N takes K
                        from JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job sets it, from 0)
  --no-shrink           do not shrink the first failing seed (default: shrink it, as run --shrink)
  --shrink-out FILE     where to save the shrunk plan (default <scenario>-seed-<S>-min.json)
  --shrink-time S       give shrinking at most S seconds (default 30)
  --coverage FILE       write the full coverage table: every state and transition, its count (default: none)
  --html FILE           write the HTML run report of the first failing seed: its shrunk plan when it
                        was shrunk (the report names the original seed), else its replay (default: none)
${RUN_FLAGS}

Ctrl-C or SIGTERM stops the workers and prints the summary of the seeds completed (exit 130 / 143).
A seed that crashed (the run threw) is listed as "Crashed seeds": an internal error, exit 3.

Examples:
  tps check chaos --seeds 1000
  tps check chaos --seeds 100000 --machines my-machines.js --max-failures 1
  tps check f5-fail-random --seeds 200 --from 1000 --workers 2 --json
  tps check chaos --seeds 1000000 --shard 3/8 --json > shard-3.json

${EXIT_CODES}`,
  merge: `Usage: tps merge REPORT.json REPORT.json ... [options]

Joins the --json reports of a sharded check (tps check --shard K/N --json) into the report the
unsharded check gives: counts, failing seeds, failures with replay commands, routing, coverage.
Timings are the shards': the longest wall time, rates added up. Nothing is re-run or shrunk.

Refused (exit 2, naming the seeds or the setting): shards that overlap, leave seeds out or were
interrupted, and shards of different scenarios, latency, topology, budgets, machines or coverage.

Options:
  --json                print one JSON report, as tps check --json (default: text)
  --coverage FILE       write the merged full coverage table (default: none; never an input file)
  -h, --help            this help

Example:
  tps merge shard-1.json shard-2.json shard-3.json shard-4.json

Exit codes: as tps check: 0 pass, 1 failing seeds, 2 bad input (nothing merged), 3 a seed crashed`,
  inspect: `Usage: tps inspect <scenario> [options]

Plays a scenario in real time to a local page (diagrams, states, events) and the Stately inspector.

Options:
  --seed N              run seed (default 1)
  --host HOST           address to listen on (default 127.0.0.1; anything but loopback is warned about)
  --port P              port, 1-65535 (default 8080)
  --speed X             virtual ms per real ms, above 0 (default 1)
  --delay MS            wait this long for a viewer before starting (default 5000)
  --open                open the page in a browser (default: off)
  --exit                exit when the run ends and every viewer has its messages (default: keep serving)
  -h, --help            this help

Example:
  tps inspect f2-fail-database --speed 5 --open

${EXIT_CODES}`,
};

export function help(verb: keyof typeof HELP | string, io: Io): number {
  io.out(HELP[verb]);
  return 0;
}
