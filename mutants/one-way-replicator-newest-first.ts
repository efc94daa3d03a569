import { assign, enqueueActions } from 'xstate';
import { passiveRegion } from '../machines/one-way-replicator.machine';
import type { TableInsert } from '../machines/protocol';
import { LATENCY, peer } from '../machines/support';
import { databaseWithReplicatorActions, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'one-way-replicator-newest-first',
  description: 'The one-way replicator applies its newest held copy first (a stack, not a queue): the passive region gets records out of order',
  component: 'database',
};

export const machines = databaseWithReplicatorActions({
  applyNextCopy: enqueueActions(({ context, enqueue, system, self }) => {
    if (context.busy || context.blocked || context.pending.length === 0) return;
    const to = passiveRegion(context);
    const insert: TableInsert = {
      type: 'table.insert',
      region: to,
      record: context.pending[context.pending.length - 1], // the bug: newest first
      origin: 'replication',
      corr: context.generation,
      replyTo: self,
    };
    enqueue.sendTo(peer(system, context.databases.find((d) => d.region === to)!.database, context.id), insert, { delay: LATENCY });
    enqueue.assign({ busy: true });
  }),
  settleApplied: assign(({ context, event }) => {
    if (event.type !== 'table.insertCompleted') return {};
    return { busy: false, pending: context.pending.filter((r) => r.recordId !== event.record.recordId) };
  }),
});
