import type { SpecContext, Violation } from './active-active-spec.machine';
import { progressOf, whereIsRecord } from './active-active-spec.machine';
import { ids as systemIds } from '../machines/ids';

/** The in-DNS split of one run: per region, records routed there and how many its weight calls for. */
export interface RoutingReport {
  regions: { region: number; weight: number; routed: number; expected: number }[];
  /** records a region's count may differ from `expected` by (see docs/checking.md) */
  slack: number;
  /** online changes that reached the in-DNS */
  changes: number;
}

export interface EndOfRun {
  /** published (entered a region) and not kept by the destination at the end */
  lost: number;
  /** ids sent twice to one queue, or kept twice by the destination */
  duplicates: number;
  routing: RoutingReport;
}

/**
 * Smooth weighted round-robin keeps every region within one record of its
 * weighted share while the online set is fixed (measured below 0.7 for
 * 50/50, 70/30, 1/1/1, 5/3/2); each online change resets a region's credit
 * and may shift every region by about one record more.
 */
export const routingSlack = (regions: number, changes: number): number => 1 + regions * changes;

/**
 * Checks taken once the run is over, in O(records): every published id is
 * kept by the destination (by id), and each region's share of the routing is
 * within its slack of the weights. Violations are appended to the spec's.
 */
export function endOfRunChecks(c: SpecContext, destination: { records?: Record<number, unknown> } | undefined, at: number): EndOfRun {
  const t = progressOf(c);
  const ids = t.recordIds();
  const kept = destination?.records ?? {};
  const push = (v: Omit<Violation, 'message'> & { message: string }) => c.violations.push(v);
  const duplicated = new Set<number>();
  for (const v of c.violations) if (v.kind === 'duplicate') duplicated.add(v.recordId);
  for (let slot = 0; slot < t.size; slot++) if (t.keptTwice(slot)) duplicated.add(ids[slot]);

  const r = c.routing;
  const slack = routingSlack(c.regions.length, r.changes);
  const regions = c.regions.map((region, i) => ({
    region,
    weight: r.weights[i],
    routed: r.routed[i],
    expected: Math.round(r.expected[i] * 100) / 100,
  }));
  regions.forEach((x, i) => {
    if (Math.abs(r.routed[i] - r.expected[i]) <= slack) return;
    push({
      kind: 'weighted-routing',
      recordId: r.lastRouted[i],
      component: systemIds.inDns,
      at,
      message:
        `record ${r.lastRouted[i]} (the last routed to region ${x.region}): region ${x.region} got ${x.routed} records, ` +
        `its weight ${x.weight} calls for ${x.expected} ± ${slack} (t=${at}ms)`,
    });
  });
  // Lost: published and not kept. A record never delivered is the liveness
  // report's (stuck); one delivered and not kept was flagged on delivery; one
  // kept and gone since is flagged here.
  let lost = 0;
  for (let slot = 0; slot < t.size; slot++) {
    if (t.region(slot) === 0 || ids[slot] in kept) continue;
    lost++;
    if (!t.kept(slot)) continue;
    push({
      kind: 'exactly-once-kept',
      recordId: ids[slot],
      component: 'destination',
      at,
      message: `record ${ids[slot]}: kept by the destination once, but not among its records at the end (t=${at}ms)`,
    });
  }
  return { lost, duplicates: duplicated.size, routing: { regions, slack, changes: r.changes } };
}

/** The queue, table or destination where a pending record waits (as whereIsRecord tells it). */
function componentHolding(c: SpecContext, recordId: number): string {
  const t = progressOf(c);
  const slot = t.slot(recordId);
  if (slot === undefined || !t.region(slot)) return 'source';
  const region = t.region(slot);
  const S = c.stages.length;
  for (let k = 0; k <= S; k++) {
    const q = systemIds.queue(c.queueNames[k], region);
    if (t.sent(slot, k) < 1) return k === 0 ? systemIds.inDns : systemIds.container(c.stages[k - 1], region);
    if (t.received(slot, k) < 1 || t.removed(slot, k) < 1) return q;
    if (k === S && t.delivered(slot) < 1) return q;
  }
  for (let s = 0; s < S; s++) if (t.replicas(slot, s) !== c.fullMask) return systemIds.table(c.stages[s]);
  return systemIds.destination;
}

/** The run used its budget while the system was still busy: a livelock, named by a pending record and the busiest component. */
export function noProgressViolation(
  c: SpecContext,
  at: number,
  budget: string,
  busiest: { component: string; messages: number; window: number } | undefined,
): Violation {
  const pending = progressOf(c).incomplete();
  const recordId = pending[0] ?? -1;
  const component = pending.length ? componentHolding(c, recordId) : (busiest?.component ?? 'system');
  const where = pending.length ? `record ${recordId} is ${whereIsRecord(c, recordId)}` : 'every record is complete';
  const busy = busiest ? `; ${busiest.component} got ${busiest.messages} of the last ${busiest.window} messages` : '';
  return {
    kind: 'no-progress',
    recordId,
    component,
    at,
    message: `record ${recordId}: no progress: the run used its budget of ${budget} at t=${at}ms and was still busy, ${pending.length} records pending; ${where}${busy}`,
  };
}
