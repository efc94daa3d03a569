import { runScenario } from '../../system/run-scenario';
import { builtInScenarios } from '../../system/scenarios';

// Whole runs of the active-passive system (not a timing test).
jest.setTimeout(60_000);

const run = (scenario: string, seed = 1) => runScenario({ scenario, seed }).report;
const observed = (report: ReturnType<typeof run>, step: string) => report.steps.find((s) => s.step === step)!.observed;

describe('the reference active-passive suite as scenarios', () => {
  // chaos fails some seeds by design (switches mid-flight); it has its own test below
  const fixed = Object.values(builtInScenarios)
    .filter((s) => s.design === 'active-passive' && s.name !== 'active-passive-chaos')
    .map((s) => s.name);

  it.each(fixed)('%s passes on the active-passive topology, every step asserted', (name) => {
    const report = run(name, 2);
    expect(report.topology.design).toBe('active-passive');
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(report.verdict).toBe('pass');
    expect(report.violations).toEqual([]);
    expect(report.records.delivered).toBe(report.records.published);
  });

  it('tcActivePassive: the 10 records arrive at the destination in publication order, through region 1 only', () => {
    const report = run('active-passive');
    expect(report.destinationArrivals).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(report.specState).toBe('cold');
  });

  it('F4: batch 2 reaches the destination while all 50 of its copies wait at the replicators', () => {
    const report = run('active-passive-f4-fail-replication');
    expect(observed(report, '3')).toMatchObject({ 'copies of batch 2 pending replication': '50 of 50' });
  });

  it('failover during a replication outage: the switch goes ahead and loses batch 2 copies in region 2, measured, not a failure', () => {
    const report = run('active-passive-failover-replication-down');
    expect(report.verdict).toBe('pass');
    expect(report.specState).toBe('incomplete');
    const lost = report.lostOnFailover!;
    expect([...new Set(lost.map((l) => l.recordId))]).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(lost.every((l) => /^table:[a-z]+:r2$/.test(l.database))).toBe(true);
    expect(report.records).toMatchObject({ published: 30, delivered: 30, lost: 10 });
  });

  it('the same failover in a scenario that promises no loss fails, naming the records and the switch', () => {
    const plan = builtInScenarios['active-passive-failover-replication-down'].plan(1, undefined as never);
    const { lossOnFailover: _measured, ...promising } = plan;
    const report = runScenario({ scenarioData: { ...promising, name: 'promises-no-loss' }, seed: 1 }).report;
    expect(report.verdict).toBe('fail');
    expect(report.violations[0]).toMatchObject({ kind: 'lost-on-failover', recordId: 11, component: 'table:inbound:r2' });
    expect(report.violations[0].message).toMatch(/^record 11 was written to table:inbound:r1 but not replicated to table:inbound:r2 before the switch at t=\d+ms$/);
  });

  it('chaos: a seed whose plan switches the in-DNS while records are in flight breaks the one order (the page: let region 1 settle first)', () => {
    const report = run('active-passive-chaos', 20);
    expect(report.faults.map((f) => f.kind)).toContain('region-switch');
    expect(report.verdict).toBe('fail');
    expect(report.violations[0]).toMatchObject({ kind: 'order', component: 'table:inbound:r1' });
  });

  it('chaos: a seed that switches a database away and back loses a record not yet replicated, reported with its switch', () => {
    const report = run('active-passive-chaos', 21);
    expect(report.violations[0]).toMatchObject({ kind: 'lost-on-failover', recordId: 8, component: 'table:outbound:r2' });
  });

  it('chaos: a seed with queue, whole-database and slow-region faults and no switch passes once healed', () => {
    const report = run('active-passive-chaos', 1);
    expect(report.verdict).toBe('pass');
    expect(new Set(report.faults.map((f) => f.kind))).toEqual(new Set(['queue-fail', 'database-fail', 'slow-region']));
  });
});
