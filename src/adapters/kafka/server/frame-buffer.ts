/** Bytes received on one connection, kept as the chunks they arrived in until a whole frame is there. */
export class FrameBuffer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Bytes held. */
  get length(): number {
    return this.buffered;
  }

  push(data: Buffer): void {
    this.chunks.push(data);
    this.buffered += data.length;
  }

  clear(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  /** The int32 at the front (a frame's size prefix); call only with 4 or more bytes held. */
  peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged.readInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes, copying only when a frame spans chunks. */
  take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}
