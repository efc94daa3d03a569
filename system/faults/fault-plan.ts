import { z } from 'zod';
import type { ControlCommand } from './control';
import { NETWORK } from './control';
import { inRegion } from '../../machines/ids';

/** The kinds of fault a plan can hold; each becomes a fail command and, after its duration, a recover command. */
export const faultKinds = [
  'container-fail',
  'queue-fail',
  'table-region-fail',
  'table-fail',
  'replication-fail',
  'dns-offline',
  'slow-region',
  // the active-passive design's
  'database-fail',
  'database-replication-fail',
  'region-switch',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The active-active design's fault kinds, in the order its chaos draws them. */
export const activeActiveFaultKinds = faultKinds.slice(0, 7) as readonly FaultKind[];

const time = z.number().int().min(0).max(1e9);

/** When a fault starts: at a virtual time, or when an actor reaches a state (with a record, for a container). */
export const faultTriggerSchema = z.union([
  z.object({ at: time }).strict(),
  z
    .object({
      when: z
        .object({
          /** systemId of the actor watched, e.g. "container:core:r2" */
          actor: z.string().min(1),
          /** a state name or dotted path, e.g. "publishing" */
          state: z.string().min(1),
          /** for a container: the record it is working on */
          recordId: z.number().int().nonnegative().optional(),
        })
        .strict(),
      /** not triggered before this virtual time (default 0) */
      from: time.optional(),
      /** given up, never started, if not triggered by this virtual time */
      until: time,
    })
    .strict(),
]);
export type FaultTrigger = z.infer<typeof faultTriggerSchema>;

export const faultSchema = z
  .object({
    id: z.string().min(1).max(40),
    kind: z.enum(faultKinds),
    /** systemId: a container, a queue, a global table ("table:core"), "dns:in"/"dns:out", or "network" */
    target: z.string().min(1),
    /** table-region-fail, dns-offline, slow-region: the region */
    region: z.number().int().positive().optional(),
    /** slow-region: how many times slower (default 10) */
    factor: z.number().min(1).max(1000).optional(),
    trigger: faultTriggerSchema,
    /** virtual ms from the fault's start to its recovery */
    duration: time,
    /** container-fail: the messages the container sent that are still in flight land this many ms later (its last life's stragglers) */
    stragglers: z.number().int().min(0).max(60_000).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const needsRegion = f.kind === 'table-region-fail' || f.kind === 'dns-offline' || f.kind === 'slow-region';
    if (needsRegion && f.region === undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: `${f.kind} needs a region` });
    if (!needsRegion && f.region !== undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: `${f.kind} takes no region` });
    if (f.kind !== 'slow-region' && f.factor !== undefined) ctx.addIssue({ code: 'custom', path: ['factor'], message: 'only slow-region takes a factor' });
    if (f.kind !== 'container-fail' && f.stragglers !== undefined)
      ctx.addIssue({ code: 'custom', path: ['stragglers'], message: 'only container-fail takes stragglers' });
    if (f.kind === 'slow-region' && f.target !== NETWORK)
      ctx.addIssue({ code: 'custom', path: ['target'], message: `slow-region targets '${NETWORK}'` });
    if ('when' in f.trigger && (f.trigger.from ?? 0) > f.trigger.until)
      ctx.addIssue({ code: 'custom', path: ['trigger', 'until'], message: 'until must not be before from' });
  });
export type Fault = z.infer<typeof faultSchema>;

/** The component kind a fault's target must be. */
export const faultTargetKind: Record<FaultKind, 'container' | 'queue' | 'table' | 'dns' | 'network' | 'database' | 'failoverDns'> = {
  'container-fail': 'container',
  'queue-fail': 'queue',
  'table-region-fail': 'table',
  'table-fail': 'table',
  'replication-fail': 'table',
  'dns-offline': 'dns',
  'slow-region': 'network',
  'database-fail': 'database',
  'database-replication-fail': 'database',
  // a database's or a failover DNS's; its target says which (see faultTargetKindOf)
  'region-switch': 'database',
};

/** The kinds a fault's target may be: a region switch hits a global database or a failover DNS. */
export function faultTargetKindsOf(kind: FaultKind): string[] {
  return kind === 'region-switch' ? ['database', 'failoverDns'] : [faultTargetKind[kind]];
}

/** The command that starts a fault and the one that heals it (and one given just before the start: a crash's stragglers). */
export function faultCommands(f: Fault): { fail: ControlCommand; recover: ControlCommand; beforeFail?: ControlCommand } {
  const on = (verb: string, args?: Record<string, unknown>): ControlCommand => ({ target: f.target, verb, ...(args ? { args } : {}) });
  switch (f.kind) {
    case 'container-fail':
      if (f.stragglers !== undefined)
        return { fail: on('fail'), recover: on('recover'), beforeFail: { target: NETWORK, verb: 'delayInFlight', args: { from: f.target, ms: f.stragglers } } };
      return { fail: on('fail'), recover: on('recover') };
    case 'queue-fail':
    case 'table-fail':
    case 'database-fail':
      return { fail: on('fail'), recover: on('recover') };
    case 'database-replication-fail':
      return { fail: on('failReplication'), recover: on('recoverReplication') };
    case 'region-switch':
      // fails over, and back when it heals
      return { fail: on('switch'), recover: on('switch') };
    case 'table-region-fail':
      return { fail: on('fail', { region: f.region }), recover: on('recover', { region: f.region }) };
    case 'replication-fail':
      return { fail: on('failReplication'), recover: on('recoverReplication') };
    case 'dns-offline':
      return { fail: on('setRegionOnline', { region: f.region, online: false }), recover: on('setRegionOnline', { region: f.region, online: true }) };
    case 'slow-region':
      return { fail: on('slow', { region: f.region, factor: f.factor ?? 10 }), recover: on('restore', { region: f.region }) };
  }
}

/** The actor whose state a fault hits: the regional table for a one-region table fault. */
export function faultHitActor(f: Pick<Fault, 'kind' | 'target' | 'region'>): string | undefined {
  if (f.kind === 'table-region-fail') return inRegion(f.target, f.region as number);
  if (f.kind === 'slow-region') return undefined;
  return f.target;
}

/** What happened to a fault in a run. */
export interface FaultRecord {
  id: string;
  kind: FaultKind;
  target: string;
  region?: number;
  /** virtual ms it started, null if its trigger never came */
  start: number | null;
  /** virtual ms it was healed */
  end: number | null;
  /** the state of the actor it hit when it started, e.g. "processRecords.publishing" */
  hitState: string | null;
  /** for a container: the record it was working on */
  hitRecordId: number | null;
  /** the component next to the target (machines/layout.ts peerOf), if it has one */
  peer?: string;
  /** that peer's state when the fault started */
  peerState?: string | null;
  /** the states the hit actor went through from the fault's start: the hit state, then its next few (system/faults/trails.ts) */
  trail?: string[];
  label: string;
}

/** One line a person reads: what, where, when. */
export function describeFault(f: Fault): string {
  const where = f.region !== undefined ? `${f.target} region ${f.region}` : f.target;
  const what = {
    'container-fail': 'crash',
    'queue-fail': 'fail',
    'table-region-fail': 'fail',
    'table-fail': 'fail whole table',
    'replication-fail': 'fail replication of',
    'dns-offline': 'take offline in',
    'slow-region': `slow x${f.factor ?? 10}`,
    'database-fail': 'fail whole database',
    'database-replication-fail': 'fail replication of',
    'region-switch': 'switch regions (and back) in',
  }[f.kind];
  const when =
    'at' in f.trigger
      ? `at t=${f.trigger.at}ms`
      : `when ${f.trigger.when.actor} is ${f.trigger.when.state}${f.trigger.when.recordId !== undefined ? ` with record ${f.trigger.when.recordId}` : ''}` +
        ` (t=${f.trigger.from ?? 0}..${f.trigger.until}ms)`;
  const late = f.stragglers !== undefined ? `, its messages in flight ${f.stragglers}ms late` : '';
  return `${f.id}: ${what} ${where} ${when} for ${f.duration}ms${late}`;
}
