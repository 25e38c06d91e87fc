import { join } from 'path';
import type { FileSystem } from '../../ports/file-system';
import { NodeFileSystem } from './node-file-system';
import { decodeSegmentHeader, SEGMENT_HEADER_BYTES } from './segment-file';
import { readWholeFile, scanSegment } from './segment-reader';
import { listSegments } from './wal-inspection';

/** Where dump lines go: `process.stdout` fits. */
export interface TextSink {
  write(text: string): unknown;
}

const render = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `0x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    return v;
  });

/**
 * Prints every readable event of a MetaLog directory, one line each (`<position> <event JSON>`),
 * segment by segment, with a line per segment and one where a segment's valid data ends early.
 * Read-only; works on damaged logs (it prints what precedes the damage). Returns the events printed.
 */
export const dumpMetaLog = async (dir: string, out: TextSink, fs: FileSystem = new NodeFileSystem()): Promise<number> => {
  let events = 0;
  for (const seg of await listSegments(fs, dir)) {
    const path = join(dir, seg.name);
    const buf = await readWholeFile(fs, path);
    const header = decodeSegmentHeader(buf.subarray(0, SEGMENT_HEADER_BYTES));
    out.write(`# segment ${seg.name} base=${seg.base}${header.ok ? '' : ` header unreadable: ${header.reason}`}\n`);
    if (!header.ok) continue;
    const scan = scanSegment(buf, seg.base, {
      decode: true,
      onEvent: (event, position) => {
        events++;
        out.write(`${position} ${render(event)}\n`);
      },
    });
    if (scan.stop !== 'eof' && scan.stop !== 'zero') out.write(`# ${seg.name}: valid data ends at byte ${scan.validEnd}: ${scan.detail}\n`);
  }
  return events;
};
