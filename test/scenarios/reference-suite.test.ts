import { runScenario } from '../../system/run-scenario';
import type { StepResult } from '../../system/scenarios/scenario-driver.machine';

/** The takeaways of each reference page, as the steps observed them (seed 1, the seed's topology). */
const run = (scenario: string, seed = 1) => {
  const { report } = runScenario({ scenario, seed });
  const step = (n: string) => report.steps.find((s) => s.step === n) as StepResult;
  return { report, step };
};

const fifo = 'batch 2 routed to its region written before batch 3 routed to its region';

describe('the reference active-active suite', () => {
  it('f1-fail-container: region 1 records wait in the inbound-preprocess queue while the container is down, then go first', () => {
    const { report, step } = run('f1-fail-container');
    expect(report.verdict).toBe('pass');
    expect(step('6').observed).toEqual({ 'container:preprocess:r1': 'failedProcessing' });
    expect(step('7').observed).toEqual(
      expect.objectContaining({
        'container:preprocess:r1': 'failedProcessing',
        'queue:inbound-preprocess:r1 pending': [11, 13, 15, 17, 19],
        delivered: 15,
        'batch 2 not routed to r1 at destination': [12, 14, 16, 18, 20],
      }),
    );
    expect(step('10').observed[fifo]).toEqual({ 'table:preprocess:r1': true });
  });

  it('f3-fail-queue: the inbound container enters failed dependency and region 1 records wait in the inbound queue', () => {
    const { report, step } = run('f3-fail-queue');
    expect(report.verdict).toBe('pass');
    expect(step('7').observed).toEqual(
      expect.objectContaining({
        'container:inbound:r1': 'failedDependency',
        'queue:inbound:r1 pending': [11, 13, 15, 17, 19],
        delivered: 15,
      }),
    );
    expect(step('8').commands.map((c) => `${c.verb} ${c.target}`)).toEqual([
      'recover queue:inbound-preprocess:r1',
      'recover container:inbound:r1',
      'recover container:preprocess:r1',
    ]);
    expect(step('10').observed[fifo]).toEqual({ 'table:inbound:r1': true, 'table:preprocess:r1': true });
  });

  it('f4-fail-replication: batch 2 is processed everywhere while its copies wait; held copies are applied before batch 3', () => {
    const { report, step } = run('f4-fail-replication');
    expect(report.verdict).toBe('pass');
    expect(step('6').commands).toHaveLength(5);
    // 10 records x 5 tables x 1 other region
    expect(step('7').observed).toEqual({ delivered: 20, 'copies of batch 2 held for replication': '50 of 50' });
    const order = step('10').observed['batch 2 not routed to its region replicated before batch 3 not routed to its region'] as Record<string, boolean>;
    expect(Object.keys(order)).toHaveLength(10);
    expect(Object.values(order).every(Boolean)).toBe(true);
    expect(new Set(Object.values(step('10').observed.tableRows as Record<string, number>))).toEqual(new Set([30]));
  });

  it('f5-fail-random: a seed-chosen set of region 1 components fails and recovers; nothing is replayed', () => {
    const counts = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const { report, step } = run('f5-fail-random', seed);
      expect(report.verdict).toBe('pass');
      expect(report.records.duplicates).toBe(0);
      const failed = step('6').commands;
      counts.add(failed.length);
      expect(failed.every((c) => c.verb === 'fail' && (c.target.endsWith(':r1') || c.args?.region === 1))).toBe(true);
      // exactly those are recovered (and the containers they left in failed dependency)
      const recovered = step('8').commands.filter((c) => !failed.every((f) => f.target !== c.target) || true);
      for (const f of failed) expect(recovered.some((c) => c.target === f.target && c.verb === 'recover')).toBe(true);
      const order = step('10').observed;
      const fifoChecks = Object.entries(order).filter(([k]) => k.startsWith('batch 2 routed'));
      expect(fifoChecks.length).toBeGreaterThan(0);
    }
    expect(counts.size).toBeGreaterThan(4);
  });

  it('failover: region 1 goes offline in both DNS; batches 2 and 3 go to region 2 only, and everything arrives', () => {
    const { report, step } = run('failover');
    expect(report.verdict).toBe('pass');
    expect(step('6').commands).toEqual([
      { target: 'dns:in', verb: 'setRegionOnline', args: { region: 1, online: false } },
      { target: 'dns:out', verb: 'setRegionOnline', args: { region: 1, online: false } },
    ]);
    expect(step('7').observed).toEqual({ 'batch 2+3 per region': { r2: 20 } });
    expect(report.records.delivered).toBe(30);
  });
});

describe('every built-in scenario on other topologies', () => {
  const topologies = {
    'three regions 1/1/1': { regions: [1, 2, 3].map((region) => ({ region, weight: 1 })), stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'] },
    'three regions 50/30/20': {
      regions: [
        { region: 1, weight: 50 },
        { region: 2, weight: 30 },
        { region: 3, weight: 20 },
      ],
      stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'],
    },
    'seven stages': {
      regions: [
        { region: 1, weight: 50 },
        { region: 2, weight: 50 },
      ],
      stages: ['inbound', 'validate', 'preprocess', 'core', 'enrich', 'postprocess', 'outbound'],
    },
  };
  const names = ['happy-path', 'f1-fail-container', 'f2-fail-database', 'f2-fail-database-global', 'f3-fail-queue', 'f4-fail-replication', 'f5-fail-random', 'failover', 'chaos'];
  describe.each(Object.entries(topologies))('%s', (_, topology) => {
    it.each(names)('%s passes seeds 1-4, waits computed from the actual routing', (scenario) => {
      for (let seed = 1; seed <= 4; seed++) {
        const { report } = runScenario({ scenario, seed, topology });
        if (report.verdict !== 'pass') throw new Error(`${scenario} seed ${seed}: ${JSON.stringify(report.steps.find((s) => !s.ok) ?? report.violations[0])}`);
        expect(report.records.delivered).toBe(30);
      }
    });
  });

  it('on three regions F2 waits for region 1 share of batches 1-2, not 30 / 2', () => {
    const { report } = runScenario({ scenario: 'f2-fail-database', seed: 1, topology: topologies['three regions 50/30/20'] });
    const step7 = report.steps.find((s) => s.step === '7')!;
    expect(step7.waited[0]).toMatch(/^queue:inbound-preprocess:r1 has seen (\d+) sends$/);
    const pending = step7.observed['queue:inbound-preprocess:r1 pending'] as number[];
    expect(pending.length).toBe(5); // 50% of batch 2
    expect(Number(/seen (\d+)/.exec(step7.waited[0])![1])).toBe(10);
  });
});
