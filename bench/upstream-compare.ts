/**
 * Run by bench/upstream-xstate.ts inside a copy whose xstate carries switchable
 * fast paths (never from this repository's own tree: there the switches do
 * nothing). Alternates the configurations in one process, round by round,
 * timing CPU: F2 schedules, one-record runs (set-up), a 1,002-record pipeline
 * and the bare ping-pong; prints medians and F2's share of the ceiling under
 * each configuration, and checks every configuration gives the same trace digests.
 * Usage: node dist/bench/upstream-compare.js [rounds=9]
 */
import { tuneGcForSimulation } from '../system/gc-tuning';
import { runScenario } from '../system/run-scenario';
import { happyPathSteps } from '../system/scenarios/happy-path';
import { simulate } from '../system/simulation';
import { pingPong } from './ping-pong';
import { intArg } from './args';
import { median } from './measure';

type Switches = { candidatesMap?: boolean; skipEventless?: boolean; targetlessFastPath?: boolean };
const configs: Record<string, Switches> = {
  stock: {},
  candidatesMap: { candidatesMap: true },
  skipEventless: { skipEventless: true },
  targetlessFastPath: { targetlessFastPath: true },
  all: { candidatesMap: true, skipEventless: true, targetlessFastPath: true },
};
const names = Object.keys(configs);
const rounds = intArg(2, 9, 'node dist/bench/upstream-compare.js [rounds]');
const F2_SEEDS = 30;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const use = (name: string) => ((globalThis as { __xstateFastPaths?: Switches }).__xstateFastPaths = configs[name]);

tuneGcForSimulation();
const res: Record<string, { f2Ms: number[]; setupMs: number[]; pipeline: number[]; pingPong: number[]; f2Messages: number; digests: string[] }> = {};
for (const n of names) {
  use(n);
  res[n] = { f2Ms: [], setupMs: [], pipeline: [], pingPong: [], f2Messages: 0, digests: [] };
  for (let s = 1; s <= 10; s++) runScenario({ scenario: 'f2-fail-database', seed: s }); // warm-up
  pingPong(20_000, 1, true);
}
for (let r = 0; r < rounds; r++) {
  for (const n of r % 2 ? [...names].reverse() : names) {
    use(n);
    const m = res[n];
    let c0 = cpu();
    for (let s = 1; s <= F2_SEEDS; s++) {
      const x = runScenario({ scenario: 'f2-fail-database', seed: s });
      if (r === 0) m.digests.push(x.result.traceDigest);
      m.f2Messages = x.result.stats.messages;
    }
    m.f2Ms.push(((cpu() - c0) / F2_SEEDS) * 1000);
    c0 = cpu();
    for (let s = 1; s <= 30; s++) simulate(happyPathSteps, { seed: s, batches: { count: 1, size: 1 } });
    m.setupMs.push(((cpu() - c0) / 30) * 1000);
    c0 = cpu();
    const p = simulate(happyPathSteps, { seed: r + 1, batches: { count: 3, size: 334 } });
    m.pipeline.push(p.stats.messages / (cpu() - c0));
    if (r === 0) m.digests.push(p.traceDigest);
    c0 = cpu();
    const pp = pingPong(50_000, 1, true);
    m.pingPong.push(pp.messages / (cpu() - c0));
  }
  process.stderr.write(`  ... round ${r + 1} of ${rounds}\n`);
}

const base = res.stock;
const baseF2 = median(base.f2Ms);
const basePipe = median(base.pipeline);
const basePp = median(base.pingPong);
console.log(`xstate fast paths, ${rounds} alternating rounds, CPU time, medians (node ${process.version})`);
console.log('configuration        F2 ms  x stock  pipeline msg/s  x stock  ping-pong µs  x stock  F2 share of ceiling  digests');
for (const n of names) {
  const m = res[n];
  const f2 = median(m.f2Ms);
  const ppUs = 1e6 / median(m.pingPong);
  // As the bench: the one-record run less its 93 messages at the ping-pong's cost is the set-up.
  const setup = median(m.setupMs) - (93 * ppUs) / 1000;
  const ceilingMs = (m.f2Messages * ppUs) / 1000 + setup;
  const same = JSON.stringify(m.digests) === JSON.stringify(base.digests);
  console.log(
    [
      n.padEnd(18),
      f2.toFixed(2).padStart(7),
      (baseF2 / f2).toFixed(2).padStart(8),
      Math.round(median(m.pipeline)).toLocaleString('en-US').padStart(15),
      (median(m.pipeline) / basePipe).toFixed(2).padStart(8),
      ppUs.toFixed(2).padStart(13),
      (median(m.pingPong) / basePp).toFixed(2).padStart(8),
      `${((100 * ceilingMs) / f2).toFixed(1)}%`.padStart(20),
      same ? '  same' : '  DIFFER',
    ].join(' '),
  );
  if (!same) process.exitCode = 1;
}
