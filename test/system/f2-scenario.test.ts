import { runScenario } from '../../system/run-scenario';
import { ids } from '../../machines/ids';

const fifoKey = 'batch 2 routed to its region written before batch 3 routed to its region';

describe('F2 fail-database scenario (seed 1)', () => {
  const { report, result } = runScenario({ scenario: 'f2-fail-database', seed: 1 });
  const step = (n: string) => report.steps.find((s) => s.step === n)!;

  it('passes: every step ok, spec cold, nothing lost or duplicated, no unhandled event', () => {
    expect(report.verdict).toBe('pass');
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['1-4', true],
      ['5', true],
      ['6', true],
      ['7', true],
      ['8', true],
      ['9', true],
      ['10', true],
    ]);
    expect(report.specState).toBe('cold');
    expect(report.records).toEqual({ published: 30, delivered: 30, duplicates: 0, lost: 0 });
    expect(report.violations).toEqual([]);
    expect(report.unhandledEvents).toBe(0);
  });

  it('step 5 delivers batch 1, half per region', () => {
    expect(step('5').observed).toEqual({ delivered: 10, 'batch 1 per region': { r1: 5, r2: 5 } });
  });

  it('step 6 fails the preprocess table in region 1 only', () => {
    expect(step('6').commands).toEqual([{ target: 'table:preprocess', verb: 'fail', args: { region: 1 } }]);
    expect(step('6').observed).toEqual({ 'table:preprocess:r1': 'failed' });
    expect(result.final.spec.regions).toEqual([1, 2]);
  });

  it('step 7 leaves region 1 batch 2 waiting in its inbound-preprocess queue while region 2 delivers', () => {
    const o = step('7').observed;
    expect(o['container:preprocess:r1']).toBe('failedDependency');
    expect(o['queue:inbound-preprocess:r1 pending']).toEqual([11, 13, 15, 17, 19]);
    expect(o['batch 2 not routed to r1 at destination']).toEqual([12, 14, 16, 18, 20]);
    expect(o.delivered).toBe(15);
  });

  it('step 8 recovers the table, then the container', () => {
    expect(step('8').commands).toEqual([
      { target: 'table:preprocess', verb: 'recover', args: { region: 1 } },
      { target: 'container:preprocess:r1', verb: 'recover' },
    ]);
  });

  it('region 1 writes its pending batch 2 records before any batch 3 record (FIFO within a region)', () => {
    expect(step('10').observed[fifoKey]).toEqual({ 'table:preprocess:r1': true });
  });

  it('ends with 30 records in both replicas of all five tables', () => {
    const rows = step('10').observed.tableRows as Record<string, number>;
    expect(Object.keys(rows)).toHaveLength(10);
    expect(new Set(Object.values(rows))).toEqual(new Set([30]));
  });

  it('reports whether cross-region order was preserved at the destination', () => {
    expect(report.destinationArrivals).toHaveLength(30);
    expect(new Set(report.destinationArrivals).size).toBe(30);
    const sorted = [...report.destinationArrivals].sort((a, b) => a - b);
    expect(report.crossRegionOrderPreserved).toBe(
      JSON.stringify(sorted) === JSON.stringify(report.destinationArrivals),
    );
  });

  it('uses readable systemIds', () => {
    const names = result.layout.components.map((c) => c.systemId);
    expect(names).toEqual(
      expect.arrayContaining([
        'queue:inbound-preprocess:r1',
        'container:preprocess:r1',
        'table:preprocess',
        ids.inDns,
        ids.outDns,
        ids.source,
        ids.destination,
      ]),
    );
    expect(names).toHaveLength(31);
  });
});

describe('F2 global variant (seed 1)', () => {
  const { report } = runScenario({ scenario: 'f2-fail-database-global', seed: 1 });
  const step = (n: string) => report.steps.find((s) => s.step === n)!;

  it('passes', () => {
    expect(report.verdict).toBe('pass');
    expect(report.records.delivered).toBe(30);
  });

  it('fails the whole table, and both regions wait in failed dependency', () => {
    expect(step('6').commands).toEqual([{ target: 'table:preprocess', verb: 'fail' }]);
    const o = step('7').observed;
    expect(o['container:preprocess:r1']).toBe('failedDependency');
    expect(o['container:preprocess:r2']).toBe('failedDependency');
    expect(o['queue:inbound-preprocess:r1 pending']).toEqual([11, 13, 15, 17, 19]);
    expect(o['queue:inbound-preprocess:r2 pending']).toEqual([12, 14, 16, 18, 20]);
    expect(o.delivered).toBe(10);
  });

  it('recovers the table and each container that entered failed dependency', () => {
    expect(step('8').commands).toEqual([
      { target: 'table:preprocess', verb: 'recover' },
      { target: 'container:preprocess:r1', verb: 'recover' },
      { target: 'container:preprocess:r2', verb: 'recover' },
    ]);
    expect(step('10').observed[fifoKey]).toEqual({ 'table:preprocess:r1': true, 'table:preprocess:r2': true });
  });
});

describe.each(['f2-fail-database', 'f2-fail-database-global'])('%s over seeds 1-100', (scenario) => {
  it('passes every seed', () => {
    const failing: number[] = [];
    for (let seed = 1; seed <= 100; seed++) {
      const { report } = runScenario({ scenario, seed });
      if (report.verdict !== 'pass') failing.push(seed);
      expect(report.records.delivered).toBe(30);
    }
    expect(failing).toEqual([]);
  });
});
