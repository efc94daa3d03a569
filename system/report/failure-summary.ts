import { regionOfRegionalId } from '../../machines/ids';
import { faultRegion } from './fault-scope';
import type { FaultWindow } from './fault-windows';
import type { Lane } from './lanes';

/** What the summary reads of a run. */
export interface FailureFacts {
  violations: { kind: string; recordId: number; component: string; at: number; message: string }[];
  steps: { step: string; name: string; ok: boolean; at: number; detail?: string }[];
  faults: FaultWindow[];
  spec: { finalState: string };
  unhandledEvents?: number;
}

export interface FailureLine {
  /** plain text: what failed, which record, where, when */
  text: string;
  /** the record it is about, to link to its lane */
  recordId?: number;
}

const regionOfComponent = regionOfRegionalId;

/**
 * The latest fault that started at or before `at` and touches `component`'s
 * region (or every region): the likeliest cause, said as "the latest fault
 * before", not as a proof.
 */
export function latestFaultBefore(faults: FaultWindow[], at: number, component: string): FaultWindow | null {
  const region = regionOfComponent(component);
  let best: FaultWindow | null = null;
  for (const f of faults) {
    if (f.start > at) continue;
    const fr = faultRegion(f);
    if (region !== null && fr !== null && fr !== region) continue;
    if (!best || f.start >= best.start) best = f;
  }
  return best;
}

const faultNote = (faults: FaultWindow[], at: number, component: string) => {
  const f = latestFaultBefore(faults, at, component);
  return f ? `; latest fault before it: ${f.label} at t=${f.start} ms (${at - f.start} ms earlier)` : '; no fault before it';
};

/**
 * Why a run failed, most specific first: each violated property with its
 * first record, each record lost or stuck with where it stopped, then failed
 * steps with the condition that did not hold.
 */
export function failureLines<V>(facts: FailureFacts, lanes: Lane<V>[], unknownIds: number[]): FailureLine[] {
  const lines: FailureLine[] = [];
  const byKind = new Map<string, FailureFacts['violations']>();
  for (const v of facts.violations) (byKind.get(v.kind) ?? byKind.set(v.kind, []).get(v.kind)!).push(v);
  for (const [kind, list] of byKind) {
    const v = list[0];
    const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
    lines.push({
      text: `Property "${kind}" violated by record ${v.recordId} in ${v.component} at t=${v.at} ms: ${v.message}${more}${faultNote(facts.faults, v.at, v.component)}`,
      recordId: v.recordId,
    });
  }
  const stopped = lanes.filter((l) => l.stop);
  for (const status of ['lost', 'stuck'] as const) {
    const these = stopped.filter((l) => l.stop!.status === status);
    if (!these.length) continue;
    const what = status === 'lost' ? 'never reached the destination' : 'reached the destination but not every table';
    const shown = these.slice(0, 8).map((l, i) => `#${l.id} ${l.stop!.where} (since t=${l.stop!.at} ms${i === 0 ? faultNote(facts.faults, l.stop!.at, l.stop!.component) : ''})`);
    lines.push({
      text: `${these.length} record${these.length === 1 ? '' : 's'} ${status}, ${what}: ${shown.join('; ')}${these.length > 8 ? `; … ${these.length - 8} more` : ''}`,
      recordId: these[0].id,
    });
  }
  if (facts.spec.finalState === 'stuck' && !stopped.length) lines.push({ text: 'The spec is stuck: the system went quiescent with records pending' });
  for (const s of facts.steps.filter((s) => !s.ok)) lines.push({ text: `Step ${s.step} failed at t=${s.at} ms (${s.name}): ${s.detail ?? 'its check did not hold'}` });
  if (facts.unhandledEvents) lines.push({ text: `${facts.unhandledEvents} unhandled event${facts.unhandledEvents === 1 ? '' : 's'}` });
  if (unknownIds.length)
    lines.push({ text: `${unknownIds.length} record id${unknownIds.length === 1 ? '' : 's'} in the trace not in the record set: ${unknownIds.slice(0, 20).join(', ')}${unknownIds.length > 20 ? ', …' : ''}` });
  return lines;
}
