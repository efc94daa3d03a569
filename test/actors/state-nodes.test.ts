import { containerMachine } from '../../machines/container.machine';
import { globalDatabaseMachine } from '../../machines/global-database.machine';
import {
  allStateNodes,
  atomicStateNodes,
  enteredBy,
  initialStateNodes,
  matchesEventDescriptor,
  stateNames,
  statePath,
  transitionsOf,
} from '../../actors/state-nodes';

describe('statechart walker', () => {
  it('lists every state node, root first, depth first in definition order', () => {
    const paths = allStateNodes(containerMachine).map(statePath);
    expect(paths.slice(0, 3)).toEqual(['(machine)', 'processRecords', 'processRecords.awaitingRecord']);
    expect(paths).toContain('failedDependency');
    expect(atomicStateNodes(containerMachine).map(statePath)).not.toContain('processRecords');
  });

  it("gives a node's transitions: event-keyed ones, then always", () => {
    const starting = allStateNodes(globalDatabaseMachine).find((n) => n.key === 'starting')!;
    expect(transitionsOf(starting).map((t) => [t.event, t.always])).toEqual([
      ['always', true],
      ['always', true],
    ]);
    const failed = allStateNodes(globalDatabaseMachine).find((n) => n.key === 'failed')!;
    expect(transitionsOf(failed).map((t) => t.event)).toEqual(['table.insert', 'database.switch', 'table.fail', 'table.recover', 'table.recover']);
  });

  it('knows what a target enters and where a machine starts', () => {
    const processRecords = allStateNodes(containerMachine).find((n) => n.key === 'processRecords')!;
    expect(enteredBy(processRecords).map(statePath)).toEqual(['processRecords', 'processRecords.awaitingRecord']);
    expect(initialStateNodes(containerMachine).map(statePath)).toEqual(['processRecords', 'processRecords.awaitingRecord']);
  });

  it('names states by key and by path, as a scenario may', () => {
    const names = stateNames(containerMachine)!;
    expect(names.has('awaitingRecord')).toBe(true);
    expect(names.has('processRecords.awaitingRecord')).toBe(true);
    expect(names.has('(machine)')).toBe(false);
    expect(stateNames(undefined)).toBeUndefined();
  });

  it('matches event descriptors as XState does', () => {
    expect(matchesEventDescriptor('queue.send', '*')).toBe(true);
    expect(matchesEventDescriptor('queue.send', 'queue.*')).toBe(true);
    expect(matchesEventDescriptor('queue.send', 'table.*')).toBe(false);
    expect(matchesEventDescriptor('queue.send', 'queue.sen')).toBe(false);
  });
});
