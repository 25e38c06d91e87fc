/**
 * Sparse time index of one segment. An entry (T, r) states: every record with offset below
 * base + r has a timestamp ≤ T. Entries are added at offset-index points when T grows, and a
 * final entry (largest timestamp, next offset) when the segment is sealed or the log closes, so
 * the last entry of a sealed segment gives its largest timestamp (retention.ms) without a scan.
 * On disk: 12-byte entries, int64 timestamp + int32 relative offset, big-endian.
 */
export class TimeIndex {
  private readonly ts: bigint[] = [];
  private readonly rel: number[] = [];

  get length(): number {
    return this.ts.length;
  }

  /** Adds an entry; callers keep timestamps non-decreasing and offsets increasing. */
  append(timestamp: bigint, relOffset: number): void {
    this.ts.push(timestamp);
    this.rel.push(relOffset);
  }

  /** Last entry, or null when empty. */
  last(): { timestamp: bigint; relOffset: number } | null {
    const n = this.ts.length;
    return n === 0 ? null : { timestamp: this.ts[n - 1], relOffset: this.rel[n - 1] };
  }

  /** Relative offset below which every record is older than `target` (0 if no entry says so). */
  offsetBefore(target: bigint): number {
    let found = 0;
    for (let i = 0; i < this.ts.length && this.ts[i] < target; i++) found = this.rel[i];
    return found;
  }

  /** Bounds [from, to) of the relative offsets holding the first record with timestamp `largest`. */
  rangeOf(largest: bigint): { from: number; to: number | null } {
    let from = 0;
    for (let i = 0; i < this.ts.length; i++) {
      if (this.ts[i] >= largest) return { from, to: this.rel[i] };
      from = this.rel[i];
    }
    return { from, to: null };
  }

  /** The on-disk form: 12 bytes per entry. */
  encode(): Buffer {
    const buf = Buffer.alloc(this.ts.length * 12);
    for (let i = 0; i < this.ts.length; i++) {
      buf.writeBigInt64BE(this.ts[i], i * 12);
      buf.writeInt32BE(this.rel[i], i * 12 + 8);
    }
    return buf;
  }

  /** Decodes an index file, or null if its size or ordering shows a torn or stale file. */
  static decode(buf: Buffer): TimeIndex | null {
    if (buf.length % 12 !== 0) return null;
    const idx = new TimeIndex();
    for (let at = 0; at < buf.length; at += 12) {
      const ts = buf.readBigInt64BE(at);
      const rel = buf.readInt32BE(at + 8);
      const prev = idx.last();
      if (prev !== null && (ts < prev.timestamp || rel <= prev.relOffset)) return null;
      if (rel <= 0) return null;
      idx.append(ts, rel);
    }
    return idx;
  }
}
