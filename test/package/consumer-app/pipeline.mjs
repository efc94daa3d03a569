// The pipeline of docs/reusing-machines.md: queue 'in' -> container 'worker' (writes table 'orders') -> queue 'out'.
import { setup } from 'xstate';
import { containerMachine, globalTableMachine, queueMachine } from 'active-active-tps/machines';

export const pipeline = setup({
  actors: { queue: queueMachine, table: globalTableMachine, container: containerMachine },
}).createMachine({
  context: ({ spawn }) => {
    spawn('queue', { id: 'in', systemId: 'in', input: { id: 'in', region: 1 } });
    spawn('queue', { id: 'out', systemId: 'out', input: { id: 'out', region: 1 } });
    spawn('table', { id: 'orders', systemId: 'orders', input: { id: 'orders', stage: 'orders', regions: [1, 2] } });
    spawn('container', {
      id: 'worker',
      systemId: 'worker',
      input: { id: 'worker', stage: 'orders', region: 1, inputQueue: 'in', table: 'orders', outputQueue: 'out' },
    });
    return {};
  },
});

/** A queue's records, as plain data. */
export const recordIds = (app, queue) => JSON.parse(JSON.stringify(app.system.get(queue).getSnapshot().context.records)).map((r) => r.recordId);
/** The record ids a regional table holds. */
export const rowIds = (app, region) => Object.keys(app.system.get(`orders:r${region}`).getSnapshot().context.rows).map(Number);
export const send = (app, recordId) =>
  app.system.get('in').send({ type: 'queue.send', record: { recordId, recordValue: recordId * 10 }, replyTo: app });
