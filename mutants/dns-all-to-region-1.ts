import { enqueueActions } from 'xstate';
import type { DnsSend, QueueSend } from '../machines/protocol';
import { LATENCY } from '../machines/support';
import { weightedDnsMachine } from '../machines/weighted-dns.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'dns-all-to-region-1',
  description: 'The in-DNS sends every record to its first region, whatever the weights',
  component: 'dns',
};

export const machines = {
  dns: weightedDnsMachine.provide({
    actions: {
      routeSend: enqueueActions(({ context, event, enqueue, system, self }) => {
        const e = event as DnsSend;
        const target = context.targets[0];
        const ticket = context.ticket + 1;
        context.pending[ticket] = { replyTo: e.replyTo, corr: e.corr };
        enqueue.assign({ ticket });
        const send: QueueSend = { type: 'queue.send', record: e.record, replyTo: self, corr: ticket };
        enqueue.sendTo(system.get(target.queue), send as never, { delay: LATENCY });
      }),
    },
  }),
};
