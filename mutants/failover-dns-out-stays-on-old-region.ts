import { assign } from 'xstate';
import { failoverDnsMachine } from '../machines/failover-dns.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'failover-dns-out-stays-on-old-region',
  description: "On a switch the failover DNS changes its active region but does not register the consumer with the new region's queue",
  component: 'failoverDns',
};

export const machines = {
  failoverDns: failoverDnsMachine.provide({
    actions: {
      switchRegion: assign(({ context }) => ({
        activeRegion: context.targets.find((t) => t.region !== context.activeRegion)!.region,
        switches: context.switches + 1,
      })), // the bug: no queue.receive to the new active region
    },
  }),
};
