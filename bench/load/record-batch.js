'use strict';
// A hand-built uncompressed magic-2 record batch (kafka-protocol/records): the Produce benchmark sends the
// same bytes to every server, so no client library cost is in the measurement.
const crc32c = require('crc-32/crc32c');

function varint(n, out) {
  let z = (n << 1) ^ (n >> 31); // zigzag (values here fit in 32 bits)
  z >>>= 0;
  while (z > 0x7f) { out.push((z & 0x7f) | 0x80); z >>>= 7; }
  out.push(z);
}

/** `count` records of `valueBytes` bytes each (null key, no headers), base offset 0, CRC-32C filled in. */
function buildRecordBatch(count, valueBytes, timestamp = Date.now()) {
  const value = Buffer.alloc(valueBytes, 0x62);
  const records = [];
  for (let i = 0; i < count; i++) {
    const body = [];
    body.push(0); // attributes
    varint(0, body); // timestampDelta
    varint(i, body); // offsetDelta
    varint(-1, body); // key length: null
    varint(valueBytes, body);
    const head = Buffer.from(body);
    const tail = []; varint(0, tail); // header count
    const len = []; varint(head.length + valueBytes + tail.length, len);
    records.push(Buffer.from(len), head, value, Buffer.from(tail));
  }
  const recs = Buffer.concat(records);
  const b = Buffer.alloc(61 + recs.length);
  b.writeBigInt64BE(0n, 0); // baseOffset
  b.writeInt32BE(b.length - 12, 8); // batchLength: bytes after this field
  b.writeInt32BE(-1, 12); // partitionLeaderEpoch
  b.writeInt8(2, 16); // magic
  b.writeInt16BE(0, 21); // attributes: no compression, CreateTime
  b.writeInt32BE(count - 1, 23); // lastOffsetDelta
  b.writeBigInt64BE(BigInt(timestamp), 27); // baseTimestamp
  b.writeBigInt64BE(BigInt(timestamp), 35); // maxTimestamp
  b.writeBigInt64BE(-1n, 43); // producerId
  b.writeInt16BE(-1, 51); // producerEpoch
  b.writeInt32BE(-1, 53); // baseSequence
  b.writeInt32BE(count, 57); // records count
  recs.copy(b, 61);
  b.writeUInt32BE(crc32c.buf(b.subarray(21)) >>> 0, 17); // CRC-32C over attributes..end
  return b;
}

/** Counts records and bytes in a concatenation of record batches (as Fetch returns them; a partial tail is ignored). */
function countBatches(buf) {
  let off = 0; let records = 0; let bytes = 0;
  while (buf && buf.length - off >= 61) {
    const len = buf.readInt32BE(off + 8) + 12;
    if (off + len > buf.length) break;
    records += buf.readInt32BE(off + 57);
    bytes += len;
    off += len;
  }
  return { records, bytes };
}

module.exports = { buildRecordBatch, countBatches };
