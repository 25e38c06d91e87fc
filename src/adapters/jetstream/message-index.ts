import { indexBatches, type IndexedBatch } from './partition-message';

/** One stored message: the batches of the appends it carried, and where it sits in the stream. */
export interface StoredMessage {
  readonly seq: number;
  readonly first: bigint;
  /** Offset after its last record. */
  readonly next: bigint;
  readonly batches: IndexedBatch[];
  readonly size: number;
  readonly largestTimestamp: bigint;
  /** The message's data while it is cached (the newest `cacheBytes`), else null: read from the stream. */
  data: Buffer | null;
}

/** Index of the last message whose `first` is ≤ `offset`, or -1. */
export const floorMessage = (xs: readonly StoredMessage[], offset: bigint): number => {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.first <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};

/**
 * A JetStream partition log's index of its subject's messages (offsets, timestamps, sizes: a few
 * dozen bytes per batch), with the data of the newest `cacheBytes` of them kept in memory; the
 * newest message always keeps its data. A message whose data was dropped is read from the stream by
 * sequence (the log's business, not the index's). The twin of the file log's tail cache.
 */
export class MessageIndex {
  private list: StoredMessage[] = [];
  private bytes = 0;
  private cached = 0;

  constructor(private readonly cacheBytes: number) {}

  /**
   * The messages, oldest first. Dropping makes a new array and adding appends, so a reader that
   * holds the array keeps every message it held (and sees later ones, which it bounds by offset).
   */
  get messages(): readonly StoredMessage[] {
    return this.list;
  }

  /** Bytes of every indexed message, cached or not. */
  get sizeInBytes(): number {
    return this.bytes;
  }

  /** Indexes a stored message and caches its data; null when it holds no batch (nothing indexed). */
  add(seq: number, data: Buffer): StoredMessage | null {
    const batches = indexBatches(data);
    if (batches.length === 0) return null;
    let largest = -1n;
    for (const b of batches) if (b.maxTimestamp > largest) largest = b.maxTimestamp;
    const msg: StoredMessage = { seq, first: batches[0]!.base, next: batches[batches.length - 1]!.last + 1n, batches, size: data.length, largestTimestamp: largest, data };
    this.list.push(msg);
    this.bytes += msg.size;
    this.cached += msg.size;
    this.evict();
    return msg;
  }

  /** Drops the messages wholly below `start`. */
  dropBelow(start: bigint): void {
    let drop = 0;
    while (drop < this.list.length && this.list[drop]!.next <= start) {
      const m = this.list[drop]!;
      this.bytes -= m.size;
      if (m.data !== null) this.cached -= m.size;
      drop++;
    }
    if (drop > 0) this.list = this.list.slice(drop);
  }

  /** Drops the data of the oldest cached messages beyond the budget (the newest message always stays). */
  private evict(): void {
    for (let i = 0; this.cached > this.cacheBytes && i < this.list.length - 1; i++) {
      const m = this.list[i]!;
      if (m.data === null) continue;
      m.data = null;
      this.cached -= m.size;
    }
  }
}
