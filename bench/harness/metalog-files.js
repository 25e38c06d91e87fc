'use strict';
// Reads a stopped broker's data directory from outside (C4): the snapshot files it wrote, the end of valid
// data in the newest MetaLog segment, and a torn last record written there (reliability.md T-DUR-5).
// Formats mirror src/adapters/wal/{segment-file,record-frame,event-batch}.ts and
// src/adapters/snapshot/file-snapshot-store.ts; they are re-read here so the bench needs no broker internals.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const CRC32 = require('crc-32');

const SEGMENT_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 8;
const SEGMENT_NAME = /^(\d{20})\.wal$/;
const SNAPSHOT_NAME = /^snapshot-(\d{20})\.snap$/;

/** Complete snapshot files in `<dataDir>/snapshots` (temp files excluded), oldest first: [{ file, position }]. */
function listSnapshots(dataDir) {
  const dir = path.join(dataDir, 'snapshots');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((name) => { const m = SNAPSHOT_NAME.exec(name); return m ? { file: path.join(dir, name), position: Number(m[1]) } : null; })
    .filter((s) => s !== null)
    .sort((a, b) => a.position - b.position);
}

/** MetaLog segment files in `<dataDir>/metalog`, by base position: [{ file, base }]. */
function listSegments(dataDir) {
  const dir = path.join(dataDir, 'metalog');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((name) => { const m = SEGMENT_NAME.exec(name); return m ? { file: path.join(dir, name), base: Number(m[1]) } : null; })
    .filter((s) => s !== null)
    .sort((a, b) => a.base - b.base);
}

/**
 * Walks the frames of one segment (length u32 LE | crc32 u32 LE | type u8 | payload) and stops at the first
 * zero length, short frame or checksum mismatch, as the broker's reader does.
 * Resolves { validEnd (byte offset), endPosition (log position after the last whole record, or null), records }.
 */
function scanSegment(file) {
  const buf = fs.readFileSync(file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = SEGMENT_HEADER_BYTES; let records = 0; let endPosition = null;
  while (buf.length - off >= FRAME_HEADER_BYTES) {
    const length = view.getUint32(off, true);
    if (length === 0 || length > buf.length - off - FRAME_HEADER_BYTES) break;
    const typeAt = off + FRAME_HEADER_BYTES;
    if ((CRC32.buf(buf.subarray(typeAt, typeAt + length)) >>> 0) !== view.getUint32(off + 4, true)) break;
    // An events record's payload starts with firstPosition f64 | durableOffset f64 | count u32 (event-batch.ts).
    if (length >= 1 + 20) endPosition = view.getFloat64(typeAt + 1, true) + view.getUint32(typeAt + 1 + 16, true);
    records++;
    off = typeAt + length;
  }
  return { validEnd: off, endPosition, records };
}

/** The newest segment and where its valid data ends; throws when the MetaLog has no segment. */
function newestSegment(dataDir) {
  const segs = listSegments(dataDir);
  if (segs.length === 0) throw new Error(`no *.wal segment in ${path.join(dataDir, 'metalog')}`);
  const seg = segs[segs.length - 1];
  return { ...seg, ...scanSegment(seg.file) };
}

/**
 * Writes `bytes` of garbage right after the last whole frame of the newest segment: a frame header that
 * claims a record longer than what follows and a wrong checksum, then pseudo-random bytes — what a write
 * torn by power loss leaves behind. Resolves { file, offset, bytes } for the report.
 */
function tearLastRecord(dataDir, bytes = 64, seed = 0x5eed) {
  const seg = newestSegment(dataDir);
  const garbage = Buffer.alloc(bytes);
  let x = seed >>> 0;
  for (let i = 0; i < bytes; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; garbage[i] = (x >>> 16) & 0xff; }
  garbage.writeUInt32LE(bytes * 4, 0); // longer than the bytes written: a torn frame, not a whole one
  garbage.writeUInt32LE(0xdeadbeef, 4);
  garbage[8] = 1; // the events record type, so the torn frame looks like the start of a real batch
  const fd = fs.openSync(seg.file, 'r+');
  try {
    fs.writeSync(fd, garbage, 0, bytes, seg.validEnd);
    fs.fsyncSync(fd);
  } finally { fs.closeSync(fd); }
  return { file: seg.file, offset: seg.validEnd, bytes };
}

/** True when the newest segment holds non-zero bytes after its valid end (the torn tail is still there). */
function hasDirtyTail(dataDir) {
  const seg = newestSegment(dataDir);
  const fd = fs.openSync(seg.file, 'r');
  try {
    const probe = Buffer.alloc(FRAME_HEADER_BYTES);
    fs.readSync(fd, probe, 0, probe.length, seg.validEnd);
    return probe.some((b) => b !== 0);
  } finally { fs.closeSync(fd); }
}

/**
 * Copies the MetaLog of `fromDir` (and its snapshots when `withSnapshots`) into a new data directory
 * `toDir` as the broker left it: segments sparse (preallocation is an ftruncate; `fs.cpSync` would
 * write their 64 MiB of zeros, and cutting such a copy at open frees blocks a real segment never
 * had), and fsynced (a crashed broker's files are on disk; an unsynced copy is not even allocated,
 * so opening it skipped work that C4's torn row, whose tear is fsynced, did not).
 */
function copyDataDir(fromDir, toDir, { withSnapshots }) {
  fs.mkdirSync(toDir, { recursive: true });
  execFileSync('cp', ['-r', '--sparse=always', path.join(fromDir, 'metalog'), path.join(toDir, 'metalog')]);
  for (const name of fs.readdirSync(path.join(toDir, 'metalog'))) {
    const fd = fs.openSync(path.join(toDir, 'metalog', name), 'r+');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  }
  if (withSnapshots && fs.existsSync(path.join(fromDir, 'snapshots'))) {
    fs.cpSync(path.join(fromDir, 'snapshots'), path.join(toDir, 'snapshots'), { recursive: true });
  }
  for (const entry of fs.readdirSync(fromDir)) {
    if (entry === 'metalog' || entry === 'snapshots') continue;
    fs.cpSync(path.join(fromDir, entry), path.join(toDir, entry), { recursive: true });
  }
}

module.exports = { listSnapshots, listSegments, scanSegment, newestSegment, tearLastRecord, hasDirtyTail, copyDataDir };
