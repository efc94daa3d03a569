import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../machines/support';
import { coverageTable, formatCoverage } from '../system/checker/coverage';
import { mergeReports } from '../system/checker/merge';
import { summarize } from './check';
import { EXIT, readMachines, type Io } from './common';
import { help } from './help';
import { parseFlags } from './flags';
import { checkOutputFile, writeFileAtomic } from './output-file';

/** `tps merge a.json b.json ...`: joins the `--json` reports of a sharded `tps check` into one. */
export function commandMerge(args: string[], io: Io): number {
  const { values, positionals } = parseFlags('merge', args);
  if (values.help) return help('merge', io);
  if (positionals.length === 0) throw new InputError('merge', ['give the shard reports: tps merge shard-1.json shard-2.json ...']);
  const inputs = positionals.map((file) => {
    if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(file, ['no such file']);
    let report: unknown;
    try {
      report = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new InputError(file, [`not JSON: ${(err as Error).message}`]);
    }
    return { name: file, report };
  });
  if (values.coverage !== undefined)
    checkOutputFile('--coverage', values.coverage, Object.fromEntries(positionals.map((f, i) => [`report ${i + 1}`, f])));
  const report = mergeReports(inputs);
  if (values.coverage !== undefined) {
    if (!report.coverage) throw new InputError('--coverage', ['the reports carry no coverage']);
    writeFileAtomic(values.coverage, JSON.stringify(coverageTable(report.coverage.counts, readMachines(report.machinesModule)), null, 2) + '\n');
  }
  if (values.json) io.out(JSON.stringify(report));
  else {
    const lines = summarize(report).split('\n');
    lines.splice(1, 2, `Merged ${positionals.length} shard report${positionals.length === 1 ? '' : 's'}: ${report.count} schedules, ${report.steadySchedulesPerSecond} schedules/s together (steady)`);
    if (report.coverage) lines.splice(lines.length - 1, 0, ...formatCoverage(report.coverage));
    io.out(lines.join('\n'));
  }
  return report.crashed > 0 ? EXIT.internal : report.failed > 0 ? EXIT.fail : EXIT.pass;
}
