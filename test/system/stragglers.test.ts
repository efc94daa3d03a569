import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { machines as takesStaleReceive } from '../../mutants/queue-takes-stale-receive';
import { fakeIo } from '../support/fake-io';
import { shrinkPlan } from '../../system/checker/shrink';
import { runScenario } from '../../system/run-scenario';
import type { ScenarioFileInput } from '../../system/scenarios/format';

// Whole runs on a loaded machine (not a timing test).
jest.setTimeout(60_000);

const container = 'container:preprocess:r1';

/** One batch of four; the preprocess container of r1 crashes for 1 ms the moment it publishes its first record. */
const plan = (stragglers?: number): ScenarioFileInput => ({
  name: 'stragglers',
  records: { batches: 1, size: 4 },
  latency: { model: 'uniform', min: 5, max: 5 },
  faults: [
    {
      id: 'f1',
      kind: 'container-fail',
      target: container,
      trigger: { when: { actor: container, state: 'publishing' }, until: 2000 },
      duration: 1,
      ...(stragglers !== undefined ? { stragglers } : {}),
    },
  ],
  restartFailedContainers: true,
  steps: [
    { step: '1', name: 'publish', publish: [1], sleep: 10 },
    { step: '2', name: 'heal', waitFor: [{ faultsHealed: true }] },
    { step: '3', name: 'every record delivered', final: true, within: 3000 },
  ],
});

/** When the container's first queue.send (the one in flight at the crash) landed. */
function firstSendLanded(stragglers?: number): { at: number; crash: number; verdict: string } {
  const { result, report } = runScenario({ scenarioData: plan(stragglers), seed: 1, keepTrace: true });
  const lines = result.trace!.map((l) => JSON.parse(l) as { t: number; from: string; type: string });
  const send = lines.find((l) => l.from === container && l.type === 'queue.send')!;
  return { at: send.t, crash: report.faults[0].start!, verdict: report.verdict };
}

describe('a crash\'s stragglers (container-fail `stragglers`)', () => {
  it('the messages the container had in flight when it crashed land that many ms later; the others keep their latency', () => {
    const plain = firstSendLanded();
    const late = firstSendLanded(100);
    expect(plain.crash).toBe(late.crash);
    expect(plain.at).toBe(plain.crash + 5);
    expect(late.at).toBe(late.crash + 5 + 100);
    // the restarted container waits for that answer (the send is in doubt): the model copes
    expect(late.verdict).toBe('pass');
    expect(runScenario({ scenarioData: plan(100), seed: 1 }).report.faults[0].label).toMatch(/its messages in flight 100ms late/);
  });

  it('only a container-fail takes stragglers, and they are bounded (the error names the field; tps exits 2)', async () => {
    const queueFail = plan(5);
    queueFail.faults![0] = { ...queueFail.faults![0], kind: 'queue-fail', target: 'queue:preprocess-core:r1' };
    expect(() => runScenario({ scenarioData: queueFail })).toThrow(/faults\.0\.stragglers: only container-fail takes stragglers/);
    expect(() => runScenario({ scenarioData: plan(-1) })).toThrow(/faults\.0\.stragglers/);
    expect(() => runScenario({ scenarioData: plan(60_001) })).toThrow(/faults\.0\.stragglers/);
    // from the command line: exit 2 naming the field, nothing run
    const file = join(mkdtempSync(join(tmpdir(), 'tps-stragglers-')), 'bad.json');
    writeFileSync(file, JSON.stringify(queueFail));
    const { io, out, err } = fakeIo();
    expect(await main(['run', '--scenario-file', file], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/faults\.0\.stragglers: only container-fail takes stragglers/);
  });

  it('a planted bug only stragglers reach: targeted seed 72 kills queue-takes-stale-receive; the same plan without stragglers does not', () => {
    const run = runScenario({ scenario: 'chaos', strategy: 'targeted', seed: 72, machines: takesStaleReceive });
    expect(run.report.verdict).toBe('fail');
    expect(run.plan!.faults!.filter((f) => f.stragglers !== undefined).map((f) => [f.id, f.stragglers])).toEqual([['f4', 67]]);
    const without = { ...run.plan!, faults: run.plan!.faults!.map(({ stragglers: _late, ...f }) => f) };
    expect(runScenario({ scenarioData: without, seed: 72, machines: takesStaleReceive }).report.verdict).toBe('pass');
    // and the correct queue passes the plan with them
    expect(runScenario({ scenarioData: run.plan!, seed: 72 }).report.verdict).toBe('pass');
  });

  it('shrinking keeps the stragglers a failure needs (fewer ms) and drops those it does without', () => {
    const shrunk = (seed: number) => {
      const { plan } = runScenario({ scenario: 'chaos', strategy: 'targeted', seed, machines: takesStaleReceive });
      const result = shrinkPlan({ plan, seed, machines: takesStaleReceive, deadlineMs: 60_000 });
      expect(result.after.faults).toBeLessThan(result.before.faults);
      expect(runScenario({ scenarioData: result.plan, seed, machines: takesStaleReceive }).report.verdict).toBe('fail');
      return result.plan.faults!.map((f) => [f.id, f.kind, f.stragglers]);
    };
    // seed 72: the crash needs its send late, but 2 ms late is enough (from 67)
    expect(shrunk(72)).toEqual([['f4', 'container-fail', 2]]);
    // seed 218: with fewer records an immediate restart is race enough (from 66 ms late)
    expect(shrunk(218)).toEqual([['f2', 'container-fail', undefined]]);
  });
});
