import { ids, inRegion, isKind, isPartOf, isRegionalPartOf, isReplicatorId, ownerOfReplicator } from '../../machines/ids';
import { latestFaultBefore } from './failure-summary';
import type { FaultWindow } from './fault-windows';
import { stageIndexer, type Lane, type LaneEvent } from './lanes';

/**
 * The counterexample as a sequence: the messages about the failing record
 * around the failure, the faults that hit the actors involved, and the
 * violating message linked to the earlier one it contradicts (the first send
 * of a duplicate) or the place a lost record was last seen. One model, drawn
 * as SVG in the HTML report and as text by `tps run --explain`.
 */

export type SequenceRow =
  | { kind: 'message'; t: number; from: string; to: string; type: string; success?: boolean; role?: 'violating' | 'contradicted' | 'last-seen' }
  | { kind: 'fault'; t: number; actor: string; edge: 'start' | 'end'; fault: FaultWindow }
  | { kind: 'stop'; t: number; actor: string; text: string }
  | { kind: 'gap'; t: number; skipped: number };

export interface SequenceView {
  /** one line: what failed, which record, where, when */
  title: string;
  recordId: number;
  /** the actors with a lane, in the order of the pipeline */
  actors: string[];
  rows: SequenceRow[];
  /** row indices: the violating (or stop) row, and the earlier row it contradicts (or where the record was last seen) */
  link: { from: number; to: number; text: string } | null;
  /** the violation, for the violating row */
  violation: { kind: string; message: string } | null;
}

export interface SequenceFacts<V> {
  stages: string[];
  trace: LaneEvent[];
  violations: { kind: string; recordId: number; component: string; at: number; message: string }[];
  faults: FaultWindow[];
  lanes: Lane<V>[];
}

/** Messages before the first row of interest kept for context, and after the failure. */
const BEFORE = 3;
const AFTER = 3;
/** a sequence longer than this keeps its start and end, with one gap row between */
const MAX_MESSAGES = 60;
/** a livelock: its record's last messages */
const LOOP_MESSAGES = 30;

const isReplication = (e: LaneEvent) => isReplicatorId(e.from) || isReplicatorId(e.to);
const touches = (e: LaneEvent, actor: string) => e.from === actor || e.to === actor;

/** The sequence of the run's first failure (a violation, else a lost or stuck record); null for a run that did not fail so. */
export function counterexampleSequence<V>(facts: SequenceFacts<V>): SequenceView | null {
  const v = facts.violations[0];
  if (v) return violationSequence(facts, v);
  const stopped = facts.lanes.find((l) => l.stop);
  return stopped ? stopSequence(facts, stopped) : null;
}

function recordEvents<V>(facts: SequenceFacts<V>, recordId: number, keepReplication: boolean) {
  return facts.trace
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => e.recordId === recordId && (keepReplication || !isReplication(e)));
}

function violationSequence<V>(facts: SequenceFacts<V>, v: SequenceFacts<V>['violations'][number]): SequenceView {
  const c = v.component;
  const events = recordEvents(facts, v.recordId, isKind(c, 'table'));
  const upTo = events.filter(({ e }) => e.t <= v.at);
  // a livelock has no one violating message: show the record's last messages, the loop it was in
  const loop = v.kind === 'no-progress';
  const violating = loop ? undefined : ([...upTo].reverse().find(({ e }) => e.to === c) ?? [...upTo].reverse().find(({ e }) => touches(e, c)));
  const contradicted = violating
    ? (upTo.find(({ e, index }) => index < violating.index && e.from === violating.e.from && e.to === violating.e.to && e.type === violating.e.type) ??
      [...upTo].reverse().find(({ e, index }) => index < violating.index && touches(e, c)))
    : undefined;
  const fault = latestFaultBefore(facts.faults, v.at, c);
  const firstT = loop ? (upTo[Math.max(0, upTo.length - LOOP_MESSAGES)]?.e.t ?? v.at) : Math.min(contradicted?.e.t ?? v.at, fault?.start ?? v.at);
  const roles = new Map<number, 'violating' | 'contradicted'>();
  if (violating) roles.set(violating.index, 'violating');
  if (contradicted) roles.set(contradicted.index, 'contradicted');
  const view = buildRows(facts, events, roles, firstT, violating?.index ?? null, fault);
  const vRow = view.rows.findIndex((r) => r.kind === 'message' && r.role === 'violating');
  const cRow = view.rows.findIndex((r) => r.kind === 'message' && r.role === 'contradicted');
  const same = violating && contradicted && contradicted.e.type === violating.e.type && contradicted.e.from === violating.e.from;
  return {
    title: `Property "${v.kind}" violated by record ${v.recordId} in ${c} at t=${v.at} ms`,
    recordId: v.recordId,
    ...view,
    link:
      vRow >= 0 && cRow >= 0
        ? { from: vRow, to: cRow, text: same ? `the same ${violating.e.type} again (first at t=${contradicted.e.t} ms)` : `earlier at ${c}: t=${contradicted!.e.t} ms` }
        : null,
    violation: { kind: v.kind, message: v.message },
  };
}

function stopSequence<V>(facts: SequenceFacts<V>, lane: Lane<V>): SequenceView {
  const stop = lane.stop!;
  const events = recordEvents(facts, lane.id, isKind(stop.component, 'table'));
  const lastSeen = [...events].reverse().find(({ e }) => e.t <= stop.at && [e.from, e.to].some((id) => isPartOf(id, stop.component)));
  const fault = latestFaultBefore(facts.faults, stop.at, stop.component);
  const roles = new Map<number, 'last-seen'>(lastSeen ? [[lastSeen.index, 'last-seen']] : []);
  const view = buildRows(facts, events, roles, Math.min(fault?.start ?? stop.at, lastSeen?.e.t ?? stop.at), null, fault);
  const actor = view.actors.find((a) => a === stop.component || a.startsWith(`${stop.component}:`)) ?? stop.component;
  if (!view.actors.includes(actor)) view.actors = orderActors(facts.stages, [...view.actors, actor]);
  view.rows.push({ kind: 'stop', t: lane.last ?? stop.at, actor, text: `record ${lane.id} ${stop.status}: ${stop.where}` });
  const seenRow = view.rows.findIndex((r) => r.kind === 'message' && r.role === 'last-seen');
  return {
    title: `Record ${lane.id} ${stop.status}: ${stop.where} (since t=${stop.at} ms)`,
    recordId: lane.id,
    ...view,
    link: seenRow >= 0 ? { from: view.rows.length - 1, to: seenRow, text: `last seen in ${actor} at t=${stop.at} ms; nothing after` } : null,
    violation: null,
  };
}

/**
 * The rows: the record's messages from a few before `firstT` to a few after
 * the failing one (or to its last), with the faults that hit their actors
 * (and the latest fault before the failure) as start and heal rows.
 */
function buildRows<V>(
  facts: SequenceFacts<V>,
  events: { e: LaneEvent; index: number }[],
  roles: Map<number, 'violating' | 'contradicted' | 'last-seen'>,
  firstT: number,
  failingIndex: number | null,
  fault: FaultWindow | null,
): { actors: string[]; rows: SequenceRow[] } {
  const failingPos = failingIndex === null ? -1 : events.findIndex(({ index }) => index === failingIndex);
  let from = events.findIndex(({ e }) => e.t >= firstT);
  if (from < 0) from = events.length;
  // a few before the first row of interest, and never after the failing message
  from = Math.max(0, Math.min(from, failingPos >= 0 ? failingPos : from) - BEFORE);
  const to = Math.min(events.length, failingPos >= 0 ? failingPos + 1 + AFTER : events.length);
  let shown = events.slice(from, Math.max(from, to));
  let gap: { at: number; skipped: number } | null = null;
  if (shown.length > MAX_MESSAGES) {
    const head = shown.slice(0, 10);
    const tail = shown.slice(shown.length - (MAX_MESSAGES - 10));
    const kept = new Set([...head, ...tail].map((x) => x.index));
    // the rows of interest stay, wherever they are
    const extra = shown.filter((x) => roles.has(x.index) && !kept.has(x.index));
    gap = { at: head.length, skipped: shown.length - head.length - tail.length - extra.length };
    shown = [...head, ...extra, ...tail];
  }
  const actors = new Set<string>();
  for (const { e } of shown) actors.add(e.from).add(e.to);
  const rows: SequenceRow[] = shown.map(({ e, index }) => ({
    kind: 'message',
    t: e.t,
    from: e.from,
    to: e.to,
    type: e.type,
    ...(e.success !== undefined ? { success: e.success } : {}),
    ...(roles.has(index) ? { role: roles.get(index) } : {}),
  }));
  if (gap) rows.splice(gap.at, 0, { kind: 'gap', t: rows[gap.at]?.t ?? 0, skipped: gap.skipped });
  const t0 = rows.length ? rows[0].t : firstT;
  const t1 = rows.length ? rows[rows.length - 1].t : firstT;
  for (const f of facts.faults) {
    const hit = faultActors(f, actors);
    if (f === fault && !hit.length) hit.push(f.target);
    if (!hit.length || f.start > t1 || (f.end ?? Infinity) < t0) continue;
    for (const actor of hit) {
      actors.add(actor);
      if (f.start >= t0 || f === fault) rows.push({ kind: 'fault', t: f.start, actor, edge: 'start', fault: f });
      if (f.end !== null && f.end <= t1 && f.end > f.start) rows.push({ kind: 'fault', t: f.end, actor, edge: 'end', fault: f });
    }
  }
  // stable: faults at a time come before the messages of that time (a crash before what it causes)
  const order = (r: SequenceRow) => (r.kind === 'fault' ? (r.edge === 'start' ? 0 : 2) : 1);
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.t - b.r.t || order(a.r) - order(b.r) || a.i - b.i);
  return { actors: orderActors(facts.stages, [...actors]), rows: sorted.map((x) => x.r) };
}

/** The lane actors a fault hits: its target, or a whole table's regional tables among them. */
function faultActors(f: FaultWindow, actors: Set<string>): string[] {
  const target = f.kind === 'table-region-fail' && f.region ? inRegion(f.target, f.region) : f.target;
  if (actors.has(target)) return [target];
  return [...actors].filter((a) => isRegionalPartOf(a, target));
}

/** Pipeline order: source side, then per stage its queue, container, table(s), replicator; then the destination side. */
export function orderActors(stages: string[], actors: string[]): string[] {
  const stageOf = stageIndexer(stages);
  const kindRank = (id: string) => (isKind(id, 'queue') ? 0 : isKind(id, 'container') ? 1 : isReplicatorId(id) ? 3 : isKind(id, 'table') ? 2 : 4);
  // source side: source, in-DNS; destination side: the outbound queue, out-DNS, destination
  const sideRank = (id: string) => (isKind(id, 'queue') ? 0 : ({ [ids.source]: 0, [ids.inDns]: 1, [ids.outDns]: 1, [ids.destination]: 2 })[id] ?? 3);
  const key = (id: string): [number, number, number, string] => {
    const stage = stageOf(ownerOfReplicator(id)) ?? stageOf(inRegion(id, 1)) ?? 1e6;
    return [stage, stage < 0 || stage >= stages.length ? sideRank(id) : kindRank(id), 0, id];
  };
  return [...new Set(actors)].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[3].localeCompare(y[3]);
  });
}
