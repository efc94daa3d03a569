import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/tps';
import { InputError } from '../../machines/support';
import { machines as noInDoubtGuard } from '../../mutants/container-no-in-doubt-guard';
import { checkScenario } from '../../system/checker/check';
import { runScenario } from '../../system/run-scenario';
import { scenarios, isPlanned, portfolio, strategyForSeed, strategyNames, type StrategyName } from '../../system/scenarios';
import { defaultTopology, parseTopology } from '../../machines/topology';
import { containerMachine } from '../../machines/container.machine';
import { isReplicatorId, kindOfId } from '../../machines/ids';
import { atomicStateNodes, statePath } from '../../actors/state-nodes';
import { fakeIo } from '../support/fake-io';

// Whole runs (a few hundred ms each), and a shrink: generous on a loaded machine (not a timing test).
jest.setTimeout(120_000);

const repo = resolve(__dirname, '..', '..');
const mutant = (name: string) => join(repo, 'dist', 'mutants', `${name}.js`);
const topology = parseTopology(defaultTopology);
const chaos = scenarios.chaos;
if (!isPlanned(chaos)) throw new Error('chaos is a planned scenario');
const planOf = (strategy: StrategyName, seed: number) => chaos.plan(seed, topology, undefined, { strategy });

/** Per strategy: a planted bug and a seed whose plan (under that strategy) kills it. */
const kills: Record<StrategyName, { mutant: string; seed: number }> = {
  random: { mutant: 'container-no-in-doubt-guard', seed: 5 },
  swarm: { mutant: 'container-no-in-doubt-guard', seed: 5 },
  targeted: { mutant: 'container-no-in-doubt-guard', seed: 27 },
  // random's plan for seed 25 passes this bug: the PCT order alone kills it
  pct: { mutant: 'container-no-in-doubt-guard', seed: 25 },
  'fair-pct': { mutant: 'container-no-in-doubt-guard', seed: 25 },
};

describe('exploration strategies', () => {
  it('every strategy has a known kill here', () => {
    expect(Object.keys(kills).sort()).toEqual([...strategyNames].sort());
  });

  it.each(strategyNames)('%s: the same seed draws the same plan and the same trace; other seeds other plans', (strategy) => {
    expect(planOf(strategy, 11)).toEqual(planOf(strategy, 11));
    const plans = new Set([11, 12, 13, 14].map((seed) => JSON.stringify(planOf(strategy, seed))));
    expect(plans.size).toBe(4);
    const a = runScenario({ scenario: 'chaos', seed: 11, strategy }).report;
    const b = runScenario({ scenario: 'chaos', seed: 11, strategy }).report;
    expect(a.traceDigest).toBe(b.traceDigest);
    expect(a.strategy).toBe(strategy);
    expect(a.drew).toMatch(/seed 11/);
  });

  it('tps run names the strategy and what it drew', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'chaos', '--seed', '3', '--strategy', 'swarm'], io)).toBe(0);
    expect(out[0]).toMatch(/^Strategy swarm: Swarm seed 3: latency \S+ /m);
  });

  it('random is today\'s chaos: the same trace as no strategy at all', () => {
    for (const seed of [1, 2]) {
      const plain = runScenario({ scenario: 'chaos', seed }).report;
      expect(plain.strategy).toBeUndefined();
      expect(runScenario({ scenario: 'chaos', seed, strategy: 'random' }).report.traceDigest).toBe(plain.traceDigest);
    }
  });

  it('swarm draws per seed what random keeps fixed: latency models, kind subsets, clusterings', () => {
    const plans = Array.from({ length: 60 }, (_, i) => planOf('swarm', i + 1));
    expect(new Set(plans.map((p) => p.latency?.model))).toEqual(new Set(['uniform', 'skewed', 'heavy-tail']));
    expect(new Set(plans.map((p) => p.description.match(/; (spread|one-component|with-peers|repeated-crash)/)?.[1]))).toEqual(
      new Set(['spread', 'one-component', 'with-peers', 'repeated-crash']),
    );
    // a repeated crash: several crashes of one container, each watching a busy state
    const repeated = plans.find((p) => p.description.includes('repeated-crash'))!;
    const crashes = repeated.faults!.filter((f) => f.kind === 'container-fail');
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(crashes.map((f) => f.target)).size).toBe(1);
  });

  it('targeted draws its moments from the machines\' charts: every watched kind, states of each, second faults, stragglers, batch shapes', () => {
    const plans = Array.from({ length: 120 }, (_, i) => planOf('targeted', i + 1));
    const whens = plans.flatMap((p) => p.faults!.flatMap((f) => ('when' in f.trigger ? [f.trigger.when] : [])));
    // every fault waits for a moment: an actor in a state
    expect(whens.length).toBe(plans.reduce((n, p) => n + p.faults!.length, 0));
    const kindsWatched = new Set(whens.map((w) => kindOfId(w.actor) + (isReplicatorId(w.actor) ? ':replicator' : '')));
    expect(kindsWatched).toEqual(new Set(['container', 'queue', 'table', 'table:replicator']));
    const containerStates = new Set(atomicStateNodes(containerMachine).map(statePath));
    const watchedContainerStates = new Set(whens.filter((w) => kindOfId(w.actor) === 'container').map((w) => w.state));
    expect(watchedContainerStates).toEqual(containerStates);
    // a second fault on the same watched actor, in a later state
    expect(plans.some((p) => p.faults!.some((f, i) => i > 0 && 'when' in f.trigger && 'when' in p.faults![i - 1].trigger && (p.faults![i - 1].trigger as { when: { actor: string } }).when.actor === f.trigger.when.actor))).toBe(true);
    expect(plans.some((p) => p.faults!.some((f) => f.kind === 'container-fail' && f.stragglers !== undefined))).toBe(true);
    expect(new Set(plans.map((p) => p.records.batches))).toEqual(new Set([3, 6, 10, 15]));
    for (const p of plans) expect(p.records.batches * p.records.size).toBe(30);
  });

  it.each(strategyNames)('%s: a failing seed names its strategy and what it drew; its replay command reproduces the digest', async (strategy) => {
    const k = kills[strategy];
    const report = await checkScenario({ scenario: 'chaos', strategy, from: k.seed, count: 1, workers: 0, machinesModule: mutant(k.mutant) });
    expect(report.failingSeeds).toEqual([k.seed]);
    const f = report.failures[0];
    expect(f.strategy).toBe(strategy);
    expect(f.drew).toMatch(new RegExp(`seed ${k.seed}`));
    // random is tps run chaos's own default: its replay names no strategy
    if (strategy === 'random') expect(f.replay).not.toContain('--strategy');
    else expect(f.replay).toContain(`--strategy ${strategy}`);
    // the replay as printed, without its trace file, as JSON
    const args = f.replay.split(' ').slice(1);
    args.splice(args.indexOf('--trace'), 2);
    const { io, out } = fakeIo();
    expect(await main([...args, '--json'], io)).toBe(1);
    expect(JSON.parse(out[0]).traceDigest).toBe(f.traceDigest);
  });

  it.each(strategyNames)('%s: tps check shrinks its failing seed, and the shrunk plan replays the failure', async (strategy) => {
    const k = kills[strategy];
    const dir = mkdtempSync(join(tmpdir(), 'tps-strategy-'));
    const { io, out } = fakeIo();
    const argv = ['check', 'chaos', '--strategy', strategy, '--from', String(k.seed), '--seeds', '1', '--workers', '1', '--machines', mutant(k.mutant)];
    expect(await main([...argv, '--shrink-out', join(dir, 'min.json'), '--shrink-time', '30', '--json'], io)).toBe(1);
    const { shrunk } = JSON.parse(out[0]);
    expect(shrunk.replayed).toBe(true);
    expect(shrunk.after.faults).toBeLessThanOrEqual(shrunk.before.faults);
    expect(shrunk.after.records).toBeLessThan(shrunk.before.records);
  });

  it('pct and fair-pct keep random\'s faults and change only the order: the plan carries the schedule, a saved plan replays it', () => {
    for (const strategy of ['pct', 'fair-pct'] as const) {
      const plan = planOf(strategy, 25);
      expect(plan.faults).toEqual(planOf('random', 25).faults);
      expect(plan.schedule).toEqual(expect.objectContaining({ strategy, depth: expect.any(Number), window: expect.any(Number) }));
      expect(plan.schedule!.changePoints).toHaveLength(plan.schedule!.depth - 1);
      expect(plan.schedule!.prefix !== undefined).toBe(strategy === 'fair-pct');
      const run = runScenario({ scenario: 'chaos', seed: 25, strategy, machines: noInDoubtGuard });
      expect(run.report.verdict).toBe('fail');
      // the plan as run, as a file: the same trace
      const again = runScenario({ scenarioData: run.plan, seed: 25, machines: noInDoubtGuard });
      expect(again.report.traceDigest).toBe(run.report.traceDigest);
    }
    expect(runScenario({ scenario: 'chaos', seed: 25, machines: noInDoubtGuard }).report.verdict).toBe('pass');
  });

  it('a scenario file with a bad schedule is refused, naming the field', () => {
    const plan = { ...planOf('pct', 3), schedule: { ...planOf('pct', 3).schedule!, depth: 5, changePoints: [4] } };
    expect(() => runScenario({ scenarioData: plan })).toThrow(/schedule\.changePoints: depth 5 takes 4 change points/);
  });

  it('tps check chaos (the portfolio by default) rotates the strategies: each failing seed names the strategy it ran under, and its replay reproduces it', async () => {
    const { io, out } = fakeIo();
    expect(await main(['check', 'chaos', '--strategy', 'portfolio', '--seeds', String(portfolio.length), '--workers', '1', '--machines', mutant('dns-all-to-region-1'), '--no-shrink', '--json'], io)).toBe(1);
    const report = JSON.parse(out[0]);
    expect(report.strategy).toBe('portfolio');
    expect(report.failures.map((f: { seed: number; strategy: string }) => [f.seed, f.strategy])).toEqual(
      Array.from({ length: portfolio.length }, (_, i) => [i + 1, strategyForSeed('portfolio', i + 1)]),
    );
    expect(new Set(report.failures.map((f: { strategy: string }) => f.strategy))).toEqual(new Set(portfolio));
    for (const f of report.failures.slice(0, 2)) {
      if (f.strategy !== 'random') expect(f.replay).toContain(`--strategy ${f.strategy}`);
      const args = f.replay.split(' ').slice(1);
      args.splice(args.indexOf('--trace'), 2);
      const replay = fakeIo();
      expect(await main([...args, '--json'], replay.io)).toBe(1);
      expect(JSON.parse(replay.out[0]).traceDigest).toBe(f.traceDigest);
    }
    // tps check chaos runs the portfolio unless told otherwise; the API keeps random unless asked.
    const plain = fakeIo();
    expect(await main(['check', 'chaos', '--seeds', '2', '--workers', '1', '--no-shrink', '--json'], plain.io)).toBe(0);
    expect(JSON.parse(plain.out[0]).strategy).toBe('portfolio');
    expect((await checkScenario({ scenario: 'chaos', count: 1, workers: 0 })).strategy).toBeUndefined();
  });

  it('refuses a strategy for a scenario that is not drawn by one, or an unknown strategy, before running (exit 2 naming --strategy)', async () => {
    for (const argv of [
      ['check', 'happy-path', '--seeds', '2', '--strategy', 'swarm'],
      ['check', 'chaos', '--seeds', '2', '--strategy', 'smarm'],
      ['run', 'f2-fail-database', '--strategy', 'random'],
    ]) {
      const { io, out, err } = fakeIo();
      expect(await main(argv, io)).toBe(2);
      expect(out).toEqual([]);
      expect(err.join('\n')).toMatch(/--strategy: /);
    }
    await expect(checkScenario({ scenario: 'f2-fail-database', count: 1, strategy: 'swarm' })).rejects.toThrow(InputError);
    expect(() => runScenario({ scenario: 'happy-path', strategy: 'swarm' })).toThrow(/strategy: only a strategy-drawn scenario/);
  });
});
