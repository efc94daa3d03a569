import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, RunPlan, ToWorker } from './run-seed';
import type { MachineOverrides } from '../machines-module';

// Loaded here, not imported above, so the worker can time its module load.
const loadStarted = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports -- a timed load: an import would run before loadStarted */
const { tuneGcForSimulation } = require('../gc-tuning') as typeof import('../gc-tuning');
const { runPlanSchema, runSeed } = require('./run-seed') as typeof import('./run-seed');
/* eslint-enable @typescript-eslint/no-require-imports */
const loadMs = Math.round((performance.now() - loadStarted) * 100) / 100;

/**
 * A pooled `tps check` worker: loads only what a seed needs, says `ready`,
 * then serves checks one after another: takes a check's plan, asks for chunks
 * of seeds, posts one small summary per seed, and asks again until idled.
 */
const port = parentPort;
if (port) {
  tuneGcForSimulation();
  const post = (message: FromWorker) => port.postMessage(message);
  let plan: RunPlan | undefined;
  let machines: MachineOverrides | undefined;
  // Machines are code, not data: each worker loads the module itself, once per path.
  const loaded = new Map<string, MachineOverrides>();
  port.on('message', (order: ToWorker) => {
    if (order.type === 'exit') {
      port.close(); // nothing else keeps the thread alive: it exits with code 0
      return;
    }
    if (order.type === 'idle') return;
    if (order.type === 'job') {
      plan = runPlanSchema.parse(order.plan);
      const path = plan.machinesModule;
      // Only a check with replacement machines needs their loader.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
      if (path && !loaded.has(path)) loaded.set(path, (require('../machines-module') as typeof import('../machines-module')).loadMachinesModule(path));
      machines = path ? loaded.get(path) : undefined;
    } else {
      for (let seed = order.from; seed < order.to; seed++) post({ type: 'seed', summary: runSeed(plan!, seed, machines) });
    }
    post({ type: 'next' });
  });
  post({ type: 'ready', loadMs });
}
