// An ESM app: named imports from both entries (the package is CommonJS).
import assert from 'node:assert/strict';
import { createActor, fromCallback } from 'xstate';
import { queueMachine, VirtualClock } from 'active-active-tps';
import { pipeline, recordIds, rowIds, send } from './pipeline.mjs';

// A queue on a virtual clock, answering a plain callback actor.
const answers = [];
const client = createActor(fromCallback(({ receive }) => receive((e) => answers.push([e.type, e.record.recordId, e.success])))).start();
const clock = new VirtualClock();
const queue = createActor(queueMachine.provide({ delays: { latency: () => 3 } }), { clock, input: { id: 'q', region: 1 } }).start();
for (const recordId of [1, 2, 3]) queue.send({ type: 'queue.send', record: { recordId, recordValue: 0 }, replyTo: client });
clock.run();
assert.deepEqual(answers, [['queue.sendCompleted', 1, true], ['queue.sendCompleted', 2, true], ['queue.sendCompleted', 3, true]]);
assert.equal(clock.now(), 3);

// The docs' pipeline: every record goes through the worker into the table and on to 'out'.
const app = createActor(pipeline).start();
for (const recordId of [1, 2, 3]) send(app, recordId);
assert.deepEqual(recordIds(app, 'in'), []);
assert.deepEqual(recordIds(app, 'out'), [1, 2, 3]);
assert.deepEqual(rowIds(app, 1), [1, 2, 3]);
assert.deepEqual(rowIds(app, 2), [1, 2, 3]);
assert.equal(app.system.get('worker').getSnapshot().context.processed, 3);
console.log(JSON.stringify({ queueAnswers: answers.length, out: recordIds(app, 'out') }));
