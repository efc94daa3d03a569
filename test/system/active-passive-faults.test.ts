import { activePassiveChaosKinds, activePassiveChaosPlan } from '../../system/scenarios/active-passive-generated';
import { faultCommands } from '../../system/faults/fault-plan';
import { runScenario } from '../../system/run-scenario';
import { scenarioFileSchema } from '../../system/scenarios';
import { defaultActivePassiveTopology } from '../../machines/topology';

describe('active-passive faults', () => {
  it('a region switch switches its target and switches it back when it heals; database faults use the database verbs', () => {
    const trigger = { at: 5 };
    expect(faultCommands({ id: 'a', kind: 'region-switch', target: 'dns:in', trigger, duration: 10 })).toEqual({
      fail: { target: 'dns:in', verb: 'switch' },
      recover: { target: 'dns:in', verb: 'switch' },
    });
    expect(faultCommands({ id: 'b', kind: 'database-replication-fail', target: 'table:core', trigger, duration: 10 })).toEqual({
      fail: { target: 'table:core', verb: 'failReplication' },
      recover: { target: 'table:core', verb: 'recoverReplication' },
    });
    expect(faultCommands({ id: 'c', kind: 'database-fail', target: 'table:core', trigger, duration: 10 }).fail).toEqual({ target: 'table:core', verb: 'fail' });
  });

  it('chaos plans are valid scenario files, the same for the same seed, drawn from the active-passive kinds only', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const plan = activePassiveChaosPlan(seed, defaultActivePassiveTopology);
      expect(scenarioFileSchema.safeParse(plan).success).toBe(true);
      for (const f of plan.faults ?? []) kinds.add(f.kind);
    }
    expect(activePassiveChaosPlan(7, defaultActivePassiveTopology)).toEqual(activePassiveChaosPlan(7, defaultActivePassiveTopology));
    expect([...kinds].sort()).toEqual([...activePassiveChaosKinds].sort());
  });

  it('a region switch aimed at a queue is refused before anything runs, naming what it needs', () => {
    const plan = {
      name: 'x',
      design: 'active-passive',
      faults: [{ id: 'f1', kind: 'region-switch', target: 'queue:inbound:r1', trigger: { at: 1 }, duration: 5 }],
      steps: [{ name: 'go', final: true }],
    };
    expect(() => runScenario({ scenarioData: plan })).toThrow(
      /faults\[0\] \(f1\)\.target: region-switch needs a database or failoverDns \('queue:inbound:r1' is a queue\); known: table:inbound, .*dns:in, dns:out/,
    );
  });
});
