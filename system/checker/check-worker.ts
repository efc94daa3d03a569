import { parentPort, workerData } from 'node:worker_threads';
import { tuneGcForSimulation } from '../gc-tuning';
import { runPlanSchema, runSeed, type FromWorker, type ToWorker } from './check';
import { loadMachinesModule } from '../machines-module';

/**
 * A `tps check` worker: asks for a chunk of seeds, runs each, posts one small
 * summary per seed, and asks again until told to stop.
 */
const port = parentPort;
if (port) {
  tuneGcForSimulation();
  const plan = runPlanSchema.parse(workerData);
  // Machines are code, not data: each worker loads the module itself.
  const machines = plan.machinesModule ? loadMachinesModule(plan.machinesModule) : undefined;
  const post = (message: FromWorker) => port.postMessage(message);
  port.on('message', (order: ToWorker) => {
    if (order.type === 'stop') {
      port.close(); // nothing else keeps the thread alive: it exits with code 0
      return;
    }
    for (let seed = order.from; seed < order.to; seed++) post({ type: 'seed', summary: runSeed(plan, seed, machines) });
    post({ type: 'next' });
  });
  post({ type: 'next' });
}
