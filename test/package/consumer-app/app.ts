// A Node app (module: nodenext) using the package's machines inside its own XState machine.
import { assign, createActor, setup, type ActorRefFrom } from 'xstate';
import { queueMachine, runScenario, VirtualClock, useVirtualScheduler, type QueueSendCompleted, type RunReport } from 'active-active-tps';
import { queueMachine as queueFromMachinesEntry } from 'active-active-tps/machines';

const orders = setup({
  types: {
    context: {} as { queue: ActorRefFrom<typeof queueMachine>; acked: number },
    events: {} as QueueSendCompleted | { type: 'order'; recordId: number },
  },
  actors: { queue: queueMachine },
}).createMachine({
  context: ({ spawn }) => ({ queue: spawn('queue', { systemId: 'orders', input: { id: 'orders', region: 1 } }), acked: 0 }),
  on: {
    order: {
      actions: ({ context, event, self }) =>
        context.queue.send({ type: 'queue.send', record: { recordId: event.recordId, recordValue: 1 }, replyTo: self }),
    },
    'queue.sendCompleted': { actions: assign({ acked: ({ context }) => context.acked + 1 }) },
  },
});

const clock = new VirtualClock();
const actor = createActor(orders, { clock });
useVirtualScheduler(actor.system, clock);
actor.start();
actor.send({ type: 'order', recordId: 1 });
const sent: number = actor.getSnapshot().context.queue.getSnapshot().context.sentCount;
// @ts-expect-error the queue's context is typed (sentCount is a number), not any
const notAString: string = actor.getSnapshot().context.queue.getSnapshot().context.sentCount;

// Both entries hand out the same machine.
const sameMachine: typeof queueMachine = queueFromMachinesEntry;

// The input is typed: a queue needs its region.
// @ts-expect-error region is missing
createActor(queueMachine, { input: { id: 'q' } });

const report: RunReport = runScenario({ scenario: 'f2-fail-database', seed: 1 }).report;
export { sent, notAString, sameMachine, report };
