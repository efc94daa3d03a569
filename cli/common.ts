import { MAX_SEED } from '../actors/prng';
import { z } from 'zod';
import { MAX_FACTOR } from '../actors/latency';
import { InputError, formatIssues } from '../machines/support';
import { loadMachinesModule, type MachineOverrides } from '../system/machines-module';
import { readTopologyFile } from '../system/topology-file';
import { isPlanned, scenarios, strategyChoiceSchema, type StrategyChoice } from '../system/scenarios';

/** Flag parsing shared by the tps commands; every error names its flag. */

export const EXIT = { pass: 0, fail: 1, badInput: 2, internal: 3, sigint: 130, sigterm: 143 } as const;

/** A plain decimal number as a person types it: no hex, binary, exponent, blanks or sign. */
export const DECIMAL = /^\d+(\.\d+)?$/;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
  /** where a progress bar is drawn on a terminal (default process.stderr) */
  progress?: NodeJS.WritableStream;
}

/** `--max-messages N`, `--max-virtual-ms N`: a run's budget against a livelock. */
export function budgetFlags(values: Record<string, unknown>): { maxMessages?: number; maxVirtualMs?: number } {
  const n = (flag: string) => {
    const v = values[flag.slice(2)] as string | undefined;
    return v === undefined ? undefined : parseIntFlag(flag, v, { min: 1, max: Number.MAX_SAFE_INTEGER });
  };
  const maxMessages = n('--max-messages');
  const maxVirtualMs = n('--max-virtual-ms');
  return { ...(maxMessages !== undefined ? { maxMessages } : {}), ...(maxVirtualMs !== undefined ? { maxVirtualMs } : {}) };
}

/** A whole-number flag within bounds; `undefined` gives the fallback. */
export function parseIntFlag(flag: string, value: string | undefined, bounds: { min: number; max: number; fallback?: number }): number {
  if (value === undefined) {
    if (bounds.fallback === undefined) throw new InputError(flag, ['required']);
    return bounds.fallback;
  }
  const schema = z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(bounds.min, `must be ${bounds.min} or more`)
    .max(bounds.max, bounds.max === MAX_SEED ? 'must be below 2^32' : `must be ${bounds.max} or less`);
  // Only plain digits: Number() would also take '', ' 7', '0x10', '0b101' and '1e3'.
  const parsed = /^-?\d+(\.\d+)?$/.test(value) ? schema.safeParse(value) : undefined;
  if (!parsed?.success) throw new InputError(flag, [`'${value}' ${parsed?.error.issues[0].message ?? 'must be a number'}`]);
  return parsed.data;
}

export function parseSeed(value: string | undefined, flag = '--seed'): number {
  return parseIntFlag(flag, value, { min: 0, max: MAX_SEED, fallback: 1 });
}

/** The latency flags given; undefined when none is (a scenario file's own latency then applies). */
export function latencyFlagsGiven(values: Record<string, unknown>) {
  return values.latency === undefined && values.slow === undefined && values.factor === undefined ? undefined : latencyFlags(values);
}

export function latencyFlags(values: Record<string, unknown>) {
  const schema = z.object({
    latency: z.enum(['uniform', 'skewed', 'heavy-tail'], { message: '--latency must be uniform, skewed or heavy-tail' }).optional(),
    slow: z.string().min(1, '--slow needs a region ("r2") or a component ("container:core:r1")').optional(),
    factor: z
      .string()
      .regex(DECIMAL, '--factor must be a plain number, e.g. 10')
      .transform(Number)
      .pipe(z.number().positive('--factor must be above 0').max(MAX_FACTOR, `--factor must be ${MAX_FACTOR} or less`))
      .optional(),
  });
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new InputError('flags', formatIssues(parsed.error));
  const { latency, slow, factor } = parsed.data;
  // Only the skewed model reads them: anything else would silently ignore them.
  for (const [flag, given] of [['--slow', slow], ['--factor', factor]] as const)
    if (given !== undefined && latency !== 'skewed') throw new InputError(flag, ['only the skewed latency model uses it: add --latency skewed']);
  return { model: latency ?? 'uniform', ...(slow ? { slow } : {}), ...(factor ? { factor } : {}) };
}

export function readTopology(file: string | undefined): unknown {
  return file === undefined ? undefined : readTopologyFile(file, '--topology');
}

/** `--machines MODULE`: replacement machines from a CommonJS module. */
export function readMachines(file: string | undefined): MachineOverrides | undefined {
  return file === undefined ? undefined : loadMachinesModule(file, '--machines');
}

/** Whether the scenario's plans are drawn by an exploration strategy (chaos). */
export function takesStrategy(scenario: { scenario: string } | { scenarioFile: string }): boolean {
  const named = 'scenario' in scenario ? scenarios[scenario.scenario] : undefined;
  return Boolean(named && isPlanned(named) && named.strategies);
}

/** `--strategy NAME`: chaos only (a scenario file or a fixed scenario is its own plan). */
export function strategyFlag(value: string | undefined, scenario: { scenario: string } | { scenarioFile: string }): StrategyChoice | undefined {
  if (value === undefined) return undefined;
  const parsed = strategyChoiceSchema.safeParse(value);
  if (!parsed.success) throw new InputError('--strategy', [`'${value}' ${parsed.error.issues[0].message}`]);
  if (!takesStrategy(scenario))
    throw new InputError('--strategy', [`only chaos draws its plan by strategy; ${'scenarioFile' in scenario ? 'a scenario file is its own plan' : `'${scenario.scenario}' is not drawn by strategy`}`]);
  return parsed.data;
}

/** `<scenario>` or `--scenario-file FILE`, exactly one. */
export function scenarioArgument(verb: string, positionals: string[], file: string | undefined): { scenario: string } | { scenarioFile: string } {
  if (file !== undefined && positionals.length === 0) return { scenarioFile: file };
  if (file === undefined && positionals.length === 1) return { scenario: positionals[0] };
  throw new InputError('arguments', [`tps ${verb} takes exactly one scenario: a name (tps list) or --scenario-file FILE`]);
}

