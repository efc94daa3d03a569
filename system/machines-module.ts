import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../machines/support';
import type { ComponentKind, MachineOverrides } from '../machines/layout';

// Defined with the layout (scenarios need it); most of the harness takes it from here.
export type { MachineOverrides };

export const componentKinds = ['queue', 'container', 'table', 'dns', 'source', 'destination', 'database', 'failoverDns'] as const satisfies readonly ComponentKind[];
// Fails to compile if a component kind is added to the layout but not here.
const everyKindListed: Exclude<ComponentKind, (typeof componentKinds)[number]> extends never ? true : never = true;
void everyKindListed;

const isKind = (key: string): key is ComponentKind => (componentKinds as readonly string[]).includes(key);

/** An XState v5 machine, by what the simulation calls on it (another copy of xstate fails instanceof). */
function looksLikeMachine(value: unknown): boolean {
  const m = value as Record<string, unknown> | null;
  return (
    typeof m === 'object' && m !== null &&
    ['provide', 'transition', 'getInitialSnapshot', 'getPersistedSnapshot', 'resolveState'].every((f) => typeof m[f] === 'function') &&
    typeof m.root === 'object' && m.root !== null && typeof m.config === 'object'
  );
}

/** Checks that a value is an object of component kind to XState machine; `what` names the input in errors. */
export function validateMachines(value: unknown, what: string): MachineOverrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(what, ['machines must be an object of component kind to XState machine']);
  const entries = Object.entries(value);
  if (entries.length === 0) throw new InputError(what, ['no machines given']);
  const issues: string[] = [];
  for (const [key, machine] of entries) {
    if (!isKind(key)) issues.push(`unknown component kind '${key}'; known: ${componentKinds.join(', ')}`);
    else if (!looksLikeMachine(machine))
      issues.push(`'${key}' is not an XState machine (made with setup(...).createMachine or createMachine)`);
  }
  if (issues.length) throw new InputError(what, issues);
  return value as MachineOverrides;
}

/**
 * Loads a CommonJS module whose `machines` export (or default export) holds
 * replacement machines. Worker threads call this themselves: machines are
 * functions and cannot be posted between threads.
 */
export function loadMachinesModule(file: string, what = 'machinesModule'): MachineOverrides {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new InputError(what, [`no file '${file}'`]);
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a user's module, known only at run time, loaded synchronously
    loaded = require(path) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(what, [`'${file}' could not be loaded: ${(err as Error).message.split('\n')[0]}`]);
  }
  const exported = loaded?.machines ?? loaded?.default;
  if (exported === undefined)
    throw new InputError(what, [`'${file}' exports neither 'machines' nor a default export (an object of component kind to machine)`]);
  try {
    return validateMachines(exported, what);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(what, err.issues.map((issue) => `'${file}': ${issue}`));
    throw err;
  }
}

/** What names a machines module in a report: its path as given and the sha256 of its content. */
export function machinesModuleIdentity(file: string): { path: string; sha256: string } {
  return { path: file, sha256: createHash('sha256').update(readFileSync(resolve(file))).digest('hex') };
}
