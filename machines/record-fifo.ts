import type { TpsRecord } from './protocol';

/**
 * FIFO of records with O(1) push and head removal. A queue actor owns its
 * FIFO and mutates it in place: copying an array per message would make a
 * 100,000-record run quadratic.
 */
export class RecordFifo {
  private items: TpsRecord[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): TpsRecord | undefined {
    return this.items[this.head];
  }

  has(recordId: number): boolean {
    if (this.items[this.head]?.recordId === recordId) return true;
    for (let i = this.head + 1; i < this.items.length; i++) {
      if (this.items[i].recordId === recordId) return true;
    }
    return false;
  }

  push(record: TpsRecord): void {
    this.items.push(record);
  }

  /** Removes the record with this id; false when it is not held. */
  remove(recordId: number): boolean {
    if (this.items[this.head]?.recordId === recordId) {
      this.items[this.head] = undefined as unknown as TpsRecord;
      this.head++;
      this.compact();
      return true;
    }
    for (let i = this.head + 1; i < this.items.length; i++) {
      if (this.items[i].recordId === recordId) {
        this.items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  toArray(): TpsRecord[] {
    return this.items.slice(this.head);
  }

  /** Serialises as the plain list of records (inspector, traces). */
  toJSON(): TpsRecord[] {
    return this.toArray();
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
