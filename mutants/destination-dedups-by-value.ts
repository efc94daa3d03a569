import { recordDestinationMachine } from '../machines/record-destination.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'destination-dedups-by-value',
  description: 'The destination treats a record whose value it already holds as a redelivery: two records with equal values lose one',
  component: 'destination',
};

export const machines = {
  destination: recordDestinationMachine.provide({
    guards: {
      isNewRecord: ({ context, event }) =>
        event.type === 'dns.record' && !Object.values(context.records).some((r) => r.recordValue === event.record.recordValue),
    },
  }),
};
