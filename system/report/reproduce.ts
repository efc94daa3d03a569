import { z } from 'zod';
import { replayCommand } from '../checker/check';
import { machinesModuleIdentity } from '../machines-module';
import { planToSave, type RunReport } from '../run-scenario';
import type { ScenarioFile } from '../scenarios';

const size = z.object({ faults: z.number(), records: z.number(), messages: z.number() });

/** What a report carries so that it can be reproduced from itself. */
export const reproduceSchema = z.object({
  scenarioFile: z.string().optional(),
  latency: z.string(),
  /** the fault plan as written (triggers and durations), one line a fault */
  plan: z.array(z.string()),
  /** the scenario as run, as a scenario file (seed, latency, topology in it); absent for a scenario written in code */
  planFile: z.unknown().optional(),
  machines: z.object({ path: z.string(), sha256: z.string() }).nullable(),
  traceDigest: z.string(),
  replay: z.string(),
  /** for a shrunk counterexample: the seed it came from */
  shrunkFrom: z
    .object({ scenario: z.string(), seed: z.number(), replay: z.string(), signature: z.string(), before: size, after: size })
    .optional(),
});
export type Reproduce = z.infer<typeof reproduceSchema>;

export interface ReproduceOptions {
  /** the scenario file run, as given */
  scenarioFile?: string;
  /** the scenario as data (a file, or drawn from the seed); absent for code */
  plan?: ScenarioFile;
  /** the machines module, as given */
  machinesModule?: string;
  topologyFile?: string;
  strict: boolean;
  maxMessages?: number;
  maxVirtualMs?: number;
  shrunkFrom?: Reproduce['shrunkFrom'];
}

/** The reproduction facts of a run: scenario, seed, plan, machines (path and hash), trace digest, replay command. */
export function reproduction(report: RunReport, o: ReproduceOptions): Reproduce {
  const lat = report.latency;
  return {
    ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : {}),
    latency: `${lat.model} ${lat.min}-${lat.max} ms${lat.model === 'skewed' ? `, ${lat.slow} x${lat.factor}` : ''}`,
    plan: report.faults.map((f) => f.label),
    ...(o.plan ? { planFile: planToSave(o.plan, report) } : {}),
    machines: o.machinesModule !== undefined ? machinesModuleIdentity(o.machinesModule) : null,
    traceDigest: report.traceDigest,
    replay: replayCommand(
      {
        ...(o.scenarioFile !== undefined ? { scenarioFile: o.scenarioFile } : { scenario: report.scenario }),
        latency: lat,
        topologyFile: o.topologyFile,
        strict: o.strict,
        machinesModule: o.machinesModule,
        maxMessages: o.maxMessages,
        maxVirtualMs: o.maxVirtualMs,
      },
      report.seed,
      report.scenario,
    ),
    ...(o.shrunkFrom ? { shrunkFrom: o.shrunkFrom } : {}),
  };
}
