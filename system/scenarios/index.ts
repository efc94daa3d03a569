import { z } from 'zod';
import type { TpsRecord } from '../../machines/protocol';
import type { Layout } from '../layout';
import type { ScenarioStep } from '../scenario-driver.machine';
import { f2FailDatabaseSteps } from './f2-fail-database';
import { happyPathSteps } from './happy-path';

export interface Scenario {
  name: string;
  description: string;
  steps: (layout: Layout, batches: TpsRecord[][]) => ScenarioStep[];
}

export const scenarios: Record<string, Scenario> = {
  'f2-fail-database': {
    name: 'f2-fail-database',
    description: 'Seed F2: fail the preprocess table in region 1 while batch 2 is published, recover, publish batch 3',
    steps: f2FailDatabaseSteps('region'),
  },
  'f2-fail-database-global': {
    name: 'f2-fail-database-global',
    description: 'F2 as the P reference does it: fail the whole preprocess table (both regions and replication)',
    steps: f2FailDatabaseSteps('global'),
  },
  'happy-path': {
    name: 'happy-path',
    description: 'No faults: publish all batches; every record must reach every component and the destination',
    steps: happyPathSteps,
  },
};

/** A scenario name; an unknown one is refused with the list of known ones. */
export const scenarioNameSchema = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    if (!Object.hasOwn(scenarios, name))
      ctx.addIssue({ code: 'custom', message: `unknown scenario '${name}'; known: ${Object.keys(scenarios).join(', ')}` });
  });
