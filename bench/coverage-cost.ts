import { performance } from 'node:perf_hooks';
import { coverageCollector, coverageSummary, emptyCoverage, formatCoverage, mergeCoverage } from '../system/checker/coverage';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { intArg } from './args';
import { runScenario } from '../system/run-scenario';

/**
 * What coverage collection costs: chaos seeds run in alternating rounds
 * without and with the collector (the machine's speed drifts within
 * minutes); the overhead is the median of the rounds' ratios.
 * Usage: node dist/bench/coverage-cost.js [rounds=10] [seeds per round=10]
 */
const usage = 'node dist/bench/coverage-cost.js [rounds] [seeds per round]';
const rounds = intArg(2, 10, usage);
const n = intArg(3, 10, usage);
tuneGcForSimulation();
const total = emptyCoverage();
function round(withCoverage: boolean, from: number): number {
  const started = performance.now();
  for (let seed = from; seed < from + n; seed++) {
    if (!withCoverage) {
      runScenario({ scenario: 'chaos', seed });
      continue;
    }
    const c = coverageCollector();
    const { report } = runScenario({ scenario: 'chaos', seed, onInspectionEvent: c.inspect });
    mergeCoverage(total, c.finish(report.faults));
  }
  return performance.now() - started;
}
round(false, 1); // warm-up
round(true, 1);
const ratios: number[] = [];
let without = 0;
let withCov = 0;
for (let r = 0; r < rounds; r++) {
  const from = 1 + r * n;
  const a = r % 2 ? round(true, from) : round(false, from);
  const b = r % 2 ? round(false, from) : round(true, from);
  const [off, on] = r % 2 ? [b, a] : [a, b];
  without += off;
  withCov += on;
  ratios.push(on / off);
  console.log(`round ${r + 1}: without ${off.toFixed(0)} ms, with ${on.toFixed(0)} ms, ratio ${(on / off).toFixed(3)}`);
}
ratios.sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)];
const rate = (ms: number) => ((rounds * n * 1000) / ms).toFixed(1);
console.log(`schedules/s in-process: without ${rate(without)}, with coverage ${rate(withCov)}; median ratio ${median.toFixed(3)} (+${((median - 1) * 100).toFixed(1)}%)`);
console.log(formatCoverage(coverageSummary(total)).join('\n'));
