import { InputError } from '../../machines/support';
import { progressOf } from '../../specs/active-active-spec.machine';
import { layoutOf, queueNames } from '../../machines/layout';
import { runScenario } from '../../system/run-scenario';
import { defaultTopology, parseTopology } from '../../machines/topology';
import { makeRecordSet } from '../../actors/record-set';

describe('topology', () => {
  it('the default is the seed: two regions at 50/50, five stages, six queues a region', () => {
    expect(queueNames(defaultTopology.stages)).toEqual([
      'inbound',
      'inbound-preprocess',
      'preprocess-core',
      'core-postprocess',
      'postprocess-outbound',
      'outbound',
    ]);
    const layout = layoutOf(defaultTopology, makeRecordSet(1));
    const count = (kind: string) => layout.components.filter((c) => c.kind === kind).length;
    expect([count('queue'), count('container'), count('table'), count('dns')]).toEqual([12, 10, 5, 2]);
  });

  it('builds and runs a 3-stage topology without code changes', () => {
    const topology = { regions: [{ region: 1, weight: 1 }, { region: 2, weight: 1 }], stages: ['inbound', 'preprocess', 'outbound'] };
    const happy = runScenario({ scenario: 'happy-path', seed: 2, topology });
    expect(happy.report.verdict).toBe('pass');
    expect(happy.result.layout.queues.map((q) => q.id).filter((id) => id.endsWith(':r1'))).toEqual([
      'queue:inbound:r1',
      'queue:inbound-preprocess:r1',
      'queue:preprocess-outbound:r1',
      'queue:outbound:r1',
    ]);
    const f2 = runScenario({ scenario: 'f2-fail-database', seed: 2, topology });
    expect(f2.report.verdict).toBe('pass');
    expect(f2.report.records.delivered).toBe(30);
  });

  it('runs three regions with uneven weights', () => {
    const topology = {
      regions: [{ region: 1, weight: 3 }, { region: 2, weight: 1 }, { region: 3, weight: 1 }],
      stages: ['inbound', 'core', 'outbound'],
    };
    const { report, result } = runScenario({ scenario: 'happy-path', seed: 4, topology });
    expect(report.verdict).toBe('pass');
    const progress = progressOf(result.final.spec);
    const regions = progress.recordIds().map((id) => progress.regionOf(id));
    expect([1, 2, 3].map((r) => regions.filter((x) => x === r).length)).toEqual([18, 6, 6]);
  });

  it('rejects a bad topology naming what is wrong', () => {
    expect(() => parseTopology({ regions: [{ region: 1 }], stages: ['a'] })).toThrow(InputError);
    expect(() => parseTopology({ regions: [{ region: 1 }], stages: ['a'] })).toThrow(/regions: an active-active system needs at least two regions/);
    expect(() => parseTopology({ regions: [{ region: 1 }, { region: 1 }], stages: ['a'] })).toThrow(/regions: region numbers must be distinct/);
    expect(() => parseTopology({ regions: [{ region: 1 }, { region: 2 }], stages: ['Pre Process'] })).toThrow(/stages\.0: use lower-case words/);
    expect(() => parseTopology({ regions: [{ region: 1 }, { region: 2 }], stages: ['a'], extra: 1 })).toThrow(/extra/);
  });
});
