// A CommonJS app: require() both entries, run a queue, a small pipeline and a whole scenario.
const assert = require('node:assert/strict');
const { createActor, fromCallback, setup } = require('xstate');
const { runScenario } = require('active-active-tps');
const { containerMachine, globalTableMachine, queueMachine } = require('active-active-tps/machines');

const answers = [];
const client = createActor(fromCallback(({ receive }) => receive((e) => answers.push(e.type)))).start();
const queue = createActor(queueMachine, { input: { id: 'q', region: 2 } }).start();
queue.send({ type: 'queue.send', record: { recordId: 1, recordValue: 5 }, replyTo: client });
queue.send({ type: 'queue.depth', replyTo: client });
assert.deepEqual(answers, ['queue.sendCompleted', 'queue.depthReport']);

const pipeline = setup({ actors: { queue: queueMachine, table: globalTableMachine, container: containerMachine } }).createMachine({
  context: ({ spawn }) => {
    spawn('queue', { systemId: 'in', input: { id: 'in', region: 2 } });
    spawn('queue', { systemId: 'out', input: { id: 'out', region: 2 } });
    spawn('table', { systemId: 'ledger', input: { id: 'ledger', stage: 'ledger', regions: [1, 2] } });
    spawn('container', { systemId: 'w', input: { id: 'w', stage: 'ledger', region: 2, inputQueue: 'in', table: 'ledger', outputQueue: 'out' } });
    return {};
  },
});
const app = createActor(pipeline).start();
for (const recordId of [4, 5]) app.system.get('in').send({ type: 'queue.send', record: { recordId, recordValue: 1 }, replyTo: app });
assert.equal(app.system.get('w').getSnapshot().context.processed, 2);
assert.deepEqual(Object.keys(app.system.get('ledger:r1').getSnapshot().context.rows), ['4', '5']);

// The whole simulation (virtual clock, virtual scheduler, spec) on this app's xstate.
const { report } = runScenario({ scenario: 'f2-fail-database', seed: 1 });
assert.equal(report.verdict, 'pass');
console.log(JSON.stringify({ verdict: report.verdict, delivered: report.destinationArrivals.length, digest: report.traceDigest }));
