// XState's snapshot contract, checked as a user relies on it: snapshots once handed out never
// change, every change notifies a new snapshot with a new context, transitions are pure, and a
// persisted snapshot (through JSON) continues exactly as the original would.
import assert from 'node:assert/strict';
import { createActor, fromCallback, getNextSnapshot } from 'xstate';
import { queueMachine } from 'active-active-tps/machines';
import { pipeline, recordIds, rowIds, send } from './pipeline.mjs';

const results = {};
process.on('uncaughtException', (err) => (results.uncaught = String(err?.message ?? err).split('\n')[0]));
process.on('exit', () => console.log(JSON.stringify(results)));
function check(name, fn) {
  try {
    fn();
    results[name] = 'ok';
  } catch (err) {
    results[name] = String(err?.message ?? err).split('\n')[0];
  }
}

const sink = () => createActor(fromCallback(() => {})).start();
const record = (recordId) => ({ recordId, recordValue: recordId * 10 });
const startQueue = () => createActor(queueMachine, { input: { id: 'q', region: 1 } }).start();
const sendTo = (queue, replyTo, recordId) => queue.send({ type: 'queue.send', record: record(recordId), replyTo });

check('a kept snapshot is unchanged by later sends', () => {
  const queue = startQueue();
  const client = sink();
  const kept = queue.getSnapshot();
  const keptJson = JSON.stringify(kept);
  for (const id of [1, 2, 3]) sendTo(queue, client, id);
  assert.equal(queue.getSnapshot().context.sentCount, 3);
  assert.equal(JSON.stringify(kept), keptJson);
});

check('each notification is a new snapshot with a new context', () => {
  const queue = startQueue();
  const client = sink();
  const seen = [queue.getSnapshot()];
  queue.subscribe((s) => seen.push(s));
  for (const id of [1, 2, 3]) sendTo(queue, client, id);
  assert.equal(seen.length, 4);
  assert.equal(new Set(seen).size, 4, 'distinct snapshots');
  assert.equal(new Set(seen.map((s) => s.context)).size, 4, 'distinct contexts');
  assert.deepEqual(seen.map((s) => s.context.sentCount), [0, 1, 2, 3]);
});

check('getNextSnapshot is pure', () => {
  const queue = startQueue();
  const client = sink();
  sendTo(queue, client, 1);
  const s = queue.getSnapshot();
  const json = JSON.stringify(s);
  const next = getNextSnapshot(queueMachine, s, { type: 'queue.send', record: record(2), replyTo: client });
  assert.equal(JSON.stringify(s), json);
  assert.equal(next.context.sentCount, 2);
});

check('a queue restored from JSON continues as the original', () => {
  const queue = startQueue();
  const client = sink();
  for (const id of [1, 2]) sendTo(queue, client, id);
  const persisted = queue.getPersistedSnapshot();
  const json = JSON.stringify(persisted);
  const restored = createActor(queueMachine, { snapshot: JSON.parse(json) }).start();
  sendTo(restored, client, 3);
  assert.equal(JSON.stringify(queue.getPersistedSnapshot()), json, 'a send to the restored queue changed the original');
  sendTo(queue, client, 3);
  assert.equal(JSON.stringify(persisted), json, 'the persisted snapshot changed');
  assert.equal(JSON.stringify(restored.getPersistedSnapshot()), JSON.stringify(queue.getPersistedSnapshot()));
  assert.equal(restored.getSnapshot().context.sentCount, 3);
});

check("a container's initial snapshot is unchanged by the run", () => {
  const app = createActor(pipeline).start();
  const initial = app.system.get('worker').getSnapshot();
  const json = JSON.stringify(initial);
  for (const id of [1, 2, 3]) send(app, id);
  assert.equal(app.system.get('worker').getSnapshot().context.processed, 3);
  assert.equal(JSON.stringify(initial), json);
});

check("the docs' pipeline, persisted mid-run through JSON, ends as the original does", () => {
  const app = createActor(pipeline).start();
  for (const id of [1, 2]) send(app, id);
  // mid-run: the table fails in region 1; the worker parks in failedDependency with records waiting
  app.system.get('orders').send({ type: 'table.fail', region: 1 });
  for (const id of [3, 4]) send(app, id);
  assert.equal(app.system.get('worker').getSnapshot().value, 'failedDependency');
  assert.deepEqual(recordIds(app, 'in'), [3, 4]);
  const mid = JSON.stringify(app.getPersistedSnapshot());

  const finish = (actor) => {
    actor.system.get('orders').send({ type: 'table.recover', region: 1 });
    actor.system.get('worker').send({ type: 'container.recover' });
    send(actor, 5);
  };
  const restored = createActor(pipeline, { snapshot: JSON.parse(mid) }).start();
  finish(restored);
  assert.equal(JSON.stringify(app.getPersistedSnapshot()), mid, 'running the restored app changed the original');
  finish(app);
  for (const actor of [app, restored]) {
    assert.deepEqual(recordIds(actor, 'in'), []);
    assert.deepEqual(recordIds(actor, 'out'), [1, 2, 3, 4, 5]);
    assert.deepEqual(rowIds(actor, 1), [1, 2, 3, 4, 5]);
  }
  assert.equal(JSON.stringify(restored.getPersistedSnapshot()), JSON.stringify(app.getPersistedSnapshot()));
});

check("the docs' pipeline, persisted through JSON while the worker waits on its queue, ends as the original does", () => {
  const app = createActor(pipeline).start();
  for (const id of [1, 2]) send(app, id);
  // mid-run: the worker has registered with 'in' for its next record
  assert.notEqual(app.system.get('in').getSnapshot().context.consumer, null, 'the worker is registered');
  const mid = JSON.stringify(app.getPersistedSnapshot());
  const restored = createActor(pipeline, { snapshot: JSON.parse(mid) }).start();
  for (const actor of [restored, app]) send(actor, 3);
  for (const [name, actor] of [['original', app], ['restored', restored]])
    assert.deepEqual(recordIds(actor, 'out'), [1, 2, 3], `the ${name} app's 'out' holds ${JSON.stringify(recordIds(actor, 'out'))}`);
  assert.equal(JSON.stringify(restored.getPersistedSnapshot()), JSON.stringify(app.getPersistedSnapshot()));
});
