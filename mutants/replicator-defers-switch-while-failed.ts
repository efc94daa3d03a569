import { assign } from 'xstate';
import type { ReplicatorSwitch } from '../machines/active-passive-protocol';
import { type OneWayReplicatorContext } from '../machines/one-way-replicator.machine';
import { databaseWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'replicator-defers-switch-while-failed',
  description:
    "The P reference's quirk: a replicator whose replication has failed defers a region switch until it recovers and has applied its held copies (a failover during a replication outage waits)",
  component: 'database',
};

type Deferring = OneWayReplicatorContext & { deferred?: ReplicatorSwitch };

/** The switch as the model makes it, applied later. */
const turned = (c: Deferring, to: number): Partial<Deferring> => ({ from: to, pending: [], busy: false, generation: c.generation + 1, deferred: undefined });

export const machines = databaseWithReplicatorActions({
  turnDirection: assign(({ context, event, self }) => {
    if (event.type !== 'replicator.switch' || event.to === context.from) return {};
    if (self.getSnapshot().matches('failed')) return { deferred: event } as Partial<Deferring>; // the quirk
    return turned(context, event.to);
  }),
  // the deferred switch is carried out once the held copies are applied
  settleApplied: assign(({ context }) => {
    const c = context as Deferring;
    const pending = c.pending.slice(1);
    if (c.deferred && pending.length === 0) return { ...turned(c, c.deferred.to), busy: false };
    return { busy: false, pending };
  }),
  unblock: assign(({ context }) => {
    const c = context as Deferring;
    if (c.deferred && c.pending.length === 0) return turned(c, c.deferred.to);
    return c.blocked ? { blocked: false, generation: c.generation + 1 } : {};
  }),
});
