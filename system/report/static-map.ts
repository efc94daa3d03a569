import { inRegion, isKind, isRegionalId, isReplicatorId } from '../../machines/ids';
import { faultRegion } from './fault-scope';
import type { FaultWindow } from './fault-windows';
import type { Lane } from './lanes';
import { systemMapSvg, type MapAnnotation } from './system-map';

export interface StaticMapFacts<V> {
  stages: string[];
  regions: number[];
  faults: FaultWindow[];
  violations: { kind: string; recordId: number; component: string; at: number }[];
  lanes: Lane<V>[];
}

/** The actors a fault window hit: its target, a region's part of it, or every regional table of a whole table. */
export function faultedActors(f: FaultWindow, regions: number[]): string[] {
  if (isKind(f.target, 'dns')) return [f.target];
  if (f.target === 'network') return [];
  if (isRegionalId(f.target) || isReplicatorId(f.target)) return [f.target];
  const region = faultRegion(f);
  if (isKind(f.target, 'table')) return (region === null ? regions : [region]).map((r) => inRegion(f.target, r));
  return [f.target];
}

/**
 * The system map of a finished run: each component a fault hit (dashed red,
 * its fault ids), where each lost or stuck record stopped (black, the
 * record ids), where each violation was seen (magenta).
 */
export function staticMapSvg<V>(facts: StaticMapFacts<V>): string {
  const notes = new Map<string, { cls: Set<string>; status: string[]; tip: string[] }>();
  const note = (actor: string) => notes.get(actor) ?? notes.set(actor, { cls: new Set(), status: [], tip: [actor] }).get(actor)!;
  for (const f of facts.faults)
    for (const actor of faultedActors(f, facts.regions)) {
      const n = note(actor);
      n.cls.add('faulted');
      n.status.push(`⚡${f.id}`);
      n.tip.push(`${f.label}: t=${f.start}-${f.end ?? 'end'} ms`);
    }
  for (const lane of facts.lanes.filter((l) => l.stop)) {
    const actor = lane.stop!.component;
    const n = note(isRegionalId(actor) || !isKind(actor, 'table') ? actor : inRegion(actor, lane.region ?? 1));
    n.cls.add('stopped');
    n.status.push(`■#${lane.id}`);
    n.tip.push(`record ${lane.id} ${lane.stop!.status}: ${lane.stop!.where}`);
  }
  const byComponent = new Map<string, StaticMapFacts<V>['violations']>();
  for (const v of facts.violations) (byComponent.get(v.component) ?? byComponent.set(v.component, []).get(v.component)!).push(v);
  for (const [component, list] of byComponent) {
    const n = note(component);
    n.cls.add('violated');
    n.status.push(`!${list.length}`);
    n.tip.push(`${list.length} violation${list.length === 1 ? '' : 's'}, first: ${list[0].kind} of record ${list[0].recordId} at t=${list[0].at} ms`);
  }
  return systemMapSvg(facts.stages, facts.regions, (actor): MapAnnotation | undefined => {
    const n = notes.get(actor);
    if (!n) return undefined;
    const status = n.status.join(' ');
    return { cls: [...n.cls].join(' '), status: status.length > 14 ? `${status.slice(0, 13)}…` : status, tip: n.tip.join('\n') };
  });
}
