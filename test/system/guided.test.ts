import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/tps';
import { checkScenario } from '../../system/checker/check';
import { fakeIo } from '../support/fake-io';
import { loadMachinesModule } from '../../system/machines-module';
import { runScenario } from '../../system/run-scenario';
import { emptyCorpus, guidedPlan, hitCombinations, learn } from '../../system/scenarios/guided';
import type { FaultRecord } from '../../system/faults/fault-plan';
import { defaultTopology, parseTopology } from '../../machines/topology';
import { peerOf } from '../../machines/layout';

const repo = resolve(__dirname, '../..');
const mutant = (name: string) => join(repo, 'dist', 'mutants', `${name}.js`);
const topology = parseTopology(defaultTopology);

const hit = (id: string, start: number, hitState: string, target = 'container:core:r1'): FaultRecord => ({
  id, kind: 'container-fail', target, start, end: start + 1, hitState, hitRecordId: null, label: id,
});

describe('guided chaos', () => {
  it('grows the corpus only from plans that reached a new combination', () => {
    const corpus = emptyCorpus();
    const plan = guidedPlan(1, [], topology);
    const a = hitCombinations([hit('f1', 5, 'processRecords.publishing'), hit('f2', 9, 'processRecords.removing')]);
    expect(a).toContain('container-fail container while processRecords.publishing then container-fail container while processRecords.removing (same target)');
    expect(learn(corpus, plan, a)).toBe(true);
    expect(learn(corpus, plan, a)).toBe(false); // nothing new
    expect(learn(corpus, plan, hitCombinations([hit('f1', 5, 'processRecords.publishing')]))).toBe(false);
    expect(corpus.plans).toHaveLength(1);
    // the order of two faults is a combination of its own
    expect(learn(corpus, plan, hitCombinations([hit('f1', 1, 'processRecords.removing'), hit('f2', 2, 'processRecords.publishing')]))).toBe(true);
    expect(corpus.plans).toHaveLength(2);
  });

  it('keys a fault by its peer\'s state too, and a faulted component\'s trail of states', () => {
    const withPeer = (peerState: string): FaultRecord => ({ ...hit('f1', 5, 'processRecords.publishing'), peer: 'container:core:r2', peerState, trail: ['processRecords.publishing', 'failedProcessing'] });
    const a = hitCombinations([withPeer('processRecords.awaitingRecord')]);
    expect(a).toContain('container-fail container while processRecords.publishing, peer processRecords.awaitingRecord');
    expect(a).toContain('container-fail container: processRecords.publishing > failedProcessing');
    const corpus = emptyCorpus();
    const plan = guidedPlan(1, [], topology);
    expect(learn(corpus, plan, a)).toBe(true);
    // the same hit, the peer elsewhere: new
    expect(learn(corpus, plan, hitCombinations([withPeer('processRecords.removing')]))).toBe(true);
    expect(learn(corpus, plan, hitCombinations([{ ...withPeer('processRecords.removing'), trail: ['processRecords.publishing', 'failedProcessing', 'processRecords.awaitingRecord'] }]))).toBe(true);
    expect(learn(corpus, plan, hitCombinations([withPeer('processRecords.removing')]))).toBe(false);
  });

  it('names each fault target\'s peer from the layout', () => {
    const where = { stages: topology.stages, regions: [1, 2] };
    expect(peerOf(where, 'container:core:r1')).toBe('container:core:r2');
    expect(peerOf(where, 'container:core:r2')).toBe('container:core:r1');
    expect(peerOf({ ...where, regions: [1] }, 'container:core:r1')).toBeUndefined();
    expect(peerOf(where, 'queue:inbound:r2')).toBe('container:inbound:r2'); // read by the first stage
    expect(peerOf(where, 'queue:core-postprocess:r1')).toBe('container:postprocess:r1');
    expect(peerOf(where, 'queue:outbound:r1')).toBe('container:outbound:r1'); // read by the out-DNS: its writer
    expect(peerOf(where, 'table:core')).toBe('container:core:r1');
    expect(peerOf(where, 'table:core', 2)).toBe('container:core:r2');
    expect(peerOf(where, 'dns:in', 2)).toBe('container:inbound:r2');
    expect(peerOf(where, 'dns:out', 1)).toBe('container:outbound:r1');
    expect(peerOf(where, 'network', 1)).toBeUndefined();
  });

  it('a run\'s fault records carry the peer\'s state and the hit component\'s trail', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      for (const f of runScenario({ scenario: 'chaos', seed }).report.faults.filter((g) => g.start !== null)) {
        if (f.kind === 'slow-region') expect(f.peer === undefined && f.trail === undefined).toBe(true);
        else {
          expect(f.peer).toMatch(/^container:/);
          expect(f.trail?.[0]).toBe(f.hitState);
          expect(f.trail!.length).toBeLessThanOrEqual(5);
          seen.add(f.kind);
        }
        if (f.kind === 'container-fail') expect(f.trail).toContain('failedProcessing');
      }
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('draws fresh plans with an empty corpus and mutates corpus plans after, the same each time', () => {
    const parent = guidedPlan(3, [], topology);
    expect(parent.description).toMatch(/^guided seed 3, fresh/);
    const children = Array.from({ length: 20 }, (_, i) => guidedPlan(100 + i, [parent], topology));
    expect(children.some((c) => /mutated/.test(c.description ?? ''))).toBe(true);
    expect(guidedPlan(107, [parent], topology)).toEqual(children[7]);
  });

  it('gives the same plans and digests with 1 and 2 workers', async () => {
    const run = (workers: number) => checkScenario({ scenario: 'chaos', strategy: 'guided', from: 1, count: 70, workers, machinesModule: mutant('container-no-in-doubt-guard') });
    const [one, two] = [await run(1), await run(2)];
    expect(two.results.map((r) => r.traceDigest)).toEqual(one.results.map((r) => r.traceDigest));
    expect(two.failures.map((f) => f.plan)).toEqual(one.failures.map((f) => f.plan));
    expect(two.corpus).toBe(one.corpus);
    expect(one.corpus).toBeGreaterThan(0);
  }, 120_000);

  it('kills a planted bug; the failure carries its plan and the replay reproduces the digest', async () => {
    const report = await checkScenario({ scenario: 'chaos', strategy: 'guided', from: 1, count: 64, workers: 0, maxFailures: 1, machinesModule: mutant('container-no-in-doubt-guard') });
    const f = report.failures[0];
    expect(f.strategy).toBe('guided');
    expect(f.plan).toBeDefined();
    expect(f.replay).toContain(`--scenario-file ${f.plan!.file} --seed ${f.seed}`);
    const file = join(mkdtempSync(join(tmpdir(), 'guided-')), f.plan!.file);
    writeFileSync(file, JSON.stringify(f.plan!.scenario));
    const { report: replay } = runScenario({ scenarioFile: file, seed: f.seed, machines: loadMachinesModule(mutant('container-no-in-doubt-guard')) });
    expect(replay.verdict).toBe('fail');
    expect(replay.traceDigest).toBe(f.traceDigest);
  }, 120_000);

  it('tps check saves the failing seed\'s plan where its replay command reads it; the replay and the shrink reproduce the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guided-cli-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { io, out } = fakeIo();
      const argv = ['check', 'chaos', '--strategy', 'guided', '--seeds', '64', '--workers', '1', '--max-failures', '1', '--machines', mutant('container-no-in-doubt-guard')];
      expect(await main([...argv, '--shrink-out', join(dir, 'min.json'), '--shrink-time', '30', '--json'], io)).toBe(1);
      const { failures, shrunk } = JSON.parse(out[0]) as { failures: { seed: number; traceDigest: string; plan: { file: string } }[]; shrunk: { replayed: boolean } };
      const f = failures[0];
      expect(existsSync(join(dir, f.plan.file))).toBe(true);
      expect(shrunk.replayed).toBe(true);
      const run = fakeIo();
      expect(await main(['run', '--scenario-file', f.plan.file, '--seed', String(f.seed), '--machines', mutant('container-no-in-doubt-guard'), '--json'], run.io)).toBe(1);
      expect(JSON.parse(run.out[0]).traceDigest).toBe(f.traceDigest);
    } finally {
      process.chdir(cwd);
    }
  }, 120_000);

  it('tps check never replaces a file with a plan: it takes the next free name, and the replay command names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guided-names-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // Whichever seed fails, a file of its plan's first name is there already (the user's own).
      const mine = (seed: number) => `{ "mine": ${seed} }\n`;
      for (let seed = 1; seed <= 64; seed++) writeFileSync(`chaos-guided-${seed}.json`, mine(seed));
      const argv = ['check', 'chaos', '--strategy', 'guided', '--seeds', '64', '--workers', '1', '--max-failures', '1', '--no-shrink', '--json', '--machines', mutant('container-no-in-doubt-guard')];
      const check = async () => {
        const { io, out } = fakeIo();
        expect(await main(argv, io)).toBe(1);
        return (JSON.parse(out[0]) as { failures: { seed: number; traceDigest: string; replay: string; plan: { file: string } }[] }).failures[0];
      };
      const f = await check();
      for (let seed = 1; seed <= 64; seed++) expect(readFileSync(`chaos-guided-${seed}.json`, 'utf8')).toBe(mine(seed));
      expect(f.plan.file).toBe(`chaos-guided-${f.seed}-2.json`);
      expect(f.replay).toContain(`--scenario-file chaos-guided-${f.seed}-2.json --seed ${f.seed}`);
      // The replay command as printed reproduces the failure.
      const run = fakeIo();
      expect(await main([...f.replay.split(' ').slice(1), '--json'], run.io)).toBe(1);
      expect(JSON.parse(run.out[0]).traceDigest).toBe(f.traceDigest);
      // Checked again: the same plan, so the file holding it is reused, not a third one written.
      expect((await check()).plan.file).toBe(f.plan.file);
      expect(readdirSync(dir).filter((n) => n.startsWith(`chaos-guided-${f.seed}-`))).toEqual([`chaos-guided-${f.seed}-2.json`]);
    } finally {
      process.chdir(cwd);
    }
  }, 180_000);

  it('passes some hundreds of guided seeds on the correct model', async () => {
    const report = await checkScenario({ scenario: 'chaos', strategy: 'guided', from: 1, count: 256, workers: 2 });
    expect(report.failed + report.crashed).toBe(0);
    expect(report.corpus).toBeGreaterThan(0);
  }, 300_000);

  it('refuses to draw a guided seed from its seed alone', () => {
    expect(() => runScenario({ scenario: 'chaos', seed: 1, strategy: 'guided' })).toThrow(/scenario-file/);
  });
});
