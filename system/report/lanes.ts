import { ids, isKind, isReplicatorId, kindOfId, nameOfId, regionOfRegionalId } from '../../machines/ids';
import { queueNames } from '../../machines/layout';

/** One trace line as the report reads it. */
export interface LaneEvent {
  t: number;
  from: string;
  to: string;
  type: string;
  recordId?: number;
  success?: boolean;
}

export interface Hop {
  t: number;
  /** stage index: -1 source side, stages.length destination side */
  stage: number;
  replication: boolean;
  failed: boolean;
  /** index of the event in the trace */
  index: number;
}

/** Where a record that did not finish stopped: the component named, and since when. */
export interface Stop {
  status: 'lost' | 'stuck';
  /** the component it stopped in (a systemId, or a table name for a missing replica) */
  component: string;
  /** virtual ms of its last message there */
  at: number;
  /** the spec's words when it has them, else "last seen at <component>" */
  where: string;
}

export interface Lane<V> {
  id: number;
  region: number | null;
  hops: Hop[];
  first: number | null;
  last: number | null;
  failed: number;
  violations: V[];
  /** longest pause between two main-path hops */
  wait: { from: number; to: number; stage: number } | null;
  stop: Stop | null;
}

export interface LaneInput<V extends { recordId: number }> {
  stages: string[];
  batches: number[][];
  trace: LaneEvent[];
  violations: V[];
  /** records the spec still waited for at the end, and where each was */
  stuck: { recordId: number; stuckAt: string }[];
  /** ids the destination kept; absent: unknown (no record is called lost) */
  arrived?: number[];
}

/** Which stage a systemId belongs to (-1 source side, stages.length destination side, null other). */
export function stageIndexer(stages: string[]) {
  const queues = queueNames(stages);
  const cache = new Map<string, number | null>();
  return (id: string): number | null => {
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const kind = kindOfId(id);
    const name = nameOfId(id) ?? '';
    let stage: number | null = null;
    if (id === ids.source || id === ids.inDns) stage = -1;
    else if (id === ids.destination || id === ids.outDns) stage = stages.length;
    else if (kind === 'queue') stage = queues.indexOf(name) >= 0 ? queues.indexOf(name) : null;
    else if (kind === 'container' || kind === 'table') stage = stages.indexOf(name) >= 0 ? stages.indexOf(name) : null;
    cache.set(id, stage);
    return stage;
  };
}

export const regionFromId = regionOfRegionalId;

const COMPONENT = /\b(?:queue|container|table|dns):[\w-]+(?::[\w-]+)?|\bdestination\b|\bsource\b/;
const isComponent = (id: string) => /^(queue|container|table|dns):|^(source|destination)$/.test(id);

/** Lanes keyed by record id, and the ids the trace names that are not in the record set. */
export function buildLanes<V extends { recordId: number }>(input: LaneInput<V>): { lanes: Map<number, Lane<V>>; unknownIds: number[] } {
  const stageOf = stageIndexer(input.stages);
  const lanes = new Map<number, Lane<V>>();
  for (const id of input.batches.flat())
    lanes.set(id, { id, region: null, hops: [], first: null, last: null, failed: 0, violations: [], wait: null, stop: null });
  const unknown = new Set<number>();
  const firstQueue = queueNames(input.stages)[0];
  input.trace.forEach((e, index) => {
    if (e.recordId === undefined) return;
    const lane = lanes.get(e.recordId);
    if (!lane) {
      unknown.add(e.recordId);
      return;
    }
    const stage = Math.max(stageOf(e.from) ?? -1, stageOf(e.to) ?? -1);
    const replication = isReplicatorId(e.from) || isReplicatorId(e.to);
    const failed = e.success === false;
    lane.hops.push({ t: e.t, stage, replication, failed, index });
    if (failed) lane.failed++;
    lane.first ??= e.t;
    lane.last = e.t;
    if (lane.region === null && e.from === ids.inDns && isKind(e.to, 'queue') && nameOfId(e.to) === firstQueue) lane.region = regionFromId(e.to);
  });
  for (const v of input.violations) lanes.get(v.recordId)?.violations.push(v);
  for (const lane of lanes.values()) lane.wait = longestWait(lane.hops);
  markStops(lanes, input);
  return { lanes, unknownIds: [...unknown].sort((a, b) => a - b) };
}

function longestWait(hops: Hop[]): Lane<unknown>['wait'] {
  let wait: Lane<unknown>['wait'] = null;
  let prev: Hop | null = null;
  let progress = -1;
  for (const h of hops) {
    if (h.replication) continue;
    if (prev && (!wait || h.t - prev.t > wait.to - wait.from)) wait = { from: prev.t, to: h.t, stage: Math.max(progress, h.stage) };
    progress = Math.max(progress, h.stage);
    prev = h;
  }
  return wait;
}

/**
 * A record the destination did not keep is lost; one it kept but the spec
 * still waited for is stuck. Either stopped at the component the spec names
 * (else the last one it was seen at), at its last message there.
 */
function markStops<V extends { recordId: number }>(lanes: Map<number, Lane<V>>, input: LaneInput<V>): void {
  const arrived = input.arrived ? new Set(input.arrived) : null;
  const pending = new Map(input.stuck.map((s) => [s.recordId, s.stuckAt]));
  for (const lane of lanes.values()) {
    const lost = arrived !== null && !arrived.has(lane.id);
    const stuckAt = pending.get(lane.id);
    if (!lost && stuckAt === undefined) continue;
    const events = lane.hops.map((h) => input.trace[h.index]);
    const last = [...events].reverse().find((e) => isComponent(e.to) || isComponent(e.from));
    const lastSeen = last ? (isComponent(last.to) ? last.to : last.from) : 'source';
    const named = stuckAt !== undefined ? COMPONENT.exec(stuckAt)?.[0] : undefined;
    const component = named ?? lastSeen;
    // the last message that touched the named component (a table name matches its regional tables)
    const there = [...events].reverse().find((e) => [e.from, e.to].some((id) => id === component || id.startsWith(`${component}:`)));
    lane.stop = {
      status: lost ? 'lost' : 'stuck',
      component,
      at: there?.t ?? lane.last ?? 0,
      where: stuckAt ?? `last seen at ${lastSeen}`,
    };
  }
}
