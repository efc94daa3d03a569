import { makeRecordSet } from '../../actors/record-set';
import { layoutOf } from '../../machines/layout';
import { compileScenario, parseScenarioFile } from '../../system/scenarios';
import { comparePlan, comparePlanFile, sharedFaultKindNames, sharedFaultKinds, translateFault, type SharedFault } from '../../system/scenarios/compare-plan';
import { defaultTopologyFor } from '../../machines/topology';

const at = { trigger: { at: 50 }, duration: 30 };
const shared = (f: Partial<SharedFault> & Pick<SharedFault, 'kind' | 'target'>): SharedFault => ({ id: 'f1', ...at, ...f });

describe('the comparison plan and its translation to each design', () => {
  it('translates each shared fault to the fault of the same component in each design', () => {
    const cases: [SharedFault, unknown, unknown][] = [
      [shared({ kind: 'container', target: 'container:core:r2' }), { kind: 'container-fail', target: 'container:core:r2' }, { kind: 'container-fail', target: 'container:core:r2' }],
      [shared({ kind: 'queue', target: 'queue:core:r1' }), { kind: 'queue-fail' }, { kind: 'queue-fail' }],
      [shared({ kind: 'store', target: 'table:core' }), { kind: 'table-fail', target: 'table:core' }, { kind: 'database-fail', target: 'table:core' }],
      [shared({ kind: 'replication', target: 'table:core' }), { kind: 'replication-fail' }, { kind: 'database-replication-fail' }],
      [shared({ kind: 'dns-region', target: 'dns:in', region: 1 }), { kind: 'dns-offline', region: 1 }, { kind: 'region-switch', target: 'dns:in' }],
      [shared({ kind: 'slow-region', target: 'network', region: 2, factor: 5 }), { kind: 'slow-region', region: 2, factor: 5 }, { kind: 'slow-region', region: 2, factor: 5 }],
    ];
    for (const [f, aa, ap] of cases) {
      expect(translateFault(f, 'active-active')).toMatchObject({ id: 'f1', ...at, ...(aa as object) });
      expect(translateFault(f, 'active-passive')).toMatchObject({ id: 'f1', ...at, ...(ap as object) });
    }
    // a switch takes no region
    expect(translateFault(cases[4][0], 'active-passive')).not.toHaveProperty('region');
    // the passive region going offline: the failover DNS sends nothing there, so it is no fault
    expect(translateFault(shared({ kind: 'dns-region', target: 'dns:out', region: 2 }), 'active-passive')).toBeUndefined();
    expect(Object.keys(sharedFaultKinds)).toEqual(sharedFaultKindNames);
  });

  it('draws the same plan for a seed, every shared kind over many seeds, and differs by seed', () => {
    expect(comparePlan(7)).toEqual(comparePlan(7));
    expect(comparePlan(7)).not.toEqual(comparePlan(8));
    const kinds = new Set(Array.from({ length: 200 }, (_, i) => comparePlan(i + 1).faults.map((f) => f.kind)).flat());
    expect([...kinds].sort()).toEqual([...sharedFaultKindNames].sort());
  });

  it("gives each design a valid scenario file: the same faults (where it has them), times, batches and pauses", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const plan = comparePlan(seed);
      const aa = parseScenarioFile(comparePlanFile(plan, 'active-active'));
      const ap = parseScenarioFile(comparePlanFile(plan, 'active-passive'));
      expect(aa.design ?? 'active-active').toBe('active-active');
      expect(ap.design).toBe('active-passive');
      expect(aa.faults!.map((f) => f.id)).toEqual(plan.faults.map((f) => f.id));
      const dropped = plan.faults.filter((f) => f.kind === 'dns-region' && f.region !== 1).map((f) => f.id);
      expect((ap.faults ?? []).map((f) => f.id)).toEqual(plan.faults.map((f) => f.id).filter((id) => !dropped.includes(id)));
      for (const f of ap.faults ?? []) {
        const twin = aa.faults!.find((g) => g.id === f.id)!;
        expect([f.target, f.trigger, f.duration]).toEqual([twin.target, twin.trigger, twin.duration]);
      }
      expect(ap.steps.filter((s) => s.sleep !== undefined).map((s) => s.sleep)).toEqual(plan.sleeps);
      expect(aa.steps.filter((s) => s.sleep !== undefined).map((s) => s.sleep)).toEqual(plan.sleeps);
      for (const [file, design] of [[aa, 'active-active'], [ap, 'active-passive']] as const) {
        const batches = makeRecordSet(seed, file.records.batches, file.records.size);
        expect(() => compileScenario(file, layoutOf(defaultTopologyFor(design), batches), batches)).not.toThrow();
      }
    }
  });
});
