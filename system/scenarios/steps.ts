import type { TpsRecord } from '../../machines/protocol';
import type { RecordDestinationContext } from '../../machines/record-destination.machine';
import type { RegionalDatabaseContext } from '../../machines/regional-database.machine';
import type { RegionalTableContext } from '../../machines/regional-table.machine';
import { progressOf } from '../../specs/active-active-spec.machine';
import { ids } from '../../machines/ids';
import type { Layout } from '../../machines/layout';
import type { ControlCommand } from '../faults/control';
import type { ScenarioStep, SystemView, Wait } from './scenario-driver.machine';

/** Building blocks shared by scenarios. */
export const publish = (batch: number): Wait => ({
  kind: 'request',
  target: ids.source,
  event: { type: 'source.publish', batch },
  until: 'source.batchPublished',
  match: { batch },
  describe: `record source published batch ${batch}`,
});

export const destinationHolds = (count: number): Wait => ({
  kind: 'request',
  target: ids.destination,
  event: { type: 'destination.notifyAt', count },
  until: 'destination.countReached',
  match: { count },
  describe: `record destination holds ${count} records`,
});

export const queueHasSeen = (queue: string, count: number): Wait => ({
  kind: 'request',
  target: queue,
  event: { type: 'queue.notifyAt', count },
  until: 'queue.countReached',
  match: { queue },
  describe: `${queue} has seen ${count} sends`,
});

export const inState = (target: string, state: string): Wait => ({
  kind: 'state',
  target,
  state,
  describe: `${target} is ${state}`,
});

export const specIsCold: Wait = { ...inState(ids.spec, 'cold'), describe: 'spec is cold (every record everywhere)' };

export const control = (target: string, verb: string, args?: Record<string, unknown>): ControlCommand => ({
  target,
  verb,
  ...(args ? { args } : {}),
});

/** Records of the set the in-DNS routed to `region` (as the spec observed). */
export function routedTo(view: SystemView, region: number, records: TpsRecord[]): number[] {
  const spec = view.spec();
  return records.map((r) => r.recordId).filter((id) => progressOf(spec).regionOf(id) === region);
}

/** Every regional table of every stage holds `count` rows. */
export function tablesConverged(view: SystemView, layout: Layout, count: number) {
  const counts: Record<string, number> = {};
  for (const stage of layout.stages)
    for (const region of layout.regions) {
      const id = ids.regionalTable(stage, region);
      // a regional table counts its rows; an active-passive regional database lists them
      const c = view.context<RegionalTableContext | RegionalDatabaseContext>(id);
      counts[id] = 'count' in c ? c.count : c.rows.length;
    }
  return { ok: Object.values(counts).every((c) => c === count), counts };
}

/** Final step of every scenario: all delivered, replicas converged, spec cold. */
export function finalStep(layout: Layout, batches: TpsRecord[][], stepNo: string): ScenarioStep {
  const total = batches.flat().length;
  return {
    step: stepNo,
    name: `Wait until the destination holds ${total} records and the spec is cold`,
    waits: [destinationHolds(total), specIsCold],
    check: (view) => {
      const delivered = view.context<RecordDestinationContext>(ids.destination).count;
      const tables = tablesConverged(view, layout, total);
      const spec = view.spec();
      const state = view.state(ids.spec);
      const failed = [
        delivered === total ? '' : `delivered = ${delivered}, expected ${total}`,
        tables.ok ? '' : `tables not converged to ${total} rows: ${Object.entries(tables.counts).filter(([, c]) => c !== total).map(([t, c]) => `${t} ${c}`).join(', ')}`,
        state === 'cold' ? '' : `spec is ${state}, expected cold`,
        spec.violations.length ? `violations = ${spec.violations.length}, expected 0` : '',
      ].filter(Boolean);
      return {
        ok: failed.length === 0,
        observed: { delivered, tableRows: tables.counts, spec: state, violations: spec.violations.length },
        ...(failed.length ? { detail: `did not hold: ${failed.join('; ')}` } : {}),
      };
    },
  };
}
