import { sendTo } from 'xstate';
import type { DnsSend, QueueSend } from '../machines/protocol';
import { LATENCY, peer } from '../machines/support';
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
      forwardSend: sendTo(
        ({ context, system }) => peer(system, context.targets[0].queue, context.id),
        ({ context, event, self }): QueueSend => ({ type: 'queue.send', record: (event as DnsSend).record, replyTo: self, corr: context.ticket }),
        { delay: LATENCY },
      ),
    },
  }),
};
