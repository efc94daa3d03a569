import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import { stateName } from '../../actors/state-name';
import { ids } from '../../machines/ids';
import type { FaultInjectorContext } from './fault-injector.machine';
import { faultHitActor, type FaultRecord } from './fault-plan';

/** How many states a trail follows past the hit state (a crash, the recovery, and what the component did next). */
export const TRAIL_STATES = 4;

type AnySystem = AnyActorRef['system'];
type Subscription = { unsubscribe(): void };

/**
 * Follows, for each fault as it starts, the states the actor it hit goes
 * through: the hit state, then its next TRAIL_STATES distinct states. Only
 * observes (subscriptions, no events), so the run and its trace are the same
 * with it or without. Start it before the system starts; `finish` gives the
 * fault log with each started fault's trail.
 */
export function followFaultTrails(system: AnySystem): { finish(log: readonly FaultRecord[]): FaultRecord[] } {
  const injector = system.get(ids.faults) as AnyActorRef | undefined;
  const followed = new Set<number>();
  const trails = new Map<number, string[]>();
  const subscriptions: Subscription[] = [];
  const follow = (index: number, record: FaultRecord) => {
    followed.add(index);
    const hit = faultHitActor(record);
    const actor = hit === undefined ? undefined : (system.get(hit) as AnyActorRef | undefined);
    // a slowed network is no actor: no trail
    if (!actor) return;
    const trail = [record.hitState ?? '-'];
    trails.set(index, trail);
    /** Notes a new state; true once the trail is full. */
    const note = (snapshot: AnyMachineSnapshot) => {
      const name = stateName(snapshot.value);
      if (trail.length <= TRAIL_STATES && name !== trail[trail.length - 1]) trail.push(name);
      return trail.length > TRAIL_STATES;
    };
    // The fail command has been carried out by now: the state it left the actor in is the first after the hit.
    if (note(actor.getSnapshot() as AnyMachineSnapshot)) return;
    const subscription: Subscription = actor.subscribe((snapshot: AnyMachineSnapshot) => {
      if (note(snapshot)) subscription.unsubscribe();
    });
    subscriptions.push(subscription);
  };
  const started = (snapshot: { context: FaultInjectorContext }) =>
    snapshot.context.log.forEach((record, index) => {
      if (record.start !== null && !followed.has(index)) follow(index, record);
    });
  if (injector) subscriptions.push(injector.subscribe(started));
  return {
    finish: (log) => {
      subscriptions.forEach((s) => s.unsubscribe());
      return log.map((record, index) => (trails.has(index) ? { ...record, trail: trails.get(index)! } : record));
    },
  };
}
