import { BatchOffset } from '../../src/adapters/kafka/record-batch/batch-header';
import type { CleanerCheckpoint } from '../../src/adapters/partition-log/cleaner-checkpoint';
import type { CleanableLog, CleanableSegment, SegmentReplacement } from '../../src/adapters/partition-log/log-cleaner';
import type { MemorySegment, StoredBatch } from './memory-partition-log';

/** The shared state of a memory partition log (survives a reopen, as files would). */
export interface MemoryLogState {
  segments: MemorySegment[];
  end: bigint;
  /** Raised by DeleteRecords. */
  deletedBefore: bigint;
  checkpoint: CleanerCheckpoint;
  /** Producer-state snapshots by offset (PS-40). */
  snapshots?: Map<bigint, Uint8Array>;
}

class MemoryCleanableSegment implements CleanableSegment {
  constructor(
    readonly seg: MemorySegment,
    readonly endOffset: bigint,
  ) {}

  get baseOffset(): bigint {
    return this.seg.baseOffset;
  }

  get size(): number {
    return this.seg.size;
  }

  get largestTimestamp(): bigint {
    return this.seg.largestTimestamp;
  }

  readBatches(position: number, maxBytes: number): Promise<Buffer> {
    const out: Buffer[] = [];
    let at = 0;
    let bytes = 0;
    for (const b of this.seg.batches) {
      if (at >= position) {
        if (out.length > 0 && bytes + b.buf.length > maxBytes) break;
        out.push(b.buf);
        bytes += b.buf.length;
      }
      at += b.buf.length;
    }
    return Promise.resolve(Buffer.concat(out));
  }
}

/** The memory partition log as its cleaner sees it: replacements swap segment objects in place. */
export class MemoryCleanableLog implements CleanableLog {
  constructor(private readonly state: MemoryLogState) {}

  sealedSegments(): ReadonlyArray<CleanableSegment> {
    const segs = this.state.segments;
    return segs.slice(0, -1).map((s, i) => new MemoryCleanableSegment(s, segs[i + 1].baseOffset));
  }

  logStartOffset(): bigint {
    const first = this.state.segments[0].baseOffset;
    return this.state.deletedBefore > first ? this.state.deletedBefore : first;
  }

  readCheckpoint(): Promise<CleanerCheckpoint> {
    return Promise.resolve(this.state.checkpoint);
  }

  writeCheckpoint(c: CleanerCheckpoint): Promise<void> {
    this.state.checkpoint = c;
    return Promise.resolve();
  }

  beginReplacement(group: ReadonlyArray<CleanableSegment>): Promise<SegmentReplacement> {
    const olds = group.map((g) => (g as MemoryCleanableSegment).seg);
    const copy: MemorySegment = { baseOffset: olds[0].baseOffset, batches: [], size: 0, largestTimestamp: -1n };
    return Promise.resolve({
      append: (buf: Buffer) => {
        const baseOffset = buf.readBigInt64BE(BatchOffset.baseOffset);
        const maxTimestamp = buf.readBigInt64BE(BatchOffset.maxTimestamp);
        const stored: StoredBatch = { baseOffset, lastOffset: baseOffset + BigInt(buf.readInt32BE(BatchOffset.lastOffsetDelta)), maxTimestamp, buf };
        copy.batches.push(stored);
        copy.size += buf.length;
        if (maxTimestamp > copy.largestTimestamp) copy.largestTimestamp = maxTimestamp;
        return Promise.resolve();
      },
      abort: () => Promise.resolve(),
      commit: () => {
        const segs = this.state.segments;
        const at = segs.indexOf(olds[0]);
        if (at < 0 || at + olds.length >= segs.length || olds.some((s, i) => segs[at + i] !== s)) return Promise.resolve(false);
        this.state.segments = [...segs.slice(0, at), copy, ...segs.slice(at + olds.length)];
        return Promise.resolve(true);
      },
    });
  }
}
