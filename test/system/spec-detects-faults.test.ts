import { enqueueActions } from 'xstate';
import { containerMachine } from '../../machines/container.machine';
import { queueMachine } from '../../machines/queue.machine';
import type { QueueRemove } from '../../machines/protocol';
import { LATENCY } from '../../machines/support';
import { runScenario } from '../../system/run-scenario';
import { removesBeforePersisting } from '../fixtures/faulty-container';

describe('the spec fails (does not pass) a faulty system', () => {
  it('reports a container that removes a record before persisting and forwarding it', () => {
    const { report } = runScenario({ scenario: 'f2-fail-database', seed: 1, machines: { container: removesBeforePersisting } });
    expect(report.verdict).toBe('fail');
    const v = report.violations[0];
    expect(v).toEqual(
      expect.objectContaining({
        kind: 'removed-before-persisted-and-forwarded',
        recordId: 1,
        component: expect.stringMatching(/^queue:inbound:r1$/),
        at: expect.any(Number),
      }),
    );
    expect(v.message).toMatch(/record 1: removed from queue:inbound:r1 before inbound persisted it and sent it on/);
    expect(report.violations.every((x) => x.kind === 'removed-before-persisted-and-forwarded' || x.kind === 'duplicate')).toBe(true);
  });

  it('the same faulty container passes nothing on any seed', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { report } = runScenario({ scenario: 'happy-path', seed, machines: { container: removesBeforePersisting } });
      expect(report.verdict).toBe('fail');
      expect(report.violations.length).toBeGreaterThan(0);
    }
  });

  it('reports a liveness failure, listing where each pending record is stuck, when the containers never read their queues', () => {
    const neverRecovers = containerMachine.provide({ actions: { requestRecord: () => {} } });
    const { report } = runScenario({ scenario: 'happy-path', seed: 1, machines: { container: neverRecovers } });
    expect(report.verdict).toBe('fail');
    expect(report.specState).toBe('stuck');
    expect(report.stuck).toHaveLength(30);
    expect(report.stuck[0]).toEqual({ recordId: 1, region: 1, stuckAt: 'waiting in queue:inbound:r1, not received by container:inbound:r1' });
    const last = report.steps[report.steps.length - 1];
    expect(last.ok).toBe(false);
    expect(last.detail).toMatch(/went quiescent while waiting for: record destination holds 30 records/);
  });

  it('in strict mode fails on an event a state does not handle, naming actor, state and event', () => {
    const chatty = queueMachine.provide({
      actions: {
        // answers every remove twice: the second answer reaches the container in a state that has no use for it
        answerRemove: enqueueActions(({ context, event, enqueue }) => {
          const e = event as QueueRemove;
          const answer = { type: 'queue.bogus', queue: context.id } as const;
          enqueue.sendTo(e.replyTo, answer, { delay: LATENCY });
          enqueue.sendTo(
            e.replyTo,
            { type: 'queue.removeCompleted', queue: context.id, region: context.region, recordId: e.recordId, success: true, removed: true, corr: e.corr },
            { delay: LATENCY },
          );
        }),
      },
    });
    const strict = runScenario({ scenario: 'happy-path', seed: 1, machines: { queue: chatty } });
    expect(strict.report.verdict).toBe('fail');
    expect(strict.report.unhandledEvents).toBeGreaterThan(0);
    expect(strict.report.unhandled[0]).toEqual(
      expect.objectContaining({ actor: 'container:inbound:r1', state: 'processRecords.removing', event: 'queue.bogus' }),
    );
    const lax = runScenario({ scenario: 'happy-path', seed: 1, machines: { queue: chatty }, strict: false });
    expect(lax.report.unhandledEvents).toBe(strict.report.unhandledEvents);
    expect(lax.report.verdict).toBe('pass');
  });
});
