// A browser app (moduleResolution: bundler, no @types/node): the machines entry alone.
import { createActor, setup, type ActorRefFrom } from 'xstate';
import {
  Prng,
  queueInputSchema,
  queueMachine,
  useVirtualScheduler,
  VirtualClock,
  type QueueInput,
  type QueueSendCompleted,
  type TpsRecord,
} from 'active-active-tps/machines';

const input: QueueInput = queueInputSchema.parse({ id: 'orders', region: 1 });
const page = setup({
  types: { context: {} as { queue: ActorRefFrom<typeof queueMachine> }, events: {} as QueueSendCompleted },
  actors: { queue: queueMachine },
}).createMachine({
  context: ({ spawn }) => ({ queue: spawn('queue', { systemId: 'orders', input }) }),
});

const clock = new VirtualClock();
const actor = createActor(page, { clock });
useVirtualScheduler(actor.system, clock);
actor.start();
const rng = new Prng(7);
const record: TpsRecord = { recordId: 1, recordValue: rng.int(1, 100) };
actor.getSnapshot().context.queue.send({ type: 'queue.send', record, replyTo: actor });
clock.run();
const timer: ReturnType<typeof setTimeout> = setTimeout(() => clock.now(), 0);
export { timer };
