import { enqueueActions } from 'xstate';
import { containerMachine, tableWrite } from '../machines/container.machine';
import { LATENCY } from '../machines/support';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-writes-other-region',
  description: "Region 2's containers write to region 1's table (a misconfigured endpoint); replication hides it from a row count",
  component: 'container',
};

export const machines = {
  container: containerMachine.provide({
    actions: {
      writeRecord: enqueueActions(({ context, enqueue, system, self }) => {
        // the bug: region 1 whatever the container's own
        enqueue.sendTo(system.get(context.table), tableWrite(context, self, 1), { delay: LATENCY });
      }),
    },
  }),
};
