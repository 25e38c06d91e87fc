import type { FileHandle } from 'fs/promises';
import { BatchOffset, LOG_OVERHEAD } from '../kafka/record-batch/batch-header';

const CHUNK = 1 << 20;

/**
 * Reads the batches stored in [from, to) of a segment file in chunks, handing each whole batch to
 * `visit` (the buffer and the batch's offset in it, and its file position). Stops at the first
 * frame that is short or has an impossible length, or when `visit` answers false. Resolves with the
 * file position just after the last batch `visit` accepted: the end of the valid data.
 */
export const scanBatches = async (
  fh: FileHandle,
  from: number,
  to: number,
  visit: (buf: Buffer, at: number, position: number) => boolean,
): Promise<number> => {
  let position = from;
  while (position + LOG_OVERHEAD <= to) {
    const want = Math.min(CHUNK, to - position);
    const chunk = Buffer.alloc(want);
    const { bytesRead } = await fh.read(chunk, 0, want, position);
    let at = 0;
    let progressed = false;
    while (at + LOG_OVERHEAD <= bytesRead) {
      const size = chunk.readInt32BE(at + BatchOffset.batchLength) + LOG_OVERHEAD;
      if (size < BatchOffset.records || position + at + size > to) return position + at;
      if (at + size > bytesRead) {
        if (at > 0) break;
        // A batch larger than the chunk: read it whole.
        const big = Buffer.alloc(size);
        const r = await fh.read(big, 0, size, position);
        if (r.bytesRead < size || !visit(big, 0, position)) return position;
        position += size;
        progressed = true;
        at = -1;
        break;
      }
      if (!visit(chunk, at, position + at)) return position + at;
      at += size;
      progressed = true;
    }
    if (at >= 0) position += at;
    if (!progressed) return position;
  }
  return position;
};
