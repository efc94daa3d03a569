import { cancel, createActor, sendTo, setup, type AnyActorRef } from 'xstate';
import { VirtualClock } from '../../actors/virtual-clock';
import { useVirtualScheduler } from '../../actors/virtual-scheduler';
import { systemNow } from '../../actors/xstate-internals';
import { runScenario } from '../../system/run-scenario';

/** A sender that sends `ping` to a receiver after 10 ms, optionally with a send id it can cancel. */
const sender = setup({
  types: { context: {} as { to: AnyActorRef }, input: {} as { to: AnyActorRef } },
  actions: {
    ping: sendTo(({ context }) => context.to, { type: 'ping' }, { delay: 10 }),
    pingNamed: sendTo(({ context }) => context.to, { type: 'ping' }, { delay: 10, id: 'p' }),
    cancelNamed: cancel('p'),
  },
}).createMachine({
  context: ({ input }) => ({ to: input.to }),
  on: { go: { actions: 'ping' }, goNamed: { actions: 'pingNamed' }, cancel: { actions: 'cancelNamed' } },
});
const receiver = setup({ types: { context: {} as { pings: number[] } } }).createMachine({
  context: () => ({ pings: [] }),
  on: { ping: { actions: ({ context, self }) => context.pings.push(systemNow(self.system)) } },
});

function rig() {
  const clock = new VirtualClock();
  const seen: string[] = [];
  const to = createActor(receiver, { clock });
  useVirtualScheduler(to.system, clock, (_source, target, event) => seen.push(`${event.type}->${target.id}`));
  to.start();
  const from = createActor(sender, { clock, input: { to } });
  // a second root has its own system: give it the same scheduler
  useVirtualScheduler(from.system, clock);
  from.start();
  return { clock, to, from, seen };
}

describe('useVirtualScheduler', () => {
  it('delivers delayed sends at their due virtual time, through the hook', () => {
    const { clock, to, from } = rig();
    from.send({ type: 'go' });
    clock.run(1);
    expect(to.getSnapshot().context.pings).toEqual([10]);
    expect(clock.now()).toBe(10);
  });

  it('cancels a send given an id, and only that one', () => {
    const { clock, to, from } = rig();
    from.send({ type: 'goNamed' });
    from.send({ type: 'go' });
    from.send({ type: 'cancel' });
    expect(clock.pending).toBe(1);
    clock.run();
    expect(to.getSnapshot().context.pings).toEqual([10]);
  });

  it('cancels every pending send of an actor that stops', () => {
    const { clock, to, from } = rig();
    from.send({ type: 'go' });
    from.send({ type: 'goNamed' });
    expect(clock.pending).toBe(2);
    from.stop();
    expect(clock.pending).toBe(0);
    clock.run();
    expect(to.getSnapshot().context.pings).toEqual([]);
  });

  it('reports each send to the hook when it is scheduled', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const to = createActor(receiver, { clock, id: 'rx' }).start();
    const from = createActor(sender, { clock, input: { to } });
    useVirtualScheduler(from.system, clock, (_s, target, event) => seen.push(`${event.type}->${target.id}`));
    from.start();
    from.send({ type: 'go' });
    expect(seen).toEqual(['ping->rx']);
    expect(to.getSnapshot().context.pings).toEqual([]);
  });

  it('keeps a whole simulated run free of Math.random and Date.now', () => {
    const random = jest.spyOn(Math, 'random');
    const now = jest.spyOn(Date, 'now');
    try {
      const { report } = runScenario({ scenario: 'f2-fail-database', seed: 9 });
      expect(report.verdict).toBe('pass');
      expect(random).not.toHaveBeenCalled();
      expect(now).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
      now.mockRestore();
    }
  });
});
