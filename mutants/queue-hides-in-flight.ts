import { queueHandingOut, type MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'queue-hides-in-flight',
  description:
    'A consumer that registers again after a failure never sees the record it had in flight: the queue keeps it hidden (a visibility timeout that never ends) and hands out the next one',
  component: 'queue',
};

// the hidden record stays "in flight"; the next one is handed out beside it
export const machines = queueHandingOut(
  (context) => context.records.find((r) => r.recordId !== context.inFlight),
  (context, record) => context.inFlight ?? record.recordId,
);
