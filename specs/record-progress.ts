/**
 * What the spec knows of every record, in flat arrays, one row a record.
 * 100,000 records are a handful of arrays rather than half a million small
 * ones, which kept the garbage collector busy in long runs.
 *
 * Per record: the region the in-DNS chose (0: none yet); per queue position
 * (k feeds stage k; k = stages is the outbound queue) how often it was sent
 * there, received and removed; per stage how often its container wrote it
 * and which regions' replicas hold it (bit i: region index i); how often the
 * destination got it. Counters saturate at 255.
 */
export interface RecordProgressRows {
  stages: number;
  positions: number;
  /** record ids in published order, and each one's row (never change after creation) */
  ids: number[];
  slots: Record<number, number>;
  regions: number[];
  sent: number[];
  received: number[];
  removed: number[];
  written: number[];
  replicas: number[];
  delivered: number[];
  complete: number[];
  /** order in which each record entered its region (1-based, 0: not yet) */
  entrySeq: number[];
  /** bit 0: the destination keeps it; bit 1: it was kept twice */
  kept: number[];
}

/** Fresh rows: plain data (arrays of numbers), so a spec snapshot persists as JSON. */
export function newProgressRows(recordIds: readonly number[], stages: number): RecordProgressRows {
  const size = recordIds.length;
  const positions = stages + 1;
  const zeros = (n: number) => new Array<number>(n).fill(0);
  const slots: Record<number, number> = {};
  recordIds.forEach((id, slot) => (slots[id] = slot));
  return {
    stages,
    positions,
    ids: [...recordIds],
    slots,
    regions: zeros(size),
    sent: zeros(size * positions),
    received: zeros(size * positions),
    removed: zeros(size * positions),
    written: zeros(size * stages),
    replicas: zeros(size * stages),
    delivered: zeros(size),
    complete: zeros(size),
    entrySeq: zeros(size),
    kept: zeros(size),
  };
}

/** A copy whose counters can change without changing these rows (ids and slots are shared). */
export function copyProgressRows(r: RecordProgressRows): RecordProgressRows {
  return {
    ...r,
    regions: r.regions.slice(),
    sent: r.sent.slice(),
    received: r.received.slice(),
    removed: r.removed.slice(),
    written: r.written.slice(),
    replicas: r.replicas.slice(),
    delivered: r.delivered.slice(),
    complete: r.complete.slice(),
    entrySeq: r.entrySeq.slice(),
    kept: r.kept.slice(),
  };
}

/** Reads and counts on the rows it is given, in place. */
export class RecordProgressTable {
  readonly size: number;
  readonly positions: number;
  readonly stages: number;

  constructor(readonly rows: RecordProgressRows) {
    this.size = rows.ids.length;
    this.positions = rows.positions;
    this.stages = rows.stages;
  }

  /** The record's row, or undefined for a record not in the published set. */
  slot(recordId: number): number | undefined {
    return this.rows.slots[recordId];
  }

  recordIds(): readonly number[] {
    return this.rows.ids;
  }

  region(slot: number): number {
    return this.rows.regions[slot];
  }
  setRegion(slot: number, region: number): void {
    this.rows.regions[slot] = region;
  }
  /** The region a record was routed to, 0 when it has not been published. */
  regionOf(recordId: number): number {
    const slot = this.rows.slots[recordId];
    return slot === undefined ? 0 : this.rows.regions[slot];
  }

  sent(slot: number, position: number): number {
    return this.rows.sent[slot * this.positions + position];
  }
  received(slot: number, position: number): number {
    return this.rows.received[slot * this.positions + position];
  }
  removed(slot: number, position: number): number {
    return this.rows.removed[slot * this.positions + position];
  }
  written(slot: number, stage: number): number {
    return this.rows.written[slot * this.stages + stage];
  }
  replicas(slot: number, stage: number): number {
    return this.rows.replicas[slot * this.stages + stage];
  }
  delivered(slot: number): number {
    return this.rows.delivered[slot];
  }
  complete(slot: number): boolean {
    return this.rows.complete[slot] === 1;
  }

  countSent(slot: number, position: number): void {
    bump(this.rows.sent, slot * this.positions + position);
  }
  countReceived(slot: number, position: number): void {
    bump(this.rows.received, slot * this.positions + position);
  }
  countRemoved(slot: number, position: number): void {
    bump(this.rows.removed, slot * this.positions + position);
  }
  countWritten(slot: number, stage: number): void {
    bump(this.rows.written, slot * this.stages + stage);
  }
  addReplica(slot: number, stage: number, regionIndex: number): void {
    this.rows.replicas[slot * this.stages + stage] |= 1 << regionIndex;
  }
  countDelivered(slot: number): void {
    bump(this.rows.delivered, slot);
  }
  entrySeq(slot: number): number {
    return this.rows.entrySeq[slot];
  }
  setEntrySeq(slot: number, seq: number): void {
    this.rows.entrySeq[slot] = seq;
  }
  kept(slot: number): boolean {
    return (this.rows.kept[slot] & 1) === 1;
  }
  setKept(slot: number, kept: boolean): void {
    this.rows.kept[slot] = kept ? this.rows.kept[slot] | 1 : this.rows.kept[slot] & ~1;
  }
  keptTwice(slot: number): boolean {
    return (this.rows.kept[slot] & 2) === 2;
  }
  markKeptTwice(slot: number): void {
    this.rows.kept[slot] |= 2;
  }
  markComplete(slot: number): void {
    this.rows.complete[slot] = 1;
  }

  /** Ids of the records not yet complete, in published order. */
  incomplete(): number[] {
    return this.rows.ids.filter((_, slot) => this.rows.complete[slot] === 0);
  }

}

function bump(counts: number[], i: number): void {
  if (counts[i] < 255) counts[i]++;
}
