import * as fs from 'fs/promises';
import * as path from 'path';
import { BatchOffset, LOG_OVERHEAD } from '../kafka/record-batch/batch-header';
import type { CleanerCheckpoint } from './cleaner-checkpoint';
import { readCleanerCheckpoint, writeCleanerCheckpoint } from './cleaner-checkpoint';
import { CLEANED_SUFFIX, commitCleanedFile, installSwapFile } from './cleaner-swap';
import type { FilePartitionLog } from './file-partition-log';
import { rebuildSegmentIndexes } from './segment-rebuild';
import type { CleanableLog, CleanableSegment, SegmentReplacement } from './log-cleaner';
import { LogSegment } from './log-segment';
import { segmentFileStem } from './segment-file-name';

/** Bytes the replacement buffers before one positional write. */
const WRITE_CHUNK = 1 << 20;

class FileCleanableSegment implements CleanableSegment {
  constructor(
    readonly seg: LogSegment,
    readonly endOffset: bigint,
  ) {}

  get baseOffset(): bigint {
    return this.seg.baseOffset;
  }

  get size(): number {
    return this.seg.committedSize;
  }

  get largestTimestamp(): bigint {
    return this.seg.largestTimestamp;
  }

  readBatches(position: number, maxBytes: number): Promise<Buffer> {
    const seg = this.seg;
    return seg.withReader(async () => {
      const limit = seg.committedSize;
      if (position + LOG_OVERHEAD > limit) return Buffer.alloc(0);
      let want = Math.min(limit - position, Math.max(maxBytes, LOG_OVERHEAD));
      let buf = Buffer.alloc(want);
      let { bytesRead } = await seg.fh.read(buf, 0, want, position);
      const first = buf.readInt32BE(BatchOffset.batchLength) + LOG_OVERHEAD;
      if (first > bytesRead) {
        // A batch larger than the chunk (or a header-only peek): read that one batch whole.
        want = Math.min(first, limit - position);
        buf = Buffer.alloc(want);
        ({ bytesRead } = await seg.fh.read(buf, 0, want, position));
      }
      let kept = 0;
      while (kept + LOG_OVERHEAD <= bytesRead) {
        const size = buf.readInt32BE(kept + BatchOffset.batchLength) + LOG_OVERHEAD;
        if (kept + size > bytesRead) break;
        kept += size;
      }
      // A header-only peek (maxBytes below one batch) gets the bytes it asked for.
      return kept === 0 && maxBytes < first ? buf.subarray(0, Math.min(bytesRead, maxBytes)) : buf.subarray(0, kept);
    });
  }
}

/**
 * The file partition log as its cleaner sees it. A replacement is written to `<base>.log.cleaned`
 * and swapped in with the crash-safe protocol of cleaner-swap.ts; the in-memory segment list is
 * switched on the log's write chain, before the old files go, so readers never meet a closed file.
 */
export class FileCleanableLog implements CleanableLog {
  constructor(private readonly log: FilePartitionLog) {}

  private get sync(): boolean {
    return this.log.fsync.kind !== 'os';
  }

  sealedSegments(): ReadonlyArray<CleanableSegment> {
    const segs = this.log.segmentList();
    return segs.slice(0, -1).map((s, i) => new FileCleanableSegment(s, segs[i + 1].baseOffset));
  }

  logStartOffset(): bigint {
    return this.log.logStartOffset();
  }

  readCheckpoint(): Promise<CleanerCheckpoint> {
    return readCleanerCheckpoint(this.log.dir);
  }

  writeCheckpoint(c: CleanerCheckpoint): Promise<void> {
    return writeCleanerCheckpoint(this.log.dir, c, this.sync);
  }

  async beginReplacement(group: ReadonlyArray<CleanableSegment>): Promise<SegmentReplacement> {
    const dir = this.log.dir;
    const base = group[0].baseOffset;
    const end = group[group.length - 1].endOffset;
    const olds = group.map((g) => (g as FileCleanableSegment).seg);
    const file = path.join(dir, segmentFileStem(base) + CLEANED_SUFFIX);
    const fh = await fs.open(file, 'w+');
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = 0;
    let closed = false;
    const drain = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const whole = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      for (let done = 0; done < whole.length; ) done += (await fh.write(whole, done, whole.length - done, position + done)).bytesWritten;
      position += whole.length;
    };
    const abort = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
      await fs.rm(file, { force: true });
    };
    return {
      append: async (batch) => {
        pending.push(batch);
        pendingBytes += batch.length;
        if (pendingBytes >= WRITE_CHUNK) await drain();
      },
      abort,
      commit: async () => {
        await drain();
        if (this.sync) await fh.datasync();
        // Indexes are built before taking the write chain, so appends wait only for renames and deletes.
        const seg = LogSegment.fromHandle(dir, base, fh);
        await rebuildSegmentIndexes(seg, position, this.log.indexIntervalBytes(), true);
        seg.nextOffset = end;
        seg.seal();
        closed = true;
        return this.log.exclusive(async () => {
          if (this.log.isClosed() || !this.log.holdsSegments(olds)) {
            // Retention or DeleteRecords took part of the group meanwhile (or the log was closed): the copy is stale.
            await fh.close();
            await fs.rm(file, { force: true });
            return false;
          }
          const swap = await commitCleanedFile(dir, base, end, this.sync);
          this.log.replaceSegments(olds, seg);
          for (const old of olds) await old.delete();
          await installSwapFile(dir, swap, base, this.sync);
          await seg.writeIndexes();
          return true;
        });
      },
    };
  }
}
