import type { TpsRecord } from '../../machines/protocol';
import type { Layout } from '../../machines/layout';
import type { ScenarioStep } from './scenario-driver.machine';
import { finalStep, publish } from './steps';

/** No faults: publish every batch, then everything must arrive everywhere. Runs on any topology. */
export function happyPathSteps(layout: Layout, batches: TpsRecord[][]): ScenarioStep[] {
  return [
    ...batches.map((_, i) => ({ step: String(i + 1), name: `Publish batch ${i + 1}`, waits: [publish(i + 1)] })),
    finalStep(layout, batches, String(batches.length + 1)),
  ];
}
