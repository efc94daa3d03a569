/**
 * Reuse: the component machines, taken from the package entry, run in a
 * small XState app of their own (not the project's orchestrator): a source
 * publishes through a weighted DNS into two regional queues; a container per
 * region moves records into a shared global table and on to an output queue.
 */
import { assign, createActor, setup, type ActorRefFrom, type AnyActorRef } from 'xstate';
import {
  containerMachine,
  globalTableMachine,
  Prng,
  queueInputSchema,
  queueMachine,
  recordSourceMachine,
  replicationLag,
  VirtualClock,
  weightedDnsMachine,
  type SourceBatchPublished,
  type TpsRecord,
} from '../index';

const REGIONS = [1, 2] as const;

/** seeded records: the same seed gives the same values */
function makeBatch(seed: number, ids: number[]): TpsRecord[] {
  const rng = new Prng(seed);
  return ids.map((recordId) => ({ recordId, recordValue: rng.int(1, 100_000) }));
}

type AppEvent =
  | { type: 'app.publish'; batch: number }
  | { type: 'app.failTable'; region?: number }
  | { type: 'app.recoverTable'; region?: number }
  | { type: 'app.recoverContainer'; region: number }
  | SourceBatchPublished
  | { type: 'source.batchFailed' | 'source.publishRejected' };

function makeApp(latency: number) {
  const delays = { latency: () => latency };
  return setup({
    types: {
      context: {} as {
        queues: Record<string, ActorRefFrom<typeof queueMachine>>;
        containers: Record<number, ActorRefFrom<typeof containerMachine>>;
        table: ActorRefFrom<typeof globalTableMachine>;
        source: ActorRefFrom<typeof recordSourceMachine>;
        published: number[];
      },
      events: {} as AppEvent,
      input: {} as { batches: TpsRecord[][] },
    },
    actors: {
      queue: queueMachine.provide({ delays }),
      container: containerMachine.provide({ delays }),
      table: globalTableMachine.provide({ delays }),
      dns: weightedDnsMachine.provide({ delays }),
      source: recordSourceMachine.provide({ delays }),
    },
  }).createMachine({
    id: 'reuseApp',
    context: ({ spawn, input }) => {
      const queues: Record<string, ActorRefFrom<typeof queueMachine>> = {};
      for (const region of REGIONS) {
        for (const name of ['intake', 'done']) {
          const id = `${name}:r${region}`;
          queues[id] = spawn('queue', { id, systemId: id, input: queueInputSchema.parse({ id, region }) });
        }
      }
      const table = spawn('table', { id: 'ledger', systemId: 'ledger', input: { id: 'ledger', stage: 'ledger', regions: [...REGIONS] } });
      const containers: Record<number, ActorRefFrom<typeof containerMachine>> = {};
      for (const region of REGIONS) {
        const id = `worker:r${region}`;
        containers[region] = spawn('container', {
          id,
          systemId: id,
          input: { id, stage: 'ledger', region, inputQueue: `intake:r${region}`, table: 'ledger', outputQueue: `done:r${region}` },
        });
      }
      spawn('dns', {
        id: 'router',
        systemId: 'router',
        input: { id: 'router', targets: REGIONS.map((region) => ({ region, queue: `intake:r${region}` })) },
      });
      const source = spawn('source', { id: 'feeder', systemId: 'feeder', input: { id: 'feeder', dns: 'router', batches: input.batches } });
      return { queues, containers, table, source, published: [] };
    },
    on: {
      'app.publish': {
        actions: ({ context, event, self }) =>
          context.source.send({ type: 'source.publish', batch: event.batch, replyTo: self as AnyActorRef }),
      },
      'source.batchPublished': { actions: assign({ published: ({ context, event }) => [...context.published, event.batch] }) },
      'app.failTable': { actions: ({ context, event }) => context.table.send({ type: 'table.fail', region: event.region }) },
      'app.recoverTable': { actions: ({ context, event }) => context.table.send({ type: 'table.recover', region: event.region }) },
      'app.recoverContainer': {
        actions: ({ context, event }) => context.containers[event.region].send({ type: 'container.recover' }),
      },
    },
  });
}

function startApp(latency = 2) {
  const batches = [makeBatch(7, [1, 2, 3, 4]), makeBatch(8, [5, 6, 7, 8])];
  const clock = new VirtualClock();
  const app = createActor(makeApp(latency), { clock, input: { batches } });
  app.start();
  const get = (id: string) => app.system.get(id) as AnyActorRef;
  const ids = (q: string) => get(q).getSnapshot().context.records.map((r: TpsRecord) => r.recordId);
  const rows = (r: number) => Object.keys(get(`ledger:r${r}`).getSnapshot().context.rows).map(Number);
  return { app, clock, get, ids, rows, batches };
}

describe('reusing the component machines from the package entry', () => {
  it('runs a source -> DNS -> queue -> container -> queue pipeline with a global table, in its own app', () => {
    const { app, clock, get, ids, rows, batches } = startApp();
    app.send({ type: 'app.publish', batch: 1 });
    clock.run();
    expect(app.getSnapshot().context.published).toEqual([1]);
    // the DNS alternated regions; each region's container moved its records on, in order
    expect(ids('intake:r1')).toEqual([]);
    expect(ids('intake:r2')).toEqual([]);
    expect(ids('done:r1')).toEqual([1, 3]);
    expect(ids('done:r2')).toEqual([2, 4]);
    expect(get('done:r1').getSnapshot().context.records).toEqual([batches[0][0], batches[0][2]]);
    // each region wrote its own records; replication made both replicas whole
    expect(get('ledger:r1').getSnapshot().context.writes).toEqual([1, 3]);
    expect(get('ledger:r2').getSnapshot().context.writes).toEqual([2, 4]);
    expect(rows(1)).toEqual([1, 2, 3, 4]);
    expect(rows(2)).toEqual([1, 2, 3, 4]);
    expect(replicationLag(get('ledger:replicator').getSnapshot().context)).toBe(0);
    expect(get('worker:r1').getSnapshot().context.processed).toBe(2);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('survives a regional table failure: the worker waits in failedDependency, then catches up without duplicates', () => {
    const { app, clock, get, ids, rows } = startApp();
    app.send({ type: 'app.failTable', region: 2 });
    app.send({ type: 'app.publish', batch: 1 });
    clock.run();
    expect(get('worker:r2').getSnapshot().value).toBe('failedDependency');
    expect(get('worker:r1').getSnapshot().value).toEqual({ processRecords: 'awaitingRecord' });
    expect(ids('intake:r2')).toEqual([2, 4]);
    expect(ids('done:r1')).toEqual([1, 3]);
    expect(ids('done:r2')).toEqual([]);

    app.send({ type: 'app.publish', batch: 2 });
    clock.run();
    expect(ids('intake:r2')).toEqual([2, 4, 6, 8]);

    app.send({ type: 'app.recoverTable', region: 2 });
    app.send({ type: 'app.recoverContainer', region: 2 });
    clock.run();
    expect(app.getSnapshot().context.published).toEqual([1, 2]);
    expect(ids('intake:r2')).toEqual([]);
    expect(ids('done:r1')).toEqual([1, 3, 5, 7]);
    expect(ids('done:r2')).toEqual([2, 4, 6, 8]);
    expect(get('done:r2').getSnapshot().context.sentCount).toBe(4);
    expect(rows(1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows(2)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('is deterministic: the same seed gives the same records and the same virtual end time', () => {
    const a = startApp(3);
    const b = startApp(3);
    for (const run of [a, b]) {
      run.app.send({ type: 'app.publish', batch: 2 });
      run.clock.run();
    }
    expect(a.batches).toEqual(b.batches);
    expect(a.get('done:r1').getSnapshot().context.records).toEqual(
      b.get('done:r1').getSnapshot().context.records,
    );
    expect(a.clock.now()).toBe(b.clock.now());
    expect(a.clock.fired).toBe(b.clock.fired);
  });

  it('the exported input schemas reject bad input, naming the field', () => {
    const parsed = queueInputSchema.safeParse({ id: 'q' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['region']);
    const actor = createActor(queueMachine, { input: { id: 'q' } as never });
    expect(actor.getSnapshot().status).toBe('error');
    expect((actor.getSnapshot() as { error?: Error }).error?.message).toMatch(/^Invalid queue input: region:/);
  });
});
