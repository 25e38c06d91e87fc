import type { LogSegment } from './log-segment';

/** One acknowledged batch kept in memory: the bytes written to `seg` (base offset already assigned). */
interface TailBatch {
  readonly seg: LogSegment;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly buf: Buffer;
}

/** Default byte caps: per partition, and for all the partition logs of one store together. */
export const TAIL_CACHE_BYTES_PER_LOG = 1024 * 1024;
export const TAIL_CACHE_BYTES_TOTAL = 64 * 1024 * 1024;

/**
 * The shared byte budget of the tail caches of one store's logs. When a charge takes it over the
 * cap, the tails whose last append is oldest are dropped first (a partition nobody writes to any
 * more stops holding memory as soon as busier ones need it).
 */
export class TailBudget {
  private used = 0;
  /** Insertion order is recency: a tail is moved to the end on each charge. */
  private readonly holders = new Map<LogTail, number>();

  constructor(readonly maxBytes: number) {}

  charge(tail: LogTail, bytes: number): void {
    const held = (this.holders.get(tail) ?? 0) + bytes;
    this.holders.delete(tail);
    this.holders.set(tail, held);
    this.used += bytes;
    for (const other of this.holders.keys()) {
      if (this.used <= this.maxBytes || other === tail) break;
      other.clear();
    }
    if (this.used > this.maxBytes) tail.trimTo(Math.max(0, held - (this.used - this.maxBytes)));
  }

  release(tail: LogTail, bytes: number): void {
    const held = (this.holders.get(tail) ?? 0) - bytes;
    this.used -= bytes;
    if (held <= 0) this.holders.delete(tail);
    else this.holders.set(tail, held);
  }

  /** Bytes held by all tails (tests). */
  usedBytes(): number {
    return this.used;
  }
}

/**
 * The newest acknowledged batches of a partition log, kept from their appends so that a consumer
 * reading the end of the log (the usual tailing consumer) is answered from memory instead of a file
 * read through the threadpool. Batches enter only once acknowledged (synced under `always`) and in
 * offset order, so the cache is always a contiguous run that ends at the log end offset; reads
 * behind it, or in another segment, go to the file as before.
 */
export class LogTail {
  private batches: TailBatch[] = [];
  /** Index of the oldest live entry of `batches` (dropping from the front is O(1); compacted now and then). */
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly budget: TailBudget,
    private readonly maxBytes: number = TAIL_CACHE_BYTES_PER_LOG,
  ) {}

  /** Adds an acknowledged batch (the next in offset order). */
  add(seg: LogSegment, baseOffset: bigint, lastOffset: bigint, buf: Buffer): void {
    if (buf.length > this.maxBytes) {
      this.clear();
      return;
    }
    this.batches.push({ seg, baseOffset, lastOffset, buf });
    this.bytes += buf.length;
    this.budget.charge(this, buf.length);
    this.trimTo(this.maxBytes);
  }

  /**
   * Kafka's read rule within one segment, from memory: whole batches from the one holding `offset`
   * (or the first after it), as many as fit in max(maxBytes, first batch's size). Null when the cache
   * does not hold that batch with every later batch of `seg` after it.
   */
  read(seg: LogSegment, offset: bigint, maxBytes: number): Buffer | null {
    const end = this.batches.length;
    if (this.head === end || this.batches[end - 1].lastOffset < offset) return null;
    let lo = this.head;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.batches[mid].lastOffset >= offset) hi = mid;
      else lo = mid + 1;
    }
    const first = this.batches[lo];
    if (first.seg !== seg) return null;
    // The batch before `first` must be cached too unless `first` holds `offset` itself; otherwise
    // a batch between them could be missing (offsets before the cache's start).
    if (first.baseOffset > offset && (lo === this.head || this.batches[lo - 1].seg !== seg)) return null;
    const limit = Math.max(maxBytes, first.buf.length);
    const parts: Buffer[] = [];
    let total = 0;
    for (let i = lo; i < end && this.batches[i].seg === seg && total + this.batches[i].buf.length <= limit; i++) {
      parts.push(this.batches[i].buf);
      total += this.batches[i].buf.length;
    }
    // A copy: the caller owns what read() returns, as it does a file read's buffer.
    return Buffer.concat(parts, total);
  }

  /** Drops the oldest batches until at most `bytes` remain. */
  trimTo(bytes: number): void {
    let dropped = 0;
    while (this.bytes > bytes && this.head < this.batches.length) {
      const b = this.batches[this.head];
      this.batches[this.head] = undefined as unknown as TailBatch;
      this.head++;
      this.bytes -= b.buf.length;
      dropped += b.buf.length;
    }
    if (this.head > 64 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    if (dropped > 0) this.budget.release(this, dropped);
  }

  clear(): void {
    this.trimTo(0);
    this.batches = [];
    this.head = 0;
  }
}
