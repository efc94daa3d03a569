import { createMachine, type AnyStateNode } from 'xstate';
import { containerMachine } from '../../machines/container.machine';
import { queueMachine } from '../../machines/queue.machine';
import { checkScenario } from '../../system/checker/check';
import {
  coverageCollector,
  coverageDefinitions,
  coverageKindOf,
  coverageSummary,
  coverageTable,
  emptyCoverage,
  mergeCoverage,
} from '../../system/checker/coverage';
import { runScenario } from '../../system/run-scenario';

jest.setTimeout(60_000);

const kinds = [
  'queue',
  'container',
  'regional-table',
  'replicator',
  'global-table',
  'weighted-dns',
  'record-source',
  'record-destination',
  'spec',
  'driver',
  'fault-injector',
  'regional-database',
  'one-way-replicator',
  'global-database',
  'failover-dns',
  'active-passive-spec',
];

describe('coverage definitions', () => {
  it('reads every state and transition from the machines, with distinct ids', () => {
    const defs = coverageDefinitions();
    expect(defs.map((d) => d.kind)).toEqual(kinds);
    for (const d of defs) {
      expect(new Set(d.transitions.map((t) => t.id)).size).toBe(d.transitions.length);
      expect(d.states.length).toBeGreaterThan(0);
    }
    const container = defs.find((d) => d.kind === 'container')!;
    expect(container.states).toEqual(expect.arrayContaining(['processRecords', 'processRecords.publishing', 'processRecords.confirmingForward', 'failedProcessing']));
    // The guard that was true is part of the id.
    expect(container.transitions.map((t) => t.id)).toContain(
      'processRecords.awaitingRecord: queue.record [isCurrentAndInDoubt] -> processRecords.confirmingForward',
    );
    // As many transitions as the machine defines: on, always, after, wildcard, per state node.
    let count = 0;
    const walk = (n: AnyStateNode) => {
      for (const ts of n.transitions.values()) count += ts.length;
      count += n.always?.length ?? 0;
      Object.values(n.states).forEach(walk);
    };
    walk(containerMachine.root);
    expect(container.transitions).toHaveLength(count);
  });
});

describe('coverage of runs', () => {
  it('counts the transitions a run took, and counts from two runs add up', () => {
    const one = coverageCollector();
    const a = runScenario({ scenario: 'f2-fail-database', seed: 1, onInspectionEvent: one.inspect });
    const countsA = one.finish(a.report.faults);
    const container = countsA.transitions.container!;
    // 30 records through 5 stages: taken at least once per record and stage (again for a record met again after a failure).
    const take = 'processRecords.awaitingRecord: queue.record [isCurrent] -> processRecords.writingTable';
    expect(container[take]).toBeGreaterThanOrEqual(30 * 5);
    expect(container[take]).toBeLessThanOrEqual(30 * 5 + 5);
    // Every record written was then published: the guard's outcome is in the id.
    expect(container['processRecords.writingTable: table.insertCompleted [succeeded] -> processRecords.publishing']).toBe(30 * 5);
    // F2 fails a table: the preprocess container of region 1 enters failed dependency.
    expect(countsA.states.container!.failedDependency).toBeGreaterThanOrEqual(1);
    expect(countsA.runs).toBe(1);

    const two = coverageCollector();
    const b = runScenario({ scenario: 'f2-fail-database', seed: 2, onInspectionEvent: two.inspect });
    const countsB = two.finish(b.report.faults);
    const merged = mergeCoverage(mergeCoverage(emptyCoverage(), countsA), countsB);
    expect(merged.runs).toBe(2);
    const id = take;
    expect(merged.transitions.container![id]).toBe(countsA.transitions.container![id] + countsB.transitions.container![id]);

    const table = coverageTable(merged);
    const c = table.kinds.find((k) => k.kind === 'container')!;
    expect(c.transitions.find((t) => t.id === id)!.count).toBe(merged.transitions.container![id]);
    expect(c.neverTaken.transitions).toEqual(c.transitions.filter((t) => t.count === 0).map((t) => t.id));
    expect(c.unknown).toEqual([]);
  });

  it("counts the spec's facts without making the spec an event per fact", () => {
    const collector = coverageCollector();
    let specEvents = 0;
    const { report, result } = runScenario({
      scenario: 'f2-fail-database',
      seed: 1,
      onInspectionEvent: (e) => {
        if (e.type === '@xstate.event' && (e.actorRef as { id?: string }).id === 'spec') specEvents++;
        collector.inspect(e);
      },
    });
    expect(report.verdict).toBe('pass');
    const spec = collector.finish(report.faults).transitions.spec!;
    // Facts are applied to the spec's context directly and counted as the transition each would take.
    const facts = spec['hot: * [no guard] -> targetless'];
    expect(facts).toBeGreaterThan(30 * 5 * 4);
    // The same trace as a run without coverage, and the spec got one event (its last record done), not one per fact.
    expect(result.traceDigest).toBe(runScenario({ scenario: 'f2-fail-database', seed: 1 }).result.traceDigest);
    expect(spec['hot: spec.check [no guard] -> targetless']).toBe(1);
    expect(specEvents).toBeGreaterThanOrEqual(1);
    expect(specEvents).toBeLessThan(5);
  });

  it('checkScenario merges every seed coverage and the fault hits; the same for any worker count', async () => {
    const inProcess = await checkScenario({ scenario: 'chaos', from: 3, count: 3, workers: 0, coverage: true });
    const summary = inProcess.coverage!;
    expect(summary.runs).toBe(3);
    // an active-active run lists no active-passive machine (they did not run, they were not "never taken")
    expect(summary.kinds.map((k) => k.kind)).toEqual(kinds.slice(0, 11));
    for (const k of summary.kinds) expect(k.transitions.covered).toBeLessThanOrEqual(k.transitions.total);
    // Merged as seeds arrive, not kept per seed.
    expect(inProcess.results.every((r) => r.coverage === undefined)).toBe(true);
    const hits = summary.faultHits.reduce((n, h) => n + h.count, 0);
    let planned = 0;
    for (const seed of [3, 4, 5]) planned += runScenario({ scenario: 'chaos', seed }).report.faults.length;
    expect(hits).toBe(planned);
    const { counts, ...rest } = summary;
    expect(coverageSummary(counts)).toEqual(rest);
    const pooled = await checkScenario({ scenario: 'chaos', from: 3, count: 3, workers: 2, coverage: true });
    expect(pooled.coverage!.counts).toEqual(summary.counts);
  });

  it('knows a machine by its definition, not its id: a provided or renamed machine is covered under its kind', () => {
    // provide() keeps the definition: a planted bug made so is the container kind
    expect(coverageKindOf(containerMachine.provide({}))).toBe('container');
    // a definition of its own under another id, given as the queue override
    const renamed = createMachine({ ...queueMachine.config, id: 'plantedQueue' } as never, queueMachine.implementations as never);
    expect(renamed.id).toBe('plantedQueue');
    const collector = coverageCollector({ queue: renamed });
    const { report } = runScenario({ scenario: 'happy-path', seed: 1, machines: { queue: renamed }, onInspectionEvent: collector.inspect });
    expect(report.verdict).toBe('pass');
    const counts = collector.finish(report.faults);
    const table = coverageTable(counts, { queue: renamed });
    const queue = table.kinds.find((k) => k.kind === 'queue')!;
    expect(queue.transitions.find((t) => t.id === 'processing: queue.send [no guard] -> targetless')!.count).toBeGreaterThan(0);
    expect(queue.unknown).toEqual([]);
    expect(coverageKindOf(renamed)).toBe('queue');
  });
});
