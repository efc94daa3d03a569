import type { ActivePassiveSpecContext, ActivePassiveViolation } from './active-passive-spec.machine';

export interface ActivePassiveEndOfRun {
  violations: ActivePassiveViolation[];
  stuck: { recordId: number; region: number | null; stuckAt: string }[];
  /** distinct records reported lost (by a component or by a switch) */
  lost: number;
  /** distinct records reported duplicated */
  duplicates: number;
  /** each record a switch dropped before it was replicated, with the database that misses it */
  lostOnFailover: { recordId: number; database: string }[];
}

/** The active-passive spec's verdict once the run is over; a run out of budget adds a no-progress violation. */
export function activePassiveEndOfRun(c: ActivePassiveSpecContext, at: number, exhausted?: string): ActivePassiveEndOfRun {
  const violations = [...c.violations];
  if (exhausted)
    violations.push({
      kind: 'no-progress',
      recordId: -1,
      component: 'system',
      at,
      message: `the run used its budget (${exhausted}) with ${c.recordIds.length - c.complete} records not everywhere`,
    });
  const distinct = (kinds: string[]) => new Set(violations.filter((v) => kinds.includes(v.kind)).map((v) => v.recordId)).size;
  return {
    violations,
    stuck: [...c.stuck],
    lost: distinct(['lost', 'lost-on-failover']),
    duplicates: distinct(['duplicated']),
    lostOnFailover: violations.filter((v) => v.kind === 'lost-on-failover').map((v) => ({ recordId: v.recordId, database: v.component })),
  };
}
