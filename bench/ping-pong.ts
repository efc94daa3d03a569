import { performance } from 'node:perf_hooks';
import { assign, createActor, sendTo, setup, type AnyActorRef } from 'xstate';
import { VirtualClock } from '../actors/virtual-clock';
import { useVirtualScheduler } from '../actors/virtual-scheduler';

/**
 * The ceiling: two bare XState v5 actors sending each other events. `ping`
 * sends `ping` to `pong`, `pong` answers `pong`, and `ping` counts round trips
 * in its context until it has done `roundTrips`. Every send is one message,
 * so a run delivers 2 x roundTrips messages.
 *
 * `delayMs` undefined: plain immediate `sendTo` (no clock involved).
 * `delayMs` a number: every send is delayed and both actors run on one
 * project `VirtualClock`, driven by `clock.run()`, as the pipeline's are.
 * `leanScheduler`: the delayed sends go through the project's own virtual
 * scheduler (actors/virtual-scheduler.ts), as every message of a simulation
 * does, instead of XState's: the ceiling a simulation's messages can reach.
 */
type PingEvent = { type: 'go' } | { type: 'pong' };
type PongEvent = { type: 'ping'; from: AnyActorRef };

function machines(delayMs: number | undefined) {
  const options = delayMs === undefined ? undefined : { delay: delayMs };
  const pong = setup({ types: { events: {} as PongEvent } }).createMachine({
    id: 'pong',
    on: { ping: { actions: sendTo(({ event }) => event.from, { type: 'pong' }, options) } },
  });
  const ping = setup({
    types: {
      context: {} as { pong: AnyActorRef; count: number; roundTrips: number },
      input: {} as { pong: AnyActorRef; roundTrips: number },
      events: {} as PingEvent,
    },
    actions: {
      sendPing: sendTo(({ context }) => context.pong, ({ self }) => ({ type: 'ping' as const, from: self }), options),
    },
    guards: { more: ({ context }) => context.count + 1 < context.roundTrips },
  }).createMachine({
    id: 'ping',
    context: ({ input }) => ({ pong: input.pong, count: 0, roundTrips: input.roundTrips }),
    initial: 'idle',
    states: {
      idle: { on: { go: { target: 'running', actions: 'sendPing' } } },
      running: {
        on: {
          pong: [
            { guard: 'more', actions: [assign({ count: ({ context }) => context.count + 1 }), 'sendPing'] },
            { target: 'done', actions: assign({ count: ({ context }) => context.count + 1 }) },
          ],
        },
      },
      done: { type: 'final' },
    },
  });
  return { ping, pong };
}

export interface PingPongResult {
  roundTrips: number;
  messages: number;
  wallMs: number;
  messagesPerSecond: number;
  /** virtual ms at the end (clock variant only) */
  virtualTimeMs?: number;
}

/** One ping-pong run of `roundTrips` round trips; throws if it did not finish. */
export function pingPong(roundTrips: number, delayMs?: number, leanScheduler = false): PingPongResult {
  const { ping, pong } = machines(delayMs);
  const clock = delayMs === undefined ? undefined : new VirtualClock();
  const pongActor = createActor(pong, clock ? { clock } : {});
  const pingActor = createActor(ping, { ...(clock ? { clock } : {}), input: { pong: pongActor, roundTrips } });
  if (clock && leanScheduler) for (const actor of [pongActor, pingActor]) useVirtualScheduler(actor.system, clock);
  pongActor.start();
  pingActor.start();
  const started = performance.now();
  // The 'go' event is processed in ping's mailbox, so each 'pong' is queued
  // there rather than recursed into: the loop runs in constant stack depth.
  pingActor.send({ type: 'go' });
  clock?.run();
  const wallMs = performance.now() - started;
  const snapshot = pingActor.getSnapshot();
  if (snapshot.status !== 'done' || snapshot.context.count !== roundTrips)
    throw new Error(`ping-pong stopped after ${snapshot.context.count} of ${roundTrips} round trips`);
  pingActor.stop();
  pongActor.stop();
  const messages = 2 * roundTrips;
  return {
    roundTrips,
    messages,
    wallMs,
    messagesPerSecond: messages / (wallMs / 1000),
    ...(clock ? { virtualTimeMs: clock.now() } : {}),
  };
}
