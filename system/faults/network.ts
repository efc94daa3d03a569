import { regionOfId } from '../../machines/ids';
/**
 * Conditions of the simulated network: regions made slow by a fault. The
 * simulation's latency multiplies each message sent from a slow region's
 * component by the region's factor.
 */
export class NetworkConditions {
  private readonly slow = new Map<number, number>();
  private readonly regionCache = new Map<string, number>();

  slowRegion(region: number, factor: number): void {
    this.slow.set(region, factor);
  }

  restore(region: number): void {
    this.slow.delete(region);
  }

  private delayer?: (fromSystemId: string, ms: number) => void;

  /** How the run delays a sender's messages in flight (the simulation gives its clock's). */
  delayInFlightWith(delay: (fromSystemId: string, ms: number) => void): void {
    this.delayer = delay;
  }

  /** The messages this systemId sent that are still in flight land `ms` later. */
  delayInFlight(fromSystemId: string, ms: number): void {
    this.delayer?.(fromSystemId, ms);
  }

  /** The factor that applies to a message sent by this systemId (1: none). */
  factorFor(fromSystemId: string): number {
    if (this.slow.size === 0) return 1;
    let region = this.regionCache.get(fromSystemId);
    if (region === undefined) {
      region = regionOfId(fromSystemId) ?? 0;
      this.regionCache.set(fromSystemId, region);
    }
    return this.slow.get(region) ?? 1;
  }
}
