/**
 * What the spec knows of every record, in flat typed arrays, one row a
 * record. 100,000 records are a handful of arrays rather than half a million
 * small typed arrays, which kept the garbage collector busy in long runs.
 *
 * Per record: the region the in-DNS chose (0: none yet); per queue position
 * (k feeds stage k; k = stages is the outbound queue) how often it was sent
 * there, received and removed; per stage how often its container wrote it
 * and which regions' replicas hold it (bit i: region index i); how often the
 * destination got it. Counters saturate at 255.
 */
export class RecordProgressTable {
  readonly size: number;
  readonly positions: number;
  readonly stages: number;
  private readonly slots = new Map<number, number>();
  private readonly ids: number[];
  private readonly regions: Int32Array;
  private readonly sentCounts: Uint8Array;
  private readonly receivedCounts: Uint8Array;
  private readonly removedCounts: Uint8Array;
  private readonly writtenCounts: Uint8Array;
  private readonly replicaMasks: Uint32Array;
  private readonly deliveredCounts: Uint8Array;
  private readonly completeFlags: Uint8Array;
  /** order in which each record entered its region (1-based, 0: not yet) */
  private readonly entrySeqs: Int32Array;
  /** bit 0: the destination keeps it; bit 1: it was kept twice */
  private readonly keptFlags: Uint8Array;

  constructor(recordIds: readonly number[], stages: number) {
    this.size = recordIds.length;
    this.stages = stages;
    this.positions = stages + 1;
    this.ids = [...recordIds];
    recordIds.forEach((id, slot) => this.slots.set(id, slot));
    this.regions = new Int32Array(this.size);
    this.sentCounts = new Uint8Array(this.size * this.positions);
    this.receivedCounts = new Uint8Array(this.size * this.positions);
    this.removedCounts = new Uint8Array(this.size * this.positions);
    this.writtenCounts = new Uint8Array(this.size * stages);
    this.replicaMasks = new Uint32Array(this.size * stages);
    this.deliveredCounts = new Uint8Array(this.size);
    this.completeFlags = new Uint8Array(this.size);
    this.entrySeqs = new Int32Array(this.size);
    this.keptFlags = new Uint8Array(this.size);
  }

  /** The record's row, or undefined for a record not in the published set. */
  slot(recordId: number): number | undefined {
    return this.slots.get(recordId);
  }

  recordIds(): readonly number[] {
    return this.ids;
  }

  region(slot: number): number {
    return this.regions[slot];
  }
  setRegion(slot: number, region: number): void {
    this.regions[slot] = region;
  }
  /** The region a record was routed to, 0 when it has not been published. */
  regionOf(recordId: number): number {
    const slot = this.slots.get(recordId);
    return slot === undefined ? 0 : this.regions[slot];
  }

  sent(slot: number, position: number): number {
    return this.sentCounts[slot * this.positions + position];
  }
  received(slot: number, position: number): number {
    return this.receivedCounts[slot * this.positions + position];
  }
  removed(slot: number, position: number): number {
    return this.removedCounts[slot * this.positions + position];
  }
  written(slot: number, stage: number): number {
    return this.writtenCounts[slot * this.stages + stage];
  }
  replicas(slot: number, stage: number): number {
    return this.replicaMasks[slot * this.stages + stage];
  }
  delivered(slot: number): number {
    return this.deliveredCounts[slot];
  }
  complete(slot: number): boolean {
    return this.completeFlags[slot] === 1;
  }

  countSent(slot: number, position: number): void {
    bump(this.sentCounts, slot * this.positions + position);
  }
  countReceived(slot: number, position: number): void {
    bump(this.receivedCounts, slot * this.positions + position);
  }
  countRemoved(slot: number, position: number): void {
    bump(this.removedCounts, slot * this.positions + position);
  }
  countWritten(slot: number, stage: number): void {
    bump(this.writtenCounts, slot * this.stages + stage);
  }
  addReplica(slot: number, stage: number, regionIndex: number): void {
    this.replicaMasks[slot * this.stages + stage] |= 1 << regionIndex;
  }
  countDelivered(slot: number): void {
    bump(this.deliveredCounts, slot);
  }
  entrySeq(slot: number): number {
    return this.entrySeqs[slot];
  }
  setEntrySeq(slot: number, seq: number): void {
    this.entrySeqs[slot] = seq;
  }
  kept(slot: number): boolean {
    return (this.keptFlags[slot] & 1) === 1;
  }
  setKept(slot: number, kept: boolean): void {
    this.keptFlags[slot] = kept ? this.keptFlags[slot] | 1 : this.keptFlags[slot] & ~1;
  }
  keptTwice(slot: number): boolean {
    return (this.keptFlags[slot] & 2) === 2;
  }
  markKeptTwice(slot: number): void {
    this.keptFlags[slot] |= 2;
  }
  markComplete(slot: number): void {
    this.completeFlags[slot] = 1;
  }

  /** Ids of the records not yet complete, in published order. */
  incomplete(): number[] {
    return this.ids.filter((_, slot) => this.completeFlags[slot] === 0);
  }

  /** A summary for inspectors and JSON reports; the rows themselves are too many to show. */
  toJSON(): { records: number; complete: number } {
    let complete = 0;
    for (const flag of this.completeFlags) complete += flag;
    return { records: this.size, complete };
  }
}

function bump(counts: Uint8Array, i: number): void {
  if (counts[i] < 255) counts[i]++;
}
