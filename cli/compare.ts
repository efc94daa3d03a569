import { availableParallelism } from 'node:os';
import { MAX_SEED } from '../actors/prng';
import { InputError } from '../machines/support';
import { maxWorkers, workerLimitReason } from '../system/checker/check';
import { checkDesignMachines, compareDesigns, comparisonRows, designs, runDesign, type CompareReport } from '../system/checker/compare';
import type { Design } from '../machines/topology';
import { renderCompareHtml } from '../system/report/compare-html';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { loadMachinesModule, type MachineOverrides } from '../system/machines-module';
import { budgetFlags, EXIT, latencyFlagsGiven, parseIntFlag, parseSeed, type Io } from './common';
import { parseFlags } from './flags';
import { help } from './help';
import { checkOutputFiles, writeFileAtomic } from './output-file';

const DEFAULT_SEED_TIMEOUT_S = 60;

/** The side-by-side table: a label column, then one column per design. */
export function formatComparison(report: CompareReport): string {
  const rows = comparisonRows(report);
  const label = (r: { label: string; indent?: boolean }) => `${r.indent ? '  ' : ''}${r.label}`;
  const w0 = Math.max(...rows.map((r) => label(r).length));
  const widths = designs.map((d) => Math.max(d.length, ...rows.map((r) => r.values[d].length)));
  const line = (first: string, cells: string[]) => [first.padEnd(w0), ...cells.map((c, i) => c.padEnd(widths[i]))].join('   ').trimEnd();
  const last = report.from + report.count - 1;
  const l = report.latency;
  return [
    `Compared the designs over seeds ${report.from}..${last}: ${report.count} fault plan${report.count === 1 ? '' : 's'}, each run on both; latency ${l.model} ${l.min}-${l.max} ms; ${report.wallMs} ms wall, ${report.workers} worker${report.workers === 1 ? '' : 's'}`,
    ...designs.filter((d) => report.machinesModules[d]).map((d) => `Replacement machines for ${d}: ${report.machinesModules[d]}`),
    '',
    line('', [...designs]),
    ...rows.map((r) => line(label(r), designs.map((d) => r.values[d]))),
  ].join('\n');
}

/** `--html FILE`: the figures and one seed's run report per design, on one page. */
function comparisonHtml(report: CompareReport, seed: number, machines: { [d: string]: MachineOverrides | undefined }, budget: ReturnType<typeof budgetFlags>): string {
  const plan = { latency: report.latency, strict: report.strict, machinesModules: {}, ...budget };
  const pages = designs.map((design) => {
    const { report: run, result } = runDesign(plan, seed, design, machines[design]);
    return { column: design, verdict: run.verdict, html: renderHtmlReport(buildHtmlReportInput({ ...run, scenario: `compare (${design})` }, result)) };
  });
  const rows = comparisonRows(report).map((r) => ({ label: r.label, values: designs.map((d) => r.values[d]), ...(r.indent ? { indent: true } : {}) }));
  const l = report.latency;
  return renderCompareHtml({
    title: `active-active vs active-passive: seeds ${report.from}..${report.from + report.count - 1}`,
    about: `${report.count} fault plans, each run on both designs; latency ${l.model} ${l.min}-${l.max} ms; timelines of seed ${seed} below`,
    columns: [...designs],
    rows,
    detail: { seed, pages },
  });
}

/** `tps compare`: the same fault plans on both designs, their figures side by side. Exit 0 when it ran. */
export async function commandCompare(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('compare', args);
  if (values.help) return help('compare', io);
  const count = parseIntFlag('--seeds', values.seeds, { min: 1, max: 1_000_000 });
  const from = parseSeed(values.from, '--from');
  if (from + count - 1 > MAX_SEED) throw new InputError('--seeds', ['the last seed, --from + --seeds - 1, must be below 2^32']);
  const cap = maxWorkers();
  const workersGiven = values.workers === undefined ? undefined : parseIntFlag('--workers', values.workers, { min: 1, max: 1024 });
  if (workersGiven !== undefined && workersGiven > cap) throw new InputError('--workers', [`'${values.workers}' is too many: at most ${cap} here (${workerLimitReason()})`]);
  const seedTimeoutS = parseIntFlag('--seed-timeout', values['seed-timeout'], { min: 1, max: 86_400, fallback: DEFAULT_SEED_TIMEOUT_S });
  const detail = values['seed-detail'] === undefined ? from : parseSeed(values['seed-detail'], '--seed-detail');
  if (values['seed-detail'] !== undefined && values.html === undefined) throw new InputError('--seed-detail', ['only --html draws a seed: give --html FILE too']);
  if (detail < from || detail > from + count - 1) throw new InputError('--seed-detail', [`${detail} is not among the seeds compared, ${from}..${from + count - 1}`]);
  const latency = latencyFlagsGiven(values);
  const budget = budgetFlags(values);
  // Read here, so that errors name the flags.
  const module = (flag: string, file: string | undefined, design: Design) => {
    if (file === undefined) return undefined;
    const machines = loadMachinesModule(file, flag);
    checkDesignMachines(machines, design, flag);
    return machines;
  };
  const machines = {
    'active-active': module('--aa-machines', values['aa-machines'], 'active-active'),
    'active-passive': module('--ap-machines', values['ap-machines'], 'active-passive'),
  };
  checkOutputFiles({ '--html': values.html }, { '--aa-machines': values['aa-machines'], '--ap-machines': values['ap-machines'] }, values.force);
  const report = await compareDesigns({
    from,
    count,
    workers: workersGiven ?? Math.min(availableParallelism(), cap),
    ...(latency ? { latency } : {}),
    strict: !values['no-strict'],
    machinesModules: {
      ...(values['aa-machines'] !== undefined ? { 'active-active': values['aa-machines'] } : {}),
      ...(values['ap-machines'] !== undefined ? { 'active-passive': values['ap-machines'] } : {}),
    },
    ...budget,
    seedTimeoutMs: seedTimeoutS * 1000,
  });
  if (values.html !== undefined) writeFileAtomic(values.html, comparisonHtml(report, detail, machines, budget));
  if (values.json) io.out(JSON.stringify(report));
  else io.out(formatComparison(report) + (values.html !== undefined ? `\n\nHTML page (figures, and both designs' timelines of seed ${detail}): ${values.html}` : ''));
  // A run that threw is no figure of a design: an internal error.
  const crashed = report.seeds.flatMap((s) => designs.filter((d) => s.runs[d].verdict === 'error').map((d) => `seed ${s.seed} (${d}): ${s.runs[d].reason}`));
  if (crashed.length) io.err(`tps compare: internal error: ${crashed.length} run${crashed.length === 1 ? '' : 's'} threw; first: ${crashed[0]}`);
  return crashed.length ? EXIT.internal : EXIT.pass;
}
