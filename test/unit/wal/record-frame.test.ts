import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import * as CRC32 from 'crc-32';
import { crc32, readFrameAt, sealFrame } from '../../../src/adapters/wal/record-frame';

/** The record frame `length | crc32(type+payload) | type | payload` (STYLE.md "The WAL"). */
const frame = (payload: number[]): Uint8Array => {
  const out = new ByteWriter();
  out.u32(0);
  out.u32(0);
  out.u8(1);
  for (const b of payload) out.u8(b);
  sealFrame(out.view8(), 0, out.length);
  return out.toBytes();
};

const read = (buf: Uint8Array, limit = buf.length) => readFrameAt(buf, new DataView(buf.buffer), 0, limit);

describe('record frame', () => {
  test('the frame checksum (zlib\'s CRC-32 where Node has it) equals the crc-32 package on any bytes: old logs stay readable', () => {
    let x = 12345;
    for (let n = 0; n < 3000; n += 1 + (n >> 3)) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
      expect(crc32(bytes)).toBe(CRC32.buf(bytes) >>> 0);
      expect(crc32(bytes.subarray(n >> 2))).toBe(CRC32.buf(bytes.subarray(n >> 2)) >>> 0);
      // Continued over pieces (a snapshot's payload is checksummed as it is cut).
      expect(crc32(bytes.subarray(n >> 1), crc32(bytes.subarray(0, n >> 1)))).toBe(CRC32.buf(bytes) >>> 0);
    }
  });

  test('a whole frame reads back with its type and payload bounds', () => {
    const buf = frame([7, 8, 9]);
    expect(read(buf)).toEqual({ kind: 'record', type: 1, payloadStart: 9, end: 12 });
  });

  test('a frame cut anywhere is short; a flipped bit fails the CRC or the length', () => {
    const buf = frame([1, 2, 3, 4, 5]);
    for (let k = 1; k < buf.length; k++) expect(read(buf.slice(0, k)).kind).toBe('short');
    for (let i = 0; i < buf.length * 8; i++) {
      const b = buf.slice();
      b[i >> 3] ^= 1 << (i & 7);
      expect(['short', 'bad-crc', 'zero']).toContain(read(b).kind);
    }
  });

  test('T-DUR-5 a length of 2^31-1 or 2^32-1 is rejected against the bytes left, without allocating', () => {
    for (const length of [0x7fffffff, 0xffffffff]) {
      const buf = frame([1, 2, 3]);
      new DataView(buf.buffer).setUint32(0, length, true);
      expect(read(buf).kind).toBe('short');
    }
  });

  test('zeros mark never-written space; the end of the buffer is eof', () => {
    expect(read(new Uint8Array(64)).kind).toBe('zero');
    expect(read(new Uint8Array(3)).kind).toBe('zero');
    expect(read(new Uint8Array(0)).kind).toBe('eof');
  });
});
