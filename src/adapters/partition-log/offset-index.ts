/**
 * Sparse offset index of one segment: (offset − segment base, byte position) of a batch start
 * every `index.interval.bytes` of log. The segment's first batch (position 0) is implicit.
 * On disk: 8-byte entries, int32 relative offset + int32 position, big-endian (Kafka's layout).
 */
export class OffsetIndex {
  private readonly rel: number[] = [];
  private readonly pos: number[] = [];

  get length(): number {
    return this.rel.length;
  }

  /** Adds an entry; callers add them in increasing offset and position. */
  append(relOffset: number, position: number): void {
    this.rel.push(relOffset);
    this.pos.push(position);
  }

  /** Position of the last indexed batch starting at or before `relOffset` (0 if none). */
  lookup(relOffset: number): number {
    let lo = 0;
    let hi = this.rel.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.rel[mid] <= relOffset) {
        found = this.pos[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Last entry, or null when empty. */
  last(): { relOffset: number; position: number } | null {
    const n = this.rel.length;
    return n === 0 ? null : { relOffset: this.rel[n - 1], position: this.pos[n - 1] };
  }

  /** The on-disk form: 8 bytes per entry. */
  encode(): Buffer {
    const buf = Buffer.alloc(this.rel.length * 8);
    for (let i = 0; i < this.rel.length; i++) {
      buf.writeInt32BE(this.rel[i], i * 8);
      buf.writeInt32BE(this.pos[i], i * 8 + 4);
    }
    return buf;
  }

  /**
   * Decodes an index file, or null if it cannot be trusted (Kafka's sanityCheck): a size that is
   * not whole entries, or entries that do not strictly increase (a torn or zero-filled tail) or
   * point outside the segment's `logSize` bytes.
   */
  static decode(buf: Buffer, logSize: number): OffsetIndex | null {
    if (buf.length % 8 !== 0) return null;
    const idx = new OffsetIndex();
    for (let at = 0; at < buf.length; at += 8) {
      const rel = buf.readInt32BE(at);
      const pos = buf.readInt32BE(at + 4);
      const prev = idx.last();
      if (pos <= (prev?.position ?? 0) || rel <= (prev?.relOffset ?? 0) || pos >= logSize) return null;
      idx.append(rel, pos);
    }
    return idx;
  }
}
