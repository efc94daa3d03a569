import { enqueueActions } from 'xstate';
import { failoverDnsMachine } from '../machines/failover-dns.machine';
import type { QueueSend } from '../machines/protocol';
import { LATENCY, peer } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'failover-dns-ignores-switch-for-sends',
  description: 'The failover DNS keeps sending records to the primary region after a switch (its in role never fails over)',
  component: 'failoverDns',
};

export const machines = {
  failoverDns: failoverDnsMachine.provide({
    actions: {
      routeSend: enqueueActions(({ context, event, enqueue, system, self }) => {
        if (event.type !== 'dns.send') return;
        const ticket = context.ticket + 1;
        const send: QueueSend = { type: 'queue.send', record: event.record, replyTo: self, corr: ticket };
        enqueue.assign({ ticket, pending: { ...context.pending, [ticket]: { replyTo: event.replyTo, corr: event.corr } } });
        enqueue.sendTo(peer(system, context.targets[0].queue, context.id), send, { delay: LATENCY }); // the bug
      }),
    },
  }),
};
