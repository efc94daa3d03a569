import { recordDestinationMachine } from '../machines/record-destination.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'destination-counts-duplicate',
  description: 'The destination keeps and counts a redelivered record as a new one',
  component: 'destination',
};

export const machines = { destination: recordDestinationMachine.provide({ guards: { isNewRecord: () => true } }) };
