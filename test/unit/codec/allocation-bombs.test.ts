/**
 * Hostile lengths and counts must fail with DecodeError before anything proportional to the claimed size
 * is allocated (STYLE "The codec": an array count × its element's minimum size must fit).
 */
import { decodeMessage, decodeRequestBody, DecodeError, readRequestHeader } from '../../../src/adapters/kafka/protocol';
import { Writer } from '../../../src/adapters/kafka/protocol/writer';

const KIB64 = 64 * 1024;

function frame(build: (w: Writer) => void, padding = KIB64): Buffer {
  const w = new Writer();
  build(w);
  w.raw(Buffer.alloc(padding));
  return Buffer.from(w.result());
}

function compactString(w: Writer, s: string): void {
  w.uvarint(Buffer.byteLength(s) + 1);
  w.utf8(s, Buffer.byteLength(s));
}

function classicString(w: Writer, s: string): void {
  w.int16(Buffer.byteLength(s));
  w.utf8(s, Buffer.byteLength(s));
}

/** Runs fn, expecting a DecodeError within a few ms and without the heap growing by megabytes. */
function expectCheapDecodeError(fn: () => unknown, reason?: RegExp): void {
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  expect(caught).toBeInstanceOf(DecodeError);
  if (reason) expect((caught as Error).message).toMatch(reason);
  expect(ms).toBeLessThan(200);
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
}

describe('allocation safety of the decoder', () => {
  it('array count 2^31-1 in a 64 KiB frame (OffsetCommit v5 topics) fails before allocating', () => {
    const f = frame((w) => {
      classicString(w, 'g');
      w.int32(1);
      classicString(w, 'm');
      w.int32(0x7fffffff);
    });
    expectCheapDecodeError(() => decodeRequestBody(8, 5, f, 0), /array of 2147483647 elements cannot fit/);
  });

  it('compact array count 2^32-2 in a 64 KiB frame (OffsetCommit v8 topics) fails', () => {
    const f = frame((w) => {
      compactString(w, 'g');
      w.int32(1);
      compactString(w, 'm');
      w.uvarint(0); // null group instance id
      w.uvarint(0xffffffff);
    });
    expectCheapDecodeError(() => decodeRequestBody(8, 8, f, 0), /array of 4294967294 elements cannot fit/);
  });

  it('array of int32 whose count × 4 exceeds the bytes left fails even though count alone fits', () => {
    // ConsumerProtocolAssignment v0: [AssignedPartitions{Topic, []int32}] UserData
    const w = new Writer();
    w.int32(1);
    classicString(w, 't');
    w.int32(1000);
    w.raw(Buffer.alloc(1000)); // room for 1000 bytes, not 1000 int32s
    expectCheapDecodeError(() => decodeMessage('ConsumerProtocolAssignment', 0, Buffer.from(w.result())), /array of 1000 elements cannot fit/);
  });

  it('20M tagged fields (KIP-482 section count) in a small frame fail at once', () => {
    const f = frame((w) => {
      compactString(w, 'g');
      w.int32(1);
      compactString(w, 'm');
      w.uvarint(0);
      w.uvarint(20_000_000);
    }, 1024);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /20000000 tagged fields cannot fit/);
  });

  it('string length 0x7fff+1: a compact length above the int16 limit fails', () => {
    const f = frame((w) => w.uvarint(0x8000 + 1), 0x8000 + 16);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /string length 32768 exceeds 32767/);
  });

  it('string length 0x7fff+1 as a classic int16 reads as negative and fails', () => {
    const f = frame((w) => w.uint16(0x8000));
    expectCheapDecodeError(() => decodeRequestBody(12, 3, f, 0), /negative string length -32768/);
  });

  it('bytes length larger than the frame fails before slicing', () => {
    // SaslAuthenticate v0: AuthBytes bytes
    const f = frame((w) => w.int32(0x7ffffff0), 16);
    expectCheapDecodeError(() => decodeRequestBody(36, 0, f, 0), /need 2147483632 bytes/);
  });

  it('a non-terminating unsigned varint fails after 5 bytes', () => {
    const f = Buffer.alloc(KIB64, 0xff);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /longer than 5 bytes/);
  });

  it('an unsigned varint whose 5th byte overflows 32 bits fails', () => {
    const f = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0]);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /exceeds 32 bits/);
  });

  it('negative length for a non-nullable string (-1) fails', () => {
    const f = frame((w) => w.int16(-1), 64);
    expectCheapDecodeError(() => decodeRequestBody(12, 3, f, 0), /null for a non-nullable string/);
  });

  it('compact null (0) for a non-nullable string fails', () => {
    const f = frame((w) => w.uvarint(0), 64);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /null for a non-nullable string/);
  });

  it('negative array count other than -1 fails, and -1 fails for a non-nullable array', () => {
    const body = (count: number) => frame((w) => {
      classicString(w, 'g');
      w.int32(1);
      classicString(w, 'm');
      w.int32(count);
    }, 64);
    expectCheapDecodeError(() => decodeRequestBody(8, 5, body(-2), 0), /negative array length -2/);
    expectCheapDecodeError(() => decodeRequestBody(8, 5, body(-1), 0), /null for a non-nullable array/);
  });

  it('negative bytes length for non-nullable bytes fails', () => {
    const f = frame((w) => w.int32(-7), 64);
    expectCheapDecodeError(() => decodeRequestBody(36, 0, f, 0), /negative bytes length -7/);
  });

  it('a tagged field whose size runs past the frame fails', () => {
    const f = Buffer.from([2, 0x67, 0, 0, 0, 1, 2, 0x6d, 0, 1, 5, 0x7f, 0]);
    expectCheapDecodeError(() => decodeRequestBody(12, 4, f, 0), /tagged field 5: need 127 bytes/);
  });

  it('a truncated request header fails with DecodeError', () => {
    expectCheapDecodeError(() => readRequestHeader(Buffer.from([0, 18, 0])));
    expectCheapDecodeError(() => readRequestHeader(Buffer.from([0, 18, 0, 3, 0, 0, 0, 1, 0, 5, 0x61])));
  });

  it('an offset outside the frame fails with DecodeError', () => {
    expectCheapDecodeError(() => decodeRequestBody(12, 4, Buffer.alloc(4), 10));
  });

  it('unknown api keys and versions outside validVersions fail with DecodeError', () => {
    expectCheapDecodeError(() => decodeRequestBody(999, 0, Buffer.alloc(8), 0));
    expectCheapDecodeError(() => decodeRequestBody(18, 5, Buffer.alloc(8), 0));
  });
});
