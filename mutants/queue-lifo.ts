import { queueHandingOut, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-lifo',
  description: 'The queue hands out its newest record instead of its oldest (last in, first out)',
  component: 'queue',
};

export const machines = queueHandingOut(
  (context) => context.records[context.records.length - 1],
  (_context, record) => record.recordId,
);
