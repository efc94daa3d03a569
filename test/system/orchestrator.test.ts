import { createActor, createMachine } from 'xstate';
import { VirtualClock } from '../../actors/virtual-clock';
import { makeRecordSet } from '../../actors/record-set';
import { orchestratorMachine, resolveControl } from '../../system/orchestrator.machine';
import { defaultTopology } from '../../machines/topology';
import * as entry from '../../index';

function startSystem() {
  const clock = new VirtualClock();
  const actor = createActor(orchestratorMachine, {
    id: 'tps',
    clock,
    input: { topology: defaultTopology, batches: makeRecordSet(1), latency: () => 3 },
  });
  actor.start();
  return { actor, clock, get: (id: string) => actor.system.get(id)! };
}

describe('orchestrator', () => {
  it('spawns every component, the spec, with stable systemIds', () => {
    const { actor, get } = startSystem();
    expect(Object.keys(actor.getSnapshot().children)).toHaveLength(32);
    for (const id of ['queue:inbound-preprocess:r1', 'container:preprocess:r1', 'table:preprocess', 'table:preprocess:r1', 'table:preprocess:replicator', 'dns:in', 'dns:out', 'source', 'destination', 'spec'])
      expect(get(id)).toBeDefined();
  });

  it('routes fault commands to components by id, without knowing their kinds in code paths', () => {
    const { actor, get } = startSystem();
    actor.send({ type: 'tps.control', command: { target: 'table:preprocess', verb: 'fail', args: { region: 1 } } });
    actor.send({ type: 'tps.control', command: { target: 'container:core:r2', verb: 'fail' } });
    actor.send({ type: 'tps.control', command: { target: 'queue:outbound:r1', verb: 'fail' } });
    actor.send({ type: 'tps.control', command: { target: 'dns:in', verb: 'setRegionOnline', args: { region: 2, online: false } } });
    expect(get('table:preprocess:r1').getSnapshot().value).toBe('failed');
    expect(get('table:preprocess:r2').getSnapshot().value).toBe('active');
    expect(get('container:core:r2').getSnapshot().value).toBe('failedProcessing');
    expect(get('queue:outbound:r1').getSnapshot().value).toBe('failed');
    expect(get('dns:in').getSnapshot().context.targets.map((t: { online: boolean }) => t.online)).toEqual([true, false]);
    actor.send({ type: 'tps.control', command: { target: 'table:preprocess', verb: 'recover', args: { region: 1 } } });
    expect(get('table:preprocess:r1').getSnapshot().value).toBe('active');
  });

  it('rejects an unknown id or verb with a clear error, and tells the sender', () => {
    const { actor } = startSystem();
    const received: unknown[] = [];
    const probe = createActor(createMachine({ on: { '*': { actions: ({ event }) => received.push(event) } } })).start();
    actor.send({ type: 'tps.control', command: { target: 'table:nope', verb: 'fail' }, replyTo: probe });
    actor.send({ type: 'tps.control', command: { target: 'queue:inbound:r1', verb: 'explode' }, replyTo: probe });
    const reasons = actor.getSnapshot().context.rejected.map((r) => r.reason);
    expect(reasons[0]).toMatch(/^unknown component 'table:nope'; known: .*table:preprocess/);
    expect(reasons[1]).toBe("queue 'queue:inbound:r1' has no verb 'explode'; it accepts: fail, recover");
    expect(received).toEqual([
      expect.objectContaining({ type: 'tps.controlRejected', reason: reasons[0] }),
      expect.objectContaining({ type: 'tps.controlRejected', reason: reasons[1] }),
    ]);
  });

  it('the package exports its input schema and type; the machine refuses what the schema refuses', () => {
    const input: entry.OrchestratorInput = { topology: defaultTopology, batches: makeRecordSet(1) };
    expect(entry.orchestratorMachine).toBe(orchestratorMachine);
    expect(entry.orchestratorInputSchema.parse(input).batches.flat()).toHaveLength(30);
    const bad = { topology: defaultTopology, batches: [[{ recordId: 'one', recordValue: 1 }]] };
    expect(entry.orchestratorInputSchema.safeParse(bad).success).toBe(false);
    const actor = createActor(entry.orchestratorMachine, { input: bad as never });
    expect(actor.getSnapshot().status).toBe('error');
    expect(String((actor.getSnapshot() as { error?: Error }).error?.message)).toMatch(/Invalid orchestrator input: batches\.0\.0\.recordId: /);
  });

  it('resolveControl maps verbs by kind', () => {
    expect(resolveControl({ 'table:core': 'table' }, { target: 'table:core', verb: 'failReplication' })).toEqual({
      event: { type: 'table.failReplication' },
      kind: 'table',
    });
    expect(resolveControl({ 'container:core:r1': 'container' }, { target: 'container:core:r1', verb: 'recover' })).toEqual({
      event: { type: 'container.recover' },
      kind: 'container',
    });
    // a crash's stragglers: the network delays a sender's messages in flight, within bounds
    expect(resolveControl({ network: 'network' }, { target: 'network', verb: 'delayInFlight', args: { from: 'container:core:r1', ms: 40 } })).toEqual({
      event: { type: 'network.delayInFlight', from: 'container:core:r1', ms: 40 },
      kind: 'network',
    });
    expect(resolveControl({ network: 'network' }, { target: 'network', verb: 'delayInFlight', args: { from: 'container:core:r1', ms: 60_001 } })).toEqual({
      error: expect.stringMatching(/^network 'network' delayInFlight: args\.ms: /),
    });
  });

  it('rejects bad input naming the field', () => {
    const actor = createActor(orchestratorMachine, { input: { topology: { regions: [], stages: [] }, batches: [] } });
    expect(actor.getSnapshot().status).toBe('error');
    expect(String((actor.getSnapshot() as { error?: Error }).error?.message)).toMatch(/topology\.regions: .*two regions/);
  });

  it('runs records through the pipeline with latency on the virtual clock', () => {
    const { actor, clock, get } = startSystem();
    actor.send({ type: 'tps.control', command: { target: 'source', verb: 'publish', args: { batch: 1 } } });
    clock.run();
    expect(get('destination').getSnapshot().context.count).toBe(10);
    expect(get('spec').getSnapshot().value).toBe('hot');
    expect(clock.now()).toBeGreaterThan(0);
  });
});
