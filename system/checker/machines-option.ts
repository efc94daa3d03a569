import { resolve } from 'node:path';
import { InputError } from '../../machines/support';
import { loadMachinesModule, validateMachines, type MachineOverrides } from '../machines-module';

/**
 * Replacement machines given in memory or as a module (one or the other),
 * checked: what `checkScenario` and `shrinkPlan` take. `path` is the module
 * resolved to an absolute path, as workers load it.
 */
export function resolveMachinesOption(
  given: { machines?: unknown; machinesModule?: string },
  what: string,
): { machines?: MachineOverrides; path?: string } {
  if (given.machines !== undefined && given.machinesModule !== undefined)
    throw new InputError(what, ['machines: give machines or machinesModule, not both']);
  if (given.machinesModule !== undefined) {
    const path = resolve(given.machinesModule);
    return { machines: loadMachinesModule(path), path };
  }
  return given.machines === undefined ? {} : { machines: validateMachines(given.machines, 'machines') };
}
