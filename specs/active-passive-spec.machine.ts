import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../machines/support';
import { ids } from '../machines/ids';

/**
 * Facts the active-passive spec is fed, one per observed delivery. A queue
 * is named by its position in the pipeline, both regions together (the
 * reference's spec keys queues by name: the design promises one order across
 * the failover); a database is one region's database of a stage.
 */
export type ActivePassiveSpecEvent =
  | { type: 'spec.sent'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.removed'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.stored'; stage: number; region: number; recordId: number; replication: boolean; at: number }
  | { type: 'spec.delivered'; region: number; recordId: number; at: number }
  /** what the destination keeps after it processed a delivery: how many times it counts this record */
  | { type: 'spec.kept'; recordId: number; count: number; distinct: number; at: number }
  /** a switch dropped this copy: written to `from`'s database of the stage, never applied to `to`'s */
  | { type: 'spec.lostOnSwitch'; stage: number; recordId: number; from: number; to: number; at: number }
  | { type: 'spec.quiescent'; at: number };

export type ActivePassiveViolationKind =
  /** a queue or database got a record after a later one (a re-send of the last one is fine) */
  | 'order'
  /** a queue or database got a record again that was not the last one, or the destination kept one twice */
  | 'duplicated'
  /** a record missing at the end that no switch explains: a component dropped it */
  | 'lost'
  /** a record missing from a database because a switch dropped its copy: the design's recovery point */
  | 'lost-on-failover'
  /** quiescent with the record still held somewhere */
  | 'stuck'
  | 'unknown-record'
  | 'no-progress';

export interface ActivePassiveViolation {
  kind: ActivePassiveViolationKind;
  recordId: number;
  component: string;
  at: number;
  message: string;
}

export const activePassiveSpecInputSchema = z
  .object({
    /** record ids in publication order */
    recordIds: z
      .array(z.number().int().nonnegative())
      .min(1)
      .refine((ids) => new Set(ids).size === ids.length, 'record ids must be distinct'),
    stages: z.array(z.string().min(1)).min(1),
    regions: z.array(z.number().int().positive()).length(2),
    /** queue names by position, stages.length + 1 of them */
    queueNames: z.array(z.string().min(1)),
  })
  .strict()
  .refine((i) => i.queueNames.length === i.stages.length + 1, { message: 'one queue name per position: stages + 1', path: ['queueNames'] });
export type ActivePassiveSpecInput = z.input<typeof activePassiveSpecInputSchema>;

/** What the spec knows of one record; masks are bit per position, and per (stage, region). */
export interface RecordFacts {
  readonly sent: number;
  readonly removed: number;
  readonly stored: number;
  readonly delivered: boolean;
}

/** The arrivals at one queue or database: the publication index of the last new record, and every id seen. */
export interface Arrivals {
  readonly last: number;
  readonly seen: Readonly<Record<number, true>>;
}

export interface ActivePassiveSpecContext {
  readonly recordIds: readonly number[];
  readonly stages: readonly string[];
  readonly regions: readonly number[];
  readonly queueNames: readonly string[];
  /** publication index by record id */
  readonly index: Readonly<Record<number, number>>;
  readonly facts: Readonly<Record<number, RecordFacts>>;
  readonly arrivals: Readonly<Record<string, Arrivals>>;
  /** copies dropped by switches, by record id */
  readonly lostOnSwitch: Readonly<Record<number, readonly { stage: number; from: number; to: number; at: number }[]>>;
  readonly complete: number;
  readonly violations: readonly ActivePassiveViolation[];
  readonly stuck: readonly { recordId: number; region: number | null; stuckAt: string }[];
  readonly coldAt: number | null;
}

const fullMask = (n: number) => (n >= 31 ? -1 : (1 << n) - 1);
const storedBit = (c: Pick<ActivePassiveSpecContext, 'regions'>, stage: number, region: number) =>
  1 << (stage * 2 + c.regions.indexOf(region));

export const isRecordComplete = (c: ActivePassiveSpecContext, f: RecordFacts): boolean =>
  f.delivered &&
  f.sent === fullMask(c.queueNames.length) &&
  f.removed === fullMask(c.queueNames.length) &&
  f.stored === fullMask(c.stages.length * 2);

const queueKey = (c: ActivePassiveSpecContext, position: number) => ids.queueInAnyRegion(c.queueNames[position]);
const databaseKey = (c: ActivePassiveSpecContext, stage: number, region: number) => ids.regionalTable(c.stages[stage], region);

/** The order check at one queue or database: a new arrival must come after every earlier one. */
function arrive(c: ActivePassiveSpecContext, key: string, recordId: number, at: number): Partial<ActivePassiveSpecContext> {
  const index = c.index[recordId];
  const seen = c.arrivals[key] ?? { last: -1, seen: {} };
  if (seen.last >= 0 && c.recordIds[seen.last] === recordId) return {}; // a re-send of the last record
  if (seen.seen[recordId]) {
    const v: ActivePassiveViolation = { kind: 'duplicated', recordId, component: key, at, message: `record ${recordId} arrived at ${key} again, after ${c.recordIds[seen.last]}` };
    return { violations: [...c.violations, v] };
  }
  const next: Arrivals = { last: Math.max(seen.last, index), seen: { ...seen.seen, [recordId]: true } };
  const arrivals = { ...c.arrivals, [key]: next };
  if (index > seen.last) return { arrivals };
  const v: ActivePassiveViolation = {
    kind: 'order',
    recordId,
    component: key,
    at,
    message: `record ${recordId} arrived at ${key} after record ${c.recordIds[seen.last]}, published later`,
  };
  return { arrivals, violations: [...c.violations, v] };
}

/** Records one fact of a record, counting it complete when it is its last. */
function note(c: ActivePassiveSpecContext, recordId: number, change: (f: RecordFacts) => RecordFacts): Partial<ActivePassiveSpecContext> {
  const before = c.facts[recordId];
  const after = change(before);
  const wasComplete = isRecordComplete(c, before);
  const nowComplete = isRecordComplete(c, after);
  return { facts: { ...c.facts, [recordId]: after }, complete: c.complete + (nowComplete && !wasComplete ? 1 : 0) };
}

/** Applies one fact to the spec's context: a new context, never a change in place. */
export function applyActivePassiveFact(c: ActivePassiveSpecContext, e: ActivePassiveSpecEvent): ActivePassiveSpecContext {
  if (e.type === 'spec.quiescent') return c;
  if (!(e.recordId in c.index)) {
    const v: ActivePassiveViolation = { kind: 'unknown-record', recordId: e.recordId, component: e.type, at: e.at, message: `record ${e.recordId} was never published` };
    return { ...c, violations: [...c.violations, v] };
  }
  switch (e.type) {
    case 'spec.sent': {
      const ordered = { ...c, ...arrive(c, queueKey(c, e.position), e.recordId, e.at) };
      return { ...ordered, ...note(ordered, e.recordId, (f) => ({ ...f, sent: f.sent | (1 << e.position) })) };
    }
    case 'spec.removed':
      return { ...c, ...note(c, e.recordId, (f) => ({ ...f, removed: f.removed | (1 << e.position) })) };
    case 'spec.stored': {
      const ordered = { ...c, ...arrive(c, databaseKey(c, e.stage, e.region), e.recordId, e.at) };
      return { ...ordered, ...note(ordered, e.recordId, (f) => ({ ...f, stored: f.stored | storedBit(c, e.stage, e.region) })) };
    }
    case 'spec.delivered':
      return { ...c, ...note(c, e.recordId, (f) => ({ ...f, delivered: true })) };
    case 'spec.kept': {
      if (e.count === e.distinct) return c;
      const v: ActivePassiveViolation = { kind: 'duplicated', recordId: e.recordId, component: 'destination', at: e.at, message: `the destination counts ${e.count} records for ${e.distinct} distinct ones` };
      return { ...c, violations: [...c.violations, v] };
    }
    case 'spec.lostOnSwitch': {
      const entry = { stage: e.stage, from: e.from, to: e.to, at: e.at };
      return { ...c, lostOnSwitch: { ...c.lostOnSwitch, [e.recordId]: [...(c.lostOnSwitch[e.recordId] ?? []), entry] } };
    }
  }
}

/** Why an incomplete record is not everywhere: every database a switch left without it, else its first gap. */
export function missingRecordViolations(c: ActivePassiveSpecContext, recordId: number, at: number): ActivePassiveViolation[] {
  const f = c.facts[recordId];
  const onFailover: ActivePassiveViolation[] = [];
  for (let s = 0; s < c.stages.length; s++)
    for (const region of c.regions) {
      if (f.stored & storedBit(c, s, region)) continue;
      const cause = (c.lostOnSwitch[recordId] ?? []).find((l) => l.stage === s && l.to === region);
      if (cause)
        onFailover.push({
          recordId,
          at,
          kind: 'lost-on-failover',
          component: databaseKey(c, s, region),
          message: `record ${recordId} was written to ${databaseKey(c, s, cause.from)} but not replicated to ${databaseKey(c, s, region)} before the switch at t=${cause.at}ms`,
        });
    }
  return onFailover.length ? onFailover : [firstGap(c, recordId, at)];
}

/** The first place an incomplete record is missing, in pipeline order. */
function firstGap(c: ActivePassiveSpecContext, recordId: number, at: number): ActivePassiveViolation {
  const f = c.facts[recordId];
  const base = { recordId, at };
  const P = c.queueNames.length;
  for (let k = 0; k < P; k++) {
    const q = ids.queueInAnyRegion(c.queueNames[k]);
    if (!(f.sent & (1 << k))) {
      const held1 = () => ids.queueInAnyRegion(c.queueNames[k - 1]);
      const held = k > 0 && !(f.removed & (1 << (k - 1)));
      return held
        ? { ...base, kind: 'stuck', component: held1(), message: `record ${recordId} is still in ${held1()}, never sent to ${q}` }
        : k === 0
          ? { ...base, kind: 'stuck', component: 'source', message: `record ${recordId} was never published` }
          : { ...base, kind: 'lost', component: held1(), message: `record ${recordId} was removed from ${held1()} and never sent to ${q}` };
    }
    if (!(f.removed & (1 << k))) return { ...base, kind: 'stuck', component: q, message: `record ${recordId} is still in ${q}` };
  }
  for (let s = 0; s < c.stages.length; s++)
    for (const region of c.regions)
      if (!(f.stored & storedBit(c, s, region)))
        return { ...base, kind: 'lost', component: databaseKey(c, s, region), message: `record ${recordId} never reached ${databaseKey(c, s, region)}, and no switch dropped it` };
  return { ...base, kind: 'lost', component: 'destination', message: `record ${recordId} was removed from the outbound queue and never delivered` };
}

/**
 * The active-passive system's spec (the reference's ActivePassiveIsSafeAndLive):
 * every queue and database gets the records in publication order, a re-send
 * of the last one aside (safety, checked as each fact is observed), and every
 * record ends up everywhere (liveness: hot until then, cold after). At
 * quiescence while hot, each missing record is reported under its cause:
 * dropped by a switch before it was replicated, dropped by a component, or
 * still held somewhere.
 */
export const activePassiveSpecMachine = setup({
  types: {
    context: {} as ActivePassiveSpecContext,
    events: {} as ActivePassiveSpecEvent,
    input: {} as ActivePassiveSpecInput,
  },
  guards: {
    allComplete: ({ context }) => context.complete === context.recordIds.length,
  },
  actions: {
    observe: assign(({ context, event }) => applyActivePassiveFact(context, event)),
    markCold: assign({ coldAt: ({ event }) => ('at' in event ? event.at : null) }),
    reportMissing: assign(({ context, event }) => {
      assertEvent(event, 'spec.quiescent');
      const missing = context.recordIds.filter((id) => !isRecordComplete(context, context.facts[id]));
      const found = missing.flatMap((id) => missingRecordViolations(context, id, event.at));
      return {
        violations: [...context.violations, ...found],
        stuck: found.filter((v) => v.kind === 'stuck').map((v) => ({ recordId: v.recordId, region: null, stuckAt: v.message })),
      };
    }),
  },
}).createMachine({
  id: 'activePassiveSpec',
  context: ({ input }) => {
    const { recordIds, stages, regions, queueNames } = parseInput(activePassiveSpecInputSchema, input, 'active-passive spec input');
    const none: RecordFacts = { sent: 0, removed: 0, stored: 0, delivered: false };
    return {
      recordIds,
      stages,
      regions,
      queueNames,
      index: Object.fromEntries(recordIds.map((id, i) => [id, i])),
      facts: Object.fromEntries(recordIds.map((id) => [id, none])),
      arrivals: {},
      lostOnSwitch: {},
      complete: 0,
      violations: [],
      stuck: [],
      coldAt: null,
    };
  },
  initial: 'hot',
  states: {
    hot: {
      description: 'Records are not yet everywhere.',
      always: { guard: 'allComplete', target: 'cold', actions: 'markCold' },
      on: {
        'spec.quiescent': { target: 'incomplete', actions: 'reportMissing' },
        '*': { actions: 'observe' },
      },
    },
    cold: {
      description: 'Every record is in every queue, database and the destination.',
      on: {
        'spec.quiescent': { description: 'Quiescent and complete.' },
        '*': { actions: 'observe' },
      },
    },
    incomplete: {
      description: 'Liveness failure: quiescent with records missing, each reported under its cause.',
      on: { '*': { actions: 'observe' } },
    },
  },
});
