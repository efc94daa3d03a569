import { assign, setup } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../machines/support';
import { ids } from '../machines/ids';
import { update } from '../machines/context-update';
import { copyProgressRows, newProgressRows, RecordProgressTable, type RecordProgressRows } from './record-progress';

/**
 * Facts the spec is fed, one per observed delivery. `position` k is the
 * queue feeding stage k (k = stages.length is the outbound queue read by
 * the destination); `at` is virtual time.
 */
export type SpecEvent =
  | { type: 'spec.sent'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.received'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.removed'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.persisted'; stage: number; region: number; recordId: number; replication: boolean; at: number }
  | { type: 'spec.delivered'; region: number; recordId: number; at: number }
  /** the in-DNS sent the record to a region's first queue (at the moment it routed it) */
  | { type: 'spec.routed'; region: number; recordId: number; at: number }
  /** a `dns.setRegionOnline` command reached the in-DNS */
  | { type: 'spec.regionOnline'; region: number; online: boolean; at: number }
  /** what the destination keeps after it processed a delivery of this record */
  | { type: 'spec.kept'; recordId: number; kept: boolean; count: number; at: number }
  | { type: 'spec.quiescent'; at: number }
  /** facts were applied to the context directly (applySpecFact): re-check completion at `at` */
  | { type: 'spec.check'; at: number };

export type ViolationKind =
  | 'removed-before-persisted-and-forwarded'
  | 'forwarded-before-persisted'
  | 'duplicate'
  | 'unknown-record'
  | 'wrong-region'
  | 'out-of-order'
  /** a queue delivered, or a container wrote to its regional table, a record after a later one of its region */
  | 'fifo'
  /** the destination's kept set is not the published set, each id once */
  | 'exactly-once-kept'
  /** routed to a region offline or of weight 0, or a region's share outside its bound */
  | 'weighted-routing'
  /** the run used its message or virtual-time budget without settling (livelock) */
  | 'no-progress';

export interface Violation {
  kind: ViolationKind;
  recordId: number;
  component: string;
  at: number;
  message: string;
}

export interface PendingRecord {
  recordId: number;
  region: number | null;
  stuckAt: string;
}

export const specInputSchema = z.object({
  recordIds: z
    .array(z.number().int().nonnegative())
    .min(1)
    .refine((ids) => new Set(ids).size === ids.length, 'record ids must be distinct'),
  stages: z.array(z.string().min(1)).min(1),
  regions: z.array(z.number().int().positive()).min(1).max(31),
  /** queue names by position, stages.length + 1 of them */
  queueNames: z.array(z.string().min(1)),
  /** the in-DNS routing weight of each region, in `regions` order (default: equal) */
  weights: z.array(z.number().nonnegative()).optional(),
});
export type SpecInput = z.input<typeof specInputSchema>;

export interface SpecContext {
  stages: string[];
  regions: number[];
  queueNames: string[];
  regionIndex: Record<number, number>;
  fullMask: number;
  /** per-record progress, one row a record (read it through progressOf) */
  progress: RecordProgressRows;
  pending: number;
  violations: Violation[];
  stuck: PendingRecord[];
  coldAt: number | null;
  /** FIFO per region: entries so far per region; highest entry seq received per (position, region) and written per (stage, region) */
  fifo: { entries: number[]; received: number[]; written: number[]; idBySeq: number[] };
  /** the in-DNS as the spec sees it: online per region, weights, records routed and their expected share */
  routing: RoutingState;
  /** distinct ids the destination keeps, and by how much its count exceeded that when last checked */
  keptDistinct: number;
  keptExcess: number;
}

export interface RoutingState {
  weights: number[];
  /** 1 online, 0 offline */
  online: number[];
  /** records that entered each region (successful sends to its first queue) */
  routed: number[];
  /** their expected number: each entry adds weight / (sum of online weights) to every online region */
  expected: number[];
  /** online changes that reached the in-DNS (each may shift the round-robin by up to a record a region) */
  changes: number;
  lastRouted: number[];
}

/** The progress rows of a spec's context, to read or count on (in place). */
export const progressOf = (c: SpecContext): RecordProgressTable => new RecordProgressTable(c.progress);

/** A copy of the context that facts can be applied to without changing the original. */
export function copySpecContext(c: SpecContext): SpecContext {
  return {
    ...c,
    progress: copyProgressRows(c.progress),
    violations: c.violations.slice(),
    fifo: {
      entries: c.fifo.entries.slice(),
      received: c.fifo.received.slice(),
      written: c.fifo.written.slice(),
      idBySeq: c.fifo.idBySeq.slice(),
    },
    routing: {
      ...c.routing,
      online: c.routing.online.slice(),
      routed: c.routing.routed.slice(),
      expected: c.routing.expected.slice(),
      lastRouted: c.routing.lastRouted.slice(),
    },
  };
}

const queueLabel = (c: SpecContext, position: number, region: number) => ids.queue(c.queueNames[position], region);

function isComplete(c: SpecContext, t: RecordProgressTable, slot: number): boolean {
  if (t.delivered(slot) < 1) return false;
  for (let k = 0; k < t.positions; k++) if (t.sent(slot, k) < 1 || t.removed(slot, k) < 1) return false;
  for (let s = 0; s < t.stages; s++) if (t.replicas(slot, s) !== c.fullMask) return false;
  return true;
}

/** Where a record that has not completed is stuck, in words. */
export function whereIsRecord(c: SpecContext, recordId: number): string {
  const t = progressOf(c);
  const slot = t.slot(recordId);
  if (slot === undefined) return 'not in the published record set';
  const region = t.region(slot);
  if (!region) return 'never published (not in any inbound queue)';
  const S = c.stages.length;
  for (let k = 0; k <= S; k++) {
    const q = queueLabel(c, k, region);
    const reader = k < S ? ids.container(c.stages[k], region) : ids.destination;
    if (t.sent(slot, k) < 1) return `not yet sent to ${q}`;
    if (t.received(slot, k) < 1) return `waiting in ${q}, not received by ${reader}`;
    if (k < S && t.written(slot, k) < 1) return `received by ${reader} from ${q}, not written to ${ids.regionalTable(c.stages[k], region)}`;
    if (k === S && t.delivered(slot) < 1) return `in ${q}, not delivered to the destination`;
    if (t.removed(slot, k) < 1) return `in flight in ${q}, not removed by ${reader}`;
  }
  for (let s = 0; s < S; s++) {
    if (t.replicas(slot, s) !== c.fullMask) {
      const missing = c.regions.filter((_, i) => !(t.replicas(slot, s) & (1 << i)));
      return `not replicated to table:${c.stages[s]} in region ${missing.join(', ')}`;
    }
  }
  return 'complete';
}

/** A fact about one record. */
type RecordFact = Extract<SpecEvent, { recordId: number }>;
/** A fact about one record's way through its region's queues and tables. */
type PipelineFact = Extract<SpecEvent, { region: number; recordId: number }>;
type Fact<K extends SpecEvent['type']> = Extract<SpecEvent, { type: K }>;

function flag(c: SpecContext, e: RecordFact, kind: ViolationKind, component: string, message: string): void {
  c.violations.push({ kind, recordId: e.recordId, component, at: e.at, message: `record ${e.recordId}: ${message}` });
}

/** A record's first successful send to its region's first queue: its place in the region's order, and its share of the routing. */
function enterRegion(c: SpecContext, t: RecordProgressTable, slot: number, ri: number): void {
  const seq = ++c.fifo.entries[ri];
  t.setEntrySeq(slot, seq);
  c.fifo.idBySeq[ri * (t.size + 1) + seq] = t.recordIds()[slot];
  const r = c.routing;
  r.routed[ri]++;
  r.lastRouted[ri] = t.recordIds()[slot];
  let total = 0;
  for (let i = 0; i < r.weights.length; i++) if (r.online[i] && r.weights[i] > 0) total += r.weights[i];
  if (total > 0) for (let i = 0; i < r.weights.length; i++) if (r.online[i] && r.weights[i] > 0) r.expected[i] += r.weights[i] / total;
}

/**
 * FIFO at one queue or table (cell `at` of `highest`): a record may come
 * again while it is the latest (a redelivery of the in-flight head, a write
 * retried), but not after a record that entered the region later. Returns
 * that later record's id, or undefined when the order holds.
 */
function checkFifo(c: SpecContext, t: RecordProgressTable, highest: number[], at: number, slot: number): number | undefined {
  const seq = t.entrySeq(slot);
  if (seq === 0) return undefined;
  if (seq >= highest[at]) {
    highest[at] = seq;
    return undefined;
  }
  return c.fifo.idBySeq[c.regionIndex[t.region(slot)] * (t.size + 1) + highest[at]];
}

/**
 * The record's row; a record not in the published set is flagged and has none. Each
 * record fact's handler starts here: the handlers take the table `t` so that a fact
 * allocates nothing but its violations.
 */
function knownRecord(c: SpecContext, t: RecordProgressTable, e: RecordFact): number | undefined {
  const p = t.slot(e.recordId);
  if (p !== undefined) return p;
  const where = 'position' in e ? queueLabel(c, e.position, e.region) : 'stage' in e ? ids.table(c.stages[e.stage]) : ids.destination;
  flag(c, e, 'unknown-record', where, `not in the published record set (seen at ${where})`);
  return undefined;
}

/** Its first send to a first queue places the record in its region; every later fact must be in that region. */
function checkRegion(c: SpecContext, t: RecordProgressTable, p: number, e: PipelineFact): void {
  const region = t.region(p);
  if (region === 0 && e.type === 'spec.sent' && e.position === 0) t.setRegion(p, e.region);
  else if (region !== e.region) {
    const where = 'position' in e ? queueLabel(c, e.position, e.region) : `region ${e.region}`;
    flag(c, e, 'wrong-region', where, `routed to region ${region || 'none'} but seen at ${where}`);
  }
}

/** Each pipeline fact's handler ends here: a record through every stage, replicated and delivered is complete. */
function settle(c: SpecContext, t: RecordProgressTable, p: number): void {
  if (!t.complete(p) && isComplete(c, t, p)) {
    t.markComplete(p);
    c.pending--;
  }
}

function regionOnline(c: SpecContext, e: Fact<'spec.regionOnline'>): void {
  const ri = c.regionIndex[e.region];
  if (ri !== undefined && c.routing.online[ri] !== (e.online ? 1 : 0)) {
    c.routing.online[ri] = e.online ? 1 : 0;
    c.routing.changes++;
  }
}

/** Weighted routing: the in-DNS routes only to a region online and of weight above 0. */
function routed(c: SpecContext, e: Fact<'spec.routed'>): void {
  if (knownRecord(c, progressOf(c), e) === undefined) return;
  const ri = c.regionIndex[e.region];
  if (ri === undefined || !c.routing.online[ri] || !(c.routing.weights[ri] > 0))
    flag(
      c,
      e,
      'weighted-routing',
      ids.inDns,
      `routed to region ${e.region} at t=${e.at}ms while that region is ${ri !== undefined && c.routing.online[ri] ? 'of weight 0' : 'offline'} in ${ids.inDns}`,
    );
}

/** Exactly once at the destination, after each delivery it processed: kept by id, never twice, count = distinct ids. */
function kept(c: SpecContext, e: Fact<'spec.kept'>): void {
  const t = progressOf(c);
  const slot = knownRecord(c, t, e);
  if (slot === undefined) return;
  const at = `at t=${e.at}ms`;
  if (e.kept && !t.kept(slot)) {
    t.setKept(slot, true);
    c.keptDistinct++;
  } else if (!e.kept && t.kept(slot)) {
    t.setKept(slot, false);
    c.keptDistinct--;
    flag(c, e, 'exactly-once-kept', 'destination', `kept by the destination, then no longer kept ${at}`);
  } else if (!e.kept) {
    flag(c, e, 'exactly-once-kept', 'destination', `delivered to the destination ${at} but not kept (it keeps ${c.keptDistinct} distinct ids)`);
  }
  const excess = e.count - c.keptDistinct;
  if (excess > c.keptExcess) {
    if (t.kept(slot)) t.markKeptTwice(slot);
    flag(c, e, 'exactly-once-kept', 'destination', `kept again ${at}: the destination counts ${e.count} records but keeps ${c.keptDistinct} distinct ids`);
  } else if (excess < 0 && excess < c.keptExcess) {
    flag(c, e, 'exactly-once-kept', 'destination', `kept ${at}, but the destination counts ${e.count} records for ${c.keptDistinct} distinct ids`);
  }
  c.keptExcess = excess;
}

/** Sent on only once the previous stage received and persisted it, and only once to each queue. */
function sent(c: SpecContext, e: Fact<'spec.sent'>): void {
  const t = progressOf(c);
  const p = knownRecord(c, t, e);
  if (p === undefined) return;
  checkRegion(c, t, p, e);
  const ri = c.regionIndex[e.region];
  if (e.position > 0 && (t.written(p, e.position - 1) < 1 || t.received(p, e.position - 1) < 1)) {
    const q = queueLabel(c, e.position, e.region);
    flag(c, e, 'forwarded-before-persisted', q, `sent to ${q} before ${c.stages[e.position - 1]} received and persisted it`);
  }
  if (t.sent(p, e.position) > 0) {
    const q = queueLabel(c, e.position, e.region);
    flag(c, e, 'duplicate', q, `sent to ${q} a second time`);
  } else if (e.position === 0 && ri !== undefined && t.region(p) === e.region) enterRegion(c, t, p, ri);
  t.countSent(p, e.position);
  settle(c, t, p);
}

/** Received only after it was sent there, and in the order records entered the region. */
function received(c: SpecContext, e: Fact<'spec.received'>): void {
  const t = progressOf(c);
  const p = knownRecord(c, t, e);
  if (p === undefined) return;
  checkRegion(c, t, p, e);
  const ri = c.regionIndex[e.region];
  if (t.sent(p, e.position) < 1) {
    const q = queueLabel(c, e.position, e.region);
    flag(c, e, 'out-of-order', q, `received from ${q} before it was sent there`);
  } else if (ri !== undefined && t.region(p) === e.region) {
    const later = checkFifo(c, t, c.fifo.received, e.position * c.regions.length + ri, p);
    if (later !== undefined) {
      const q = queueLabel(c, e.position, e.region);
      flag(c, e, 'fifo', q, `delivered by ${q} at t=${e.at}ms after record ${later}, which entered region ${e.region} later`);
    }
  }
  t.countReceived(p, e.position);
  settle(c, t, p);
}

/** A container's write: after it received the record, in region order. A replica's write counts only as a replica. */
function persisted(c: SpecContext, e: Fact<'spec.persisted'>): void {
  const t = progressOf(c);
  const p = knownRecord(c, t, e);
  if (p === undefined) return;
  const ri = c.regionIndex[e.region];
  if (!e.replication) {
    checkRegion(c, t, p, e);
    if (t.received(p, e.stage) < 1) {
      const table = ids.regionalTable(c.stages[e.stage], e.region);
      flag(c, e, 'out-of-order', table, `written to ${table} before its container received it`);
    } else if (ri !== undefined && t.region(p) === e.region && t.written(p, e.stage) < 1) {
      // Order is judged on a row's first write: writing a row the table holds again (a retry, or a
      // write sent before its container crashed that lands late) is an idempotent put, not a reordering.
      const later = checkFifo(c, t, c.fifo.written, e.stage * c.regions.length + ri, p);
      if (later !== undefined) {
        const table = ids.regionalTable(c.stages[e.stage], e.region);
        const by = ids.container(c.stages[e.stage], e.region);
        flag(c, e, 'fifo', table, `written to ${table} by ${by} at t=${e.at}ms after record ${later}, which entered region ${e.region} later`);
      }
    }
    t.countWritten(p, e.stage);
  }
  t.addReplica(p, e.stage, ri);
  settle(c, t, p);
}

/** Removed from a queue only once its stage persisted it and sent it on (or the destination got it). */
function removed(c: SpecContext, e: Fact<'spec.removed'>): void {
  const t = progressOf(c);
  const p = knownRecord(c, t, e);
  if (p === undefined) return;
  checkRegion(c, t, p, e);
  const S = c.stages.length;
  const done = e.position < S ? t.written(p, e.position) > 0 && t.sent(p, e.position + 1) > 0 : t.delivered(p) > 0;
  if (!done) {
    const q = queueLabel(c, e.position, e.region);
    const why = e.position < S ? `before ${c.stages[e.position]} persisted it and sent it on` : 'before the destination got it';
    flag(c, e, 'removed-before-persisted-and-forwarded', q, `removed from ${q} ${why}`);
  }
  t.countRemoved(p, e.position);
  settle(c, t, p);
}

function delivered(c: SpecContext, e: Fact<'spec.delivered'>): void {
  const t = progressOf(c);
  const p = knownRecord(c, t, e);
  if (p === undefined) return;
  checkRegion(c, t, p, e);
  if (t.sent(p, c.stages.length) < 1) flag(c, e, 'out-of-order', 'destination', 'delivered before it reached an outbound queue');
  t.countDelivered(p);
  settle(c, t, p);
}

const ignored = (): void => {};

/** One handler per fact type. */
const factHandlers: { readonly [K in SpecEvent['type']]: (c: SpecContext, e: Fact<K>) => void } = {
  'spec.sent': sent,
  'spec.received': received,
  'spec.persisted': persisted,
  'spec.removed': removed,
  'spec.delivered': delivered,
  'spec.routed': routed,
  'spec.kept': kept,
  'spec.regionOnline': regionOnline,
  // the machine's own events: nothing to apply
  'spec.quiescent': ignored,
  'spec.check': ignored,
};

/**
 * Applies one fact to the spec's context, in place (the spec owns all of it):
 * progress rows, violations, counters. The `observe` action calls it for each
 * fact event; a simulation with no viewer calls it directly and sends the
 * machine `spec.check` only when its state may change (specs/spec-feed.ts).
 */
export function applySpecFact(c: SpecContext, e: SpecEvent): void {
  // TypeScript cannot pair a union-typed event with its handler: the table's type pairs them.
  (factHandlers[e.type] as (c: SpecContext, e: SpecEvent) => void)(c, e);
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/**
 * The safety and liveness spec (the reference's ActiveActiveIsSafeAndLive,
 * per record). Hot while any record has not been through every stage of its
 * region, replicated to every region, delivered to the destination and
 * removed from every queue; cold when all have. Safety violations are
 * recorded the moment they are observed; quiescence while hot is a liveness
 * failure that lists where each pending record is stuck.
 */
export const activeActiveSpecMachine = setup({
  types: {
    context: {} as SpecContext,
    events: {} as SpecEvent,
    input: {} as SpecInput,
  },
  guards: {
    allComplete: ({ context }) => context.pending === 0,
  },
  actions: {
    // A fact changes many rows: the copying form copies the context's arrays (Immer would draft them one by one).
    observe: update<SpecContext, SpecEvent>(applySpecFact, { copy: copySpecContext }),
    markCold: assign({ coldAt: ({ event }) => ('at' in event ? event.at : null) }),
    listStuck: assign({
      stuck: ({ context }) =>
        progressOf(context).incomplete().map((recordId) => ({
          recordId,
          region: progressOf(context).regionOf(recordId) || null,
          stuckAt: whereIsRecord(context, recordId),
        })),
    }),
  },
}).createMachine({
  id: 'activeActiveSpec',
  context: ({ input }) => {
    const { recordIds, stages, regions, queueNames, weights: _w } = parseInput(specInputSchema, input, 'spec input');
    if (queueNames.length !== stages.length + 1)
      throw new Error(`Invalid spec input: queueNames needs ${stages.length + 1} names, got ${queueNames.length}`);
    const progress = newProgressRows(recordIds, stages.length);
    const weights = _w ?? regions.map(() => 1);
    if (weights.length !== regions.length)
      throw new Error(`Invalid spec input: weights needs ${regions.length} numbers, got ${weights.length}`);
    const R = regions.length;
    return {
      stages,
      regions,
      queueNames,
      regionIndex: Object.fromEntries(regions.map((r, i) => [r, i])),
      fullMask: (1 << regions.length) - 1,
      progress,
      pending: recordIds.length,
      violations: [],
      stuck: [],
      coldAt: null,
      fifo: {
        entries: zeros(R),
        received: zeros((stages.length + 1) * R),
        written: zeros(stages.length * R),
        // record id by (region, entry seq), to name the later record in a violation
        idBySeq: zeros(R * (recordIds.length + 1)),
      },
      routing: {
        weights: [...weights],
        online: regions.map(() => 1),
        routed: regions.map(() => 0),
        expected: regions.map(() => 0),
        changes: 0,
        lastRouted: regions.map(() => -1),
      },
      keptDistinct: 0,
      keptExcess: 0,
    };
  },
  initial: 'hot',
  states: {
    hot: {
      on: {
        'spec.quiescent': { target: 'stuck', actions: 'listStuck' },
        'spec.check': { description: 'Facts applied directly: the always transition re-checks completion.' },
        '*': { actions: 'observe' },
      },
      always: { guard: 'allComplete', target: 'cold', actions: 'markCold' },
    },
    cold: {
      on: {
        'spec.quiescent': {},
        'spec.check': {},
        '*': { actions: 'observe' },
      },
    },
    stuck: {
      description: 'Liveness failure: the system went quiescent with records pending.',
      on: {
        'spec.quiescent': {},
        'spec.check': {},
        '*': { target: 'hot', actions: 'observe' },
      },
    },
  },
});
