import { main, type Io } from '../../cli/tps';
import { runScenario } from '../../system/run-scenario';
import { chaosPlan, healingBound } from '../../system/scenarios';
import { defaultTopology } from '../../machines/topology';

describe('chaos: seeded random fault plans', () => {
  const runs = Array.from({ length: 100 }, (_, i) => runScenario({ scenario: 'chaos', seed: i + 1 }).report);
  const faults = runs.flatMap((r) => r.faults);

  it('the correct model passes every seed: nothing lost or duplicated, the spec cold after healing', () => {
    const failing = runs.filter((r) => r.verdict !== 'pass').map((r) => r.seed);
    expect(failing).toEqual([]);
    for (const r of runs) expect(r.records).toEqual({ published: 30, delivered: 30, duplicates: 0, lost: 0 });
  });

  it('plans really vary: fault kinds, counts, targets and times differ from seed to seed', () => {
    expect(new Set(faults.map((f) => f.kind))).toEqual(
      new Set(['container-fail', 'queue-fail', 'table-region-fail', 'table-fail', 'replication-fail', 'dns-offline', 'slow-region']),
    );
    expect(new Set(runs.map((r) => r.faults.length)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(faults.map((f) => `${f.target}:${f.region ?? ''}`)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(faults.filter((f) => f.start !== null).map((f) => f.start)).size).toBeGreaterThanOrEqual(100);
    expect(new Set(runs.map((r) => JSON.stringify(r.faults.map((f) => f.label)))).size).toBe(100);
    // swarm testing: most seeds use only some of the kinds
    expect(runs.filter((r) => new Set(r.faults.map((f) => f.kind)).size < 4).length).toBeGreaterThan(50);
  });

  it('faults land inside in-flight work: a crash hits a container in each of its busy states', () => {
    const hit = new Set(faults.filter((f) => f.kind === 'container-fail' && f.start !== null).map((f) => f.hitState));
    for (const state of ['writingTable', 'publishing', 'removing', 'confirmingForward'])
      expect(hit).toContain(`processRecords.${state}`);
    // and the records they were carrying are named
    expect(faults.some((f) => f.hitState === 'processRecords.publishing' && typeof f.hitRecordId === 'number')).toBe(true);
  });

  it('the same seed draws the same plan; the healing bound is printed', () => {
    expect(chaosPlan(42, defaultTopology)).toEqual(chaosPlan(42, defaultTopology));
    expect(chaosPlan(42, defaultTopology)).not.toEqual(chaosPlan(43, defaultTopology));
    const bound = healingBound(30, 5, {});
    expect(runs[0].steps.at(-1)!.name).toContain(`within ${bound} virtual ms`);
  });

  it('the drawn plan is in the narrative and the JSON report', async () => {
    const out: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: () => {}, isTty: false };
    expect(await main(['run', 'chaos', '--seed', '5'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Fault plan \(\d+ faults?, carried out by the fault injector\):\n {2}f1: /);
    expect(out.join('\n')).toMatch(/f\d+: started t=\d+ms while .* healed t=\d+ms/);
    expect(runs[4].faults.length).toBeGreaterThan(0);
    expect(runs[4].faults[0]).toEqual(expect.objectContaining({ id: 'f1', label: expect.stringMatching(/^f1: /) }));
  });
});
