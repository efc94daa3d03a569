import type { FaultWindow } from './fault-windows';
import { regionFromId } from './lanes';
import { isKind, isReplicatorId } from '../../machines/ids';

/** The region a fault hits; null when it hits every region (a whole table, replication, a regionless slow-down). */
export function faultRegion(f: Pick<FaultWindow, 'target' | 'region'>): number | null {
  return f.region ?? regionFromId(f.target);
}

/**
 * How a fault applies to the lane of a record of `laneRegion`: 'hit' when it
 * is in the record's own path (same region, or every region), 'copies' when
 * it is a regional table elsewhere that the record's replicas go to, null
 * when it does not touch the record.
 */
export function faultAppliesTo(f: Pick<FaultWindow, 'target' | 'region'>, laneRegion: number | null): 'hit' | 'copies' | null {
  const region = faultRegion(f);
  if (region === null || laneRegion === null || region === laneRegion) return 'hit';
  return isKind(f.target, 'table') && !isReplicatorId(f.target) ? 'copies' : null;
}
