import type { ActorSystem } from 'xstate';

/**
 * The one place that reads XState internals for the model. The system's
 * clock is the VirtualClock in a simulation; outside one it has no `now`.
 */
export function systemNow(system: ActorSystem<any>): number {
  const clock = system._clock as { now?: () => number };
  return typeof clock.now === 'function' ? clock.now() : 0;
}
