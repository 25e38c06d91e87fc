import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FileMetaLog } from '../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../src/adapters/wal/node-file-system';
import { repairMetaLog } from '../../src/adapters/wal/repair-meta-log';
import { segmentName } from '../../src/adapters/wal/segment-file';
import { verifyMetaLog } from '../../src/adapters/wal/verify-meta-log';
import { inspectWal, MetaLogCorruptError } from '../../src/adapters/wal/wal-inspection';
import type { MetaEvent } from '../../src/domain/meta-event';

/**
 * T-DUR-6 Corruption in the durable prefix (reliability.md C1, G4): a flipped bit in record 10 of
 * 100, or anywhere in a sealed segment, makes open refuse with one line naming the file and byte
 * offset, and leaves the directory byte-identical; `repairMetaLog` then copies the segment to
 * `*.broken`, truncates at the bad record, reports what it dropped, and the log opens.
 */
const commit = (i: number): MetaEvent => ({
  type: 'OffsetCommitted',
  groupId: 'g',
  topic: 't',
  partition: i % 3,
  offset: i,
  leaderEpoch: 0,
  metadata: `request-${i}`,
  commitTimestamp: 1_700_000_000_000 + i,
  expireTimestamp: null,
});

const sha256Dir = (dir: string): string => {
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) h.update(name).update(readFileSync(join(dir, name)));
  return h.digest('hex');
};

const fs = new NodeFileSystem();
let root: string;
let dir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cohort-tdur6-'));
  dir = join(root, 'log');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** 100 records, each acknowledged before the next is sent (so each is durable before the next is written). */
const build = async (segmentBytes: number): Promise<void> => {
  const log = new FileMetaLog(fs, { dir, segmentBytes });
  await log.replay(0, () => undefined);
  for (let i = 0; i < 100; i++) await log.append([commit(i)]);
  await log.close();
};

/** Byte offset of record `index` in the first segment (records are one event each here). */
const recordOffset = async (index: number): Promise<number> => {
  const scratch = mkdtempSync(join(tmpdir(), 'cohort-tdur6-probe-'));
  try {
    const probe = new FileMetaLog(fs, { dir: scratch, segmentBytes: 1 << 20 });
    await probe.replay(0, () => undefined);
    for (let i = 0; i < index; i++) await probe.append([commit(i)]);
    await probe.close();
    return (await inspectWal(fs, scratch)).segments[0].validEnd;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

const openError = async (): Promise<unknown> => {
  const log = new FileMetaLog(fs, { dir, segmentBytes: 1 << 20 });
  try {
    await log.replay(0, () => undefined);
  } catch (e) {
    return e;
  }
  await log.close();
  return null;
};

describe('T-DUR-6 corruption in the durable prefix', () => {
  test('T-DUR-6 a flipped bit in record 10 of 100 refuses to open with one line naming file and offset; dir unchanged', async () => {
    await build(1 << 20);
    const seg = join(dir, segmentName(0));
    const at = await recordOffset(10);
    const bytes = readFileSync(seg);
    bytes[at + 20] ^= 0x02;
    writeFileSync(seg, bytes);
    const before = sha256Dir(dir);

    const err = await openError();
    expect(err).toBeInstanceOf(MetaLogCorruptError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(seg);
    expect(message).toContain(`at byte ${at}`);
    expect(sha256Dir(dir)).toBe(before);
    // Refusing twice changes nothing either.
    expect(await openError()).toBeInstanceOf(MetaLogCorruptError);
    expect(sha256Dir(dir)).toBe(before);

    const verify = await verifyMetaLog(dir, fs);
    expect(verify.status).toBe('corrupt');
    expect(verify.firstBad).toMatchObject({ file: seg, offset: at });
    expect(sha256Dir(dir)).toBe(before);

    const report = await repairMetaLog(dir, fs);
    // Records 11..99 were valid past the damage (record 10 itself is unreadable).
    expect(report).toMatchObject({ file: seg, offset: at, recordsDropped: 89, eventsDropped: 89 });
    expect(report.bytesDropped).toBeGreaterThan(0);
    expect(existsSync(`${seg}.broken`)).toBe(true);
    expect(readFileSync(`${seg}.broken`).equals(bytes)).toBe(true);

    const log = new FileMetaLog(fs, { dir, segmentBytes: 1 << 20 });
    const seen: MetaEvent[] = [];
    await log.replay(0, (e) => seen.push(e));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => commit(i)));
    expect(await log.append([commit(1000)])).toBe(10);
    await log.close();
  });

  test('T-DUR-6 any damaged record in a sealed (non-tail) segment refuses to open; repair drops the later segments', async () => {
    await build(700);
    const names = readdirSync(dir).sort();
    expect(names.length).toBeGreaterThan(3);
    const sealed = join(dir, names[1]);
    const bytes = readFileSync(sealed);
    // The LAST record of a sealed segment: in the tail segment this would be a torn write.
    const info = (await inspectWal(fs, dir)).segments[1];
    bytes[info.validEnd - 3] ^= 0x80;
    writeFileSync(sealed, bytes);
    const before = sha256Dir(dir);

    const err = await openError();
    expect(err).toBeInstanceOf(MetaLogCorruptError);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toContain(sealed);
    expect(sha256Dir(dir)).toBe(before);

    const report = await repairMetaLog(dir, fs);
    expect(report.file).toBe(sealed);
    expect(report.broken.length).toBe(names.length - 1);
    const log = new FileMetaLog(fs, { dir, segmentBytes: 700 });
    const seen: MetaEvent[] = [];
    await log.replay(0, (e) => seen.push(e));
    expect(seen).toEqual(Array.from({ length: info.endPosition - 1 }, (_, i) => commit(i)));
    // Valid events past the damage; the damaged record's own events cannot be counted.
    expect(report.eventsDropped).toBe(100 - seen.length - 1);
    await log.close();
  });

  test('T-DUR-6 a damaged header of a sealed segment refuses to open', async () => {
    await build(700);
    const first = join(dir, readdirSync(dir).sort()[0]);
    const bytes = readFileSync(first);
    bytes[9] ^= 0x01;
    writeFileSync(first, bytes);
    const before = sha256Dir(dir);
    const err = await openError();
    expect(err).toBeInstanceOf(MetaLogCorruptError);
    expect((err as Error).message).toContain(`${first} at byte 0`);
    expect(sha256Dir(dir)).toBe(before);
  });
});
