import { assign, createActor } from 'xstate';
import { recordDestinationMachine } from '../../machines/record-destination.machine';
import { activeActiveSpecMachine } from '../../specs/active-active-spec.machine';
import { summarize } from '../../cli/check';
import { checkScenario } from '../../system/checker/check';
import { ids } from '../../machines/ids';
import { finalStep, publish, control } from '../../system/scenarios/steps';
import { simulate } from '../../system/simulation';
import { runScenario } from '../../system/run-scenario';
import { machines as offlineDns } from '../../mutants/dns-routes-to-offline-region';
import { machines as wrongKey } from '../../mutants/container-removes-wrong-key';
import { machines as dedupByValue } from '../../mutants/destination-dedups-by-value';
import { happyPathSteps } from '../../system/scenarios/happy-path';

// Whole runs, some on worker threads: generous on a loaded machine (not a timing test).
jest.setTimeout(60_000);

const input = { recordIds: [1, 2, 3], stages: ['only'], regions: [1, 2], queueNames: ['only', 'only-out'], weights: [1, 0] };
const spec = () => createActor(activeActiveSpecMachine, { input }).start();
const violations = (a: ReturnType<typeof spec>) => a.getSnapshot().context.violations;

describe('spec property fifo', () => {
  it('allows a redelivery of the in-flight head; flags a record delivered after one that entered its region later', () => {
    const s = spec();
    for (const recordId of [1, 2, 3]) s.send({ type: 'spec.sent', position: 0, region: 1, recordId, at: recordId });
    s.send({ type: 'spec.received', position: 0, region: 1, recordId: 1, at: 5 });
    s.send({ type: 'spec.received', position: 0, region: 1, recordId: 1, at: 6 }); // consumer failed and asked again
    s.send({ type: 'spec.received', position: 0, region: 1, recordId: 3, at: 7 });
    expect(violations(s)).toEqual([]);
    s.send({ type: 'spec.received', position: 0, region: 1, recordId: 2, at: 8 });
    expect(violations(s)).toEqual([
      {
        kind: 'fifo',
        recordId: 2,
        component: 'queue:only:r1',
        at: 8,
        message: 'record 2: delivered by queue:only:r1 at t=8ms after record 3, which entered region 1 later',
      },
    ]);
  });

  it('flags local writes to a regional table out of the region order, not a retried write', () => {
    const s = spec();
    for (const recordId of [1, 2]) s.send({ type: 'spec.sent', position: 0, region: 1, recordId, at: recordId });
    for (const recordId of [1, 2]) s.send({ type: 'spec.received', position: 0, region: 1, recordId, at: 3 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 2, replication: false, at: 4 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 2, replication: false, at: 5 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 1, replication: false, at: 6 });
    expect(violations(s).map((v) => [v.kind, v.recordId, v.component, v.at])).toEqual([['fifo', 1, 'table:only:r1', 6]]);
    expect(violations(s)[0].message).toMatch(/written to table:only:r1 by container:only:r1 at t=6ms after record 2/);
  });
  it('judges a table row by its first write: a row written again late (a pre-crash write landing after later records) is no fifo violation', () => {
    const s = spec();
    for (const recordId of [1, 2, 3]) s.send({ type: 'spec.sent', position: 0, region: 1, recordId, at: recordId });
    for (const recordId of [1, 2, 3]) s.send({ type: 'spec.received', position: 0, region: 1, recordId, at: 4 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 1, replication: false, at: 5 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 3, replication: false, at: 6 });
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 1, replication: false, at: 7 }); // record 1's row again
    expect(violations(s)).toEqual([]);
    s.send({ type: 'spec.persisted', stage: 0, region: 1, recordId: 2, replication: false, at: 8 }); // first write, after 3
    expect(violations(s).map((v) => [v.kind, v.recordId, v.at])).toEqual([['fifo', 2, 8]]);
  });

  it('in a run: swarm chaos seed 3537, whose crashed container sent a table write that lands 500 ms late, passes', () => {
    const { report } = runScenario({ scenario: 'chaos', seed: 3537, strategy: 'swarm' });
    expect(report.violations).toEqual([]);
    expect(report.verdict).toBe('pass');
  });
});

describe('spec property exactly-once-kept', () => {
  it('flags a delivery the destination does not keep, and a count above its distinct ids', () => {
    const s = spec();
    s.send({ type: 'spec.kept', recordId: 1, kept: true, count: 1, at: 1 });
    s.send({ type: 'spec.kept', recordId: 1, kept: true, count: 1, at: 2 }); // a redelivery, not kept again: fine
    expect(violations(s)).toEqual([]);
    s.send({ type: 'spec.kept', recordId: 1, kept: true, count: 2, at: 3 });
    s.send({ type: 'spec.kept', recordId: 2, kept: false, count: 2, at: 4 });
    expect(violations(s).map((v) => [v.kind, v.recordId, v.component, v.at])).toEqual([
      ['exactly-once-kept', 1, 'destination', 3],
      ['exactly-once-kept', 2, 'destination', 4],
    ]);
    expect(violations(s)[0].message).toBe('record 1: kept again at t=3ms: the destination counts 2 records but keeps 1 distinct ids');
  });

  it('in a run: a destination that dedups by value loses a record; lost counts it and the verdict of simulate fails', () => {
    const r = simulate(happyPathSteps, { seed: 12, machines: dedupByValue });
    expect(r.records.lost).toBe(1);
    expect(r.verdict).toBe('fail');
    expect(r.violations[0].kind).toBe('exactly-once-kept');
  });

  it('in a run: a destination that counts deliveries without keeping them: lost is what it does not keep, never negative', () => {
    const doubleCount = recordDestinationMachine.provide({
      actions: { countRedelivery: assign({ count: ({ context }) => context.count + 1 }), },
      guards: { isNewRecord: () => false },
    });
    // every delivery is counted, none kept: published minus count would say 0 lost
    const r = simulate(happyPathSteps, { seed: 1, machines: { destination: doubleCount }, maxMessages: 20_000 });
    expect(r.records.lost).toBe(30);
    expect(r.records.lost).toBeGreaterThanOrEqual(0);
    expect(r.verdict).toBe('fail');
  });
});

describe('spec property weighted-routing', () => {
  it('flags a record routed to a region of weight 0 or offline in the in-DNS', () => {
    const s = spec();
    s.send({ type: 'spec.routed', region: 2, recordId: 1, at: 1 });
    s.send({ type: 'spec.regionOnline', region: 1, online: false, at: 2 });
    s.send({ type: 'spec.routed', region: 1, recordId: 2, at: 3 });
    expect(violations(s).map((v) => v.message)).toEqual([
      'record 1: routed to region 2 at t=1ms while that region is of weight 0 in dns:in',
      'record 2: routed to region 1 at t=3ms while that region is offline in dns:in',
    ]);
  });

  const offlineR2 = (layout: Parameters<typeof happyPathSteps>[0], batches: Parameters<typeof happyPathSteps>[1]) => [
    { step: '1', name: 'Take region 2 offline in the in-DNS', commands: [control(ids.inDns, 'setRegionOnline', { region: 2, online: false })] },
    ...batches.map((_, i) => ({ step: String(i + 2), name: `Publish batch ${i + 1}`, waits: [publish(i + 1)] })),
    finalStep(layout, batches, String(batches.length + 2)),
  ];

  it('the correct model routes everything to the online region and passes; a DNS that ignores setRegionOnline fails', () => {
    const ok = simulate(offlineR2, { seed: 3 });
    expect(ok.verdict).toBe('pass');
    expect(ok.routing.regions.map((r) => [r.routed, r.expected])).toEqual([[30, 30], [0, 0]]);
    const bad = simulate(offlineR2, { seed: 3, machines: offlineDns });
    expect(bad.verdict).toBe('fail');
    expect(bad.violations[0]).toEqual(expect.objectContaining({ kind: 'weighted-routing', component: 'dns:in' }));
    expect(bad.violations[0].message).toMatch(/^record \d+: routed to region 2 at t=\d+ms while that region is offline in dns:in$/);
  });

  it('tps check reports the split per region against the weights and its bound', async () => {
    const report = await checkScenario({ scenario: 'happy-path', count: 3, workers: 0 });
    expect(report.routing).toEqual([
      { region: 1, routed: 45, share: 50, expectedShare: 50, bound: 3.33, within: true },
      { region: 2, routed: 45, share: 50, expectedShare: 50, bound: 3.33, within: true },
    ]);
    expect(summarize(report)).toMatch(/Routing: r1 50.00% \(expected 50.00%, bound ±3.33%\), r2 50.00% \(expected 50.00%, bound ±3.33%\)/);
  });
});

describe('spec property no-progress', () => {
  it('a livelock ends at the virtual-time budget as a reported failure, not a hang', () => {
    const r = simulate(happyPathSteps, { seed: 1, machines: wrongKey, maxVirtualMs: 3000 });
    expect(r.verdict).toBe('fail');
    const v = r.violations.find((x) => x.kind === 'no-progress')!;
    expect(v).toEqual(expect.objectContaining({ recordId: 1, component: 'queue:inbound:r1' }));
    expect(v.at).toBeLessThanOrEqual(3000);
    expect(v.message).toMatch(/no progress: the run used its budget of 3000 virtual ms/);
    expect(r.stats.virtualTimeMs).toBeLessThanOrEqual(3000);
  });

  it('a fault-free run stays far inside the default budget', () => {
    const r = simulate(happyPathSteps, { seed: 1 });
    expect(r.verdict).toBe('pass');
    expect(r.violations).toEqual([]);
    expect(r.records).toEqual({ published: 30, delivered: 30, duplicates: 0, lost: 0 });
  });
});
