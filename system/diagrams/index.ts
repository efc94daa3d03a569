import type { AnyStateMachine } from 'xstate';
import { containerMachine } from '../../machines/container.machine';
import { globalTableMachine } from '../../machines/global-table.machine';
import { queueMachine } from '../../machines/queue.machine';
import { recordDestinationMachine } from '../../machines/record-destination.machine';
import { recordSourceMachine } from '../../machines/record-source.machine';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { replicatorMachine } from '../../machines/replicator.machine';
import { weightedDnsMachine } from '../../machines/weighted-dns.machine';
import { activeActiveSpecMachine } from '../../specs/active-active-spec.machine';
import { activePassiveSpecMachine } from '../../specs/active-passive-spec.machine';
import { failoverDnsMachine } from '../../machines/failover-dns.machine';
import { globalDatabaseMachine } from '../../machines/global-database.machine';
import { oneWayReplicatorMachine } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine } from '../../machines/regional-database.machine';
import { faultInjectorMachine } from '../faults/fault-injector.machine';
import { orchestratorMachine } from '../orchestrator.machine';
import { scenarioDriverMachine } from '../scenarios/scenario-driver.machine';
import { machineToDot } from './machine-dot';

/** The machines drawn in docs/diagrams, named after their files (`<name>.machine.ts`). */
export const diagramMachines: Record<string, AnyStateMachine> = {
  queue: queueMachine,
  'regional-table': regionalTableMachine,
  replicator: replicatorMachine,
  'global-table': globalTableMachine,
  container: containerMachine,
  'weighted-dns': weightedDnsMachine,
  'record-source': recordSourceMachine,
  'record-destination': recordDestinationMachine,
  'active-active-spec': activeActiveSpecMachine,
  // the active-passive design's
  'regional-database': regionalDatabaseMachine,
  'one-way-replicator': oneWayReplicatorMachine,
  'global-database': globalDatabaseMachine,
  'failover-dns': failoverDnsMachine,
  'active-passive-spec': activePassiveSpecMachine,
  'scenario-driver': scenarioDriverMachine,
  'fault-injector': faultInjectorMachine,
  orchestrator: orchestratorMachine,
};

/** Diagram name by the machine's own id (`container` -> `container`, `globalTable` -> `global-table`). */
export const diagramNameByMachineId: Record<string, string> = Object.fromEntries(
  Object.entries(diagramMachines).map(([name, m]) => [m.id, name]),
);

/** Every diagram's DOT, in the order above. */
export function allDots(): { name: string; dot: string }[] {
  return Object.entries(diagramMachines).map(([name, m]) => ({ name, dot: machineToDot(m, { name }) }));
}
