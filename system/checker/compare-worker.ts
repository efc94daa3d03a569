import { parentPort } from 'node:worker_threads';
import type { Design } from '../../machines/topology';
import { loadMachinesModule, type MachineOverrides } from '../machines-module';
import { tuneGcForSimulation } from '../gc-tuning';
import { comparePlanSchema, compareSeed } from './compare';
import type { FromWorker, ToWorker } from './run-seed';


/**
 * A `tps compare` worker on the check pool's protocol (pool.ts): takes the
 * comparison's plan, runs each seed of a chunk on both designs and posts the
 * seed's comparison in the summary the pool passes on.
 */
const port = parentPort;
if (port) {
  tuneGcForSimulation();
  const post = (message: FromWorker) => port.postMessage(message);
  let plan: import('./compare').CompareRunPlan | undefined;
  let machines: Partial<Record<Design, MachineOverrides>> = {};
  port.on('message', (order: ToWorker) => {
    if (order.type === 'exit') {
      port.close();
      return;
    }
    if (order.type === 'idle') return;
    if (order.type === 'job') {
      plan = comparePlanSchema.parse(order.plan);
      machines = Object.fromEntries(Object.entries(plan.machinesModules).map(([design, file]) => [design, loadMachinesModule(file)]));
    } else
      for (let seed = order.from; seed < order.to; seed++) {
        const comparison = compareSeed(plan!, seed, machines);
        post({ type: 'seed', summary: { seed, verdict: 'pass', messages: 0, virtualTimeMs: 0, wallMs: 0, traceDigest: '', comparison } as never });
      }
    post({ type: 'next' });
  });
  post({ type: 'ready', loadMs: 0 });
}
