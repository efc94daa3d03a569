import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerMachine } from '../../machines/container.machine';
import { failureSignature, shrinkPlan } from '../../system/checker/shrink';
import { runScenario } from '../../system/run-scenario';
import { removesBeforePersisting } from '../fixtures/faulty-container';

const chaos79 = join(__dirname, '..', 'fixtures', 'chaos-seed-79.json');

// Real simulations (a few dozen small runs each); a loaded machine can be slow.
jest.setTimeout(120_000);

/** The container forgets a send left in doubt by a crash: recovered, it sends the record again. */
const noInDoubtGuard = containerMachine.provide({ guards: { isCurrentAndInDoubt: () => false } });

/** Every batch a step publishes or a selector names exists in the plan's record set. */
function batchesConsistent(plan: { records: { batches: number }; steps: { publish?: number[] }[] }) {
  return plan.steps.every((s) => (s.publish ?? []).every((b) => b >= 1 && b <= plan.records.batches));
}

describe('shrinkPlan', () => {
  it('shrinks a bug that needs no fault to no fault, one batch and few records', () => {
    const seed = 1;
    const { report, plan } = runScenario({ scenario: 'chaos', seed, machines: { container: removesBeforePersisting } });
    expect(report.verdict).toBe('fail');
    expect(plan!.faults!.length).toBeGreaterThan(0);
    const result = shrinkPlan({ plan, seed, machines: { container: removesBeforePersisting } });
    expect(result.signature).toBe('violation removed-before-persisted-and-forwarded');
    expect(result.before).toEqual({ faults: plan!.faults!.length, records: 30, messages: report.stats.messages });
    expect(result.after.faults).toBe(0);
    expect(result.plan.faults).toBeUndefined();
    expect(result.plan.records.batches).toBeLessThanOrEqual(1);
    expect(result.after.records).toBeLessThanOrEqual(3);
    expect(result.after.messages).toBeLessThan(result.before.messages / 5);
    expect(batchesConsistent(result.plan)).toBe(true);
    // No step waits for faults to heal: there are none.
    expect(JSON.stringify(result.plan.steps)).not.toContain('faultsHealed');
    expect(result.complete).toBe(true);
  });

  it('shrinks a bug that needs a crash to container crashes only, fewer records, and the saved file replays the failure', () => {
    // Seed 79 of chaos kills this bug (found by `tps check chaos --seeds 1500` with it: 9 failing seeds);
    // its drawn plan, saved (--save-plan) so that a change to chaos does not move it, has 6 faults,
    // among them whole-table replication failures.
    const seed = 79;
    const machines = { container: noInDoubtGuard };
    const { report, plan } = runScenario({ scenarioFile: chaos79, seed, machines });
    expect(failureSignature(report)).toBe('violation duplicate');
    expect(new Set(plan!.faults!.map((f) => f.kind)).size).toBeGreaterThan(1);
    const result = shrinkPlan({ plan, seed, machines });
    expect(result.signature).toBe('violation duplicate');
    expect(result.after.faults).toBeGreaterThanOrEqual(1);
    expect(result.after.faults).toBeLessThanOrEqual(2);
    expect(result.plan.faults!.every((f) => f.kind === 'container-fail')).toBe(true);
    expect(result.after.records).toBeLessThan(result.before.records);
    expect(batchesConsistent(result.plan)).toBe(true);
    expect(result.plan.seed).toBe(seed);

    const file = join(mkdtempSync(join(tmpdir(), 'tps-shrink-')), 'min.json');
    writeFileSync(file, JSON.stringify(result.plan));
    const replay = runScenario({ scenarioFile: file, seed, machines }).report;
    expect(failureSignature(replay)).toBe(result.signature);
    expect(replay.stats.messages).toBe(result.after.messages);
    // The correct container passes the minimal plan: the crash alone is not a failure.
    expect(runScenario({ scenarioFile: file, seed }).report.verdict).toBe('pass');
  });

  it('refuses a plan that passes, and stops at its run budget with a smaller plan', () => {
    const { plan } = runScenario({ scenario: 'chaos', seed: 1 });
    expect(() => shrinkPlan({ plan, seed: 1 })).toThrow(/seed 1 passes this plan: nothing to shrink/);
    const failing = runScenario({ scenario: 'chaos', seed: 1, machines: { container: removesBeforePersisting } }).plan;
    const result = shrinkPlan({ plan: failing, seed: 1, machines: { container: removesBeforePersisting }, maxRuns: 3 });
    expect(result.runs).toBe(3);
    expect(result.complete).toBe(false);
    expect(result.after.faults).toBeLessThanOrEqual(result.before.faults);
  });

  it('reports a candidate that crashes the run (a thrown error), not as "not a candidate"', () => {
    // The faulty container fails the original run with a violation; a later run (a candidate) throws.
    // Runs are deterministic: the original makes as many guard calls as a first run of it did, so any call past those is a candidate's.
    let calls = 0;
    let limit = Infinity;
    const isCurrent = removesBeforePersisting.implementations.guards.isCurrent as (...args: unknown[]) => boolean;
    const crashesInCandidates = removesBeforePersisting.provide({
      guards: {
        isCurrent: (args, params) => {
          if (++calls > limit) throw new Error('planted crash in a candidate');
          return isCurrent(args, params);
        },
      },
    });
    const { plan } = runScenario({ scenario: 'chaos', seed: 1, machines: { container: crashesInCandidates } });
    limit = calls;
    calls = 0;
    const result = shrinkPlan({ plan, seed: 1, machines: { container: crashesInCandidates } });
    expect(result.signature).toBe('violation removed-before-persisted-and-forwarded');
    expect(result.crash).toEqual(expect.objectContaining({ error: expect.stringContaining('planted crash in a candidate') }));
    expect(result.crash!.plan.steps.length).toBeGreaterThan(0);
    expect(result.complete).toBe(false);
    // Nothing was kept after the crash: the plan is the original's.
    expect(result.after.faults).toBe(result.before.faults);
  });

  it('failure signatures come from the typed failure kind, not from step text', () => {
    const { report } = runScenario({ scenario: 'chaos', seed: 1, machines: { container: removesBeforePersisting } });
    expect(report.failure).toEqual(expect.objectContaining({ kind: 'violation', property: 'removed-before-persisted-and-forwarded' }));
    const reworded = { ...report, failure: undefined, violations: [], steps: report.steps.map((s) => ({ ...s, ok: false, failure: 'deadline' as const, detail: 'anything at all' })) };
    expect(failureSignature({ ...reworded, failure: { kind: 'step-failed', step: '1', failure: 'deadline', specState: 'stuck' } })).toBe('step deadline (spec stuck)');
  });
});
