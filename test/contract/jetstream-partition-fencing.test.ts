import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { batchPositions, readRecords } from '../../src/adapters/kafka/record-batch/record-reader';
import { PARTITION_FENCED, PartitionLogFailed } from '../../src/adapters/jetstream/jetstream-partition-log';
import { jetStreamLogs, stopSharedNatsCluster, type JetStreamLogs } from '../support/jetstream-partition-logs';

/**
 * Issue 15 fencing for partitions, at the adapter: the broker that opens a partition reads its
 * subject and fences it; from then on the previous leader's appends are refused (FENCED) and fail
 * its log for good, while the new leader continues the offsets. Nothing the old leader was refused
 * becomes visible.
 */
afterAll(stopSharedNatsCluster, 30_000);

let h: JetStreamLogs;
beforeEach(async () => {
  h = await jetStreamLogs();
});
afterEach(() => h.cleanup());

const one = (v: string): Buffer => buildRecordBatch({ baseTimestamp: 1000n, records: [{ key: 'k', value: v, timestamp: 1000n }] });
const values = (buf: Buffer): Array<[bigint, string]> =>
  batchPositions(buf).flatMap(({ position }) => readRecords(buf, position).map((r): [bigint, string] => [r.offset, r.value?.toString() ?? '']));

test('issue 15: a deposed leader\'s append after the new leader opened the partition is refused and fails its log', async () => {
  const old = await h.store().open('t', 2);
  expect(await old.append(one('a'), { recordCount: 1, maxTimestamp: 1000n })).toBe(0n);
  expect(await old.append(one('b'), { recordCount: 1, maxTimestamp: 1000n })).toBe(1n);

  const next = await h.another('broker-2').open('t', 2);
  expect(next.logEndOffset()).toBe(2n);

  const refused = old.append(one('stale'), { recordCount: 1, maxTimestamp: 1000n });
  await expect(refused).rejects.toBeInstanceOf(PartitionLogFailed);
  await expect(refused).rejects.toMatchObject({ code: PARTITION_FENCED });
  // Fail-stop: the old log refuses everything from now on, without asking JetStream again.
  await expect(old.append(one('later'), { recordCount: 1, maxTimestamp: 1000n })).rejects.toMatchObject({ code: PARTITION_FENCED });
  expect(old.logEndOffset()).toBe(2n);

  expect(await next.append(one('c'), { recordCount: 1, maxTimestamp: 1000n })).toBe(2n);
  expect(values(await next.read(0n, 1 << 20))).toEqual([[0n, 'a'], [1n, 'b'], [2n, 'c']]);
  // A third reader sees exactly what was acknowledged.
  const reader = await (await h.restart()).open('t', 2);
  expect(values(await reader.read(0n, 1 << 20))).toEqual([[0n, 'a'], [1n, 'b'], [2n, 'c']]);
});

test('issue 15: appends in flight when the leader is deposed: each one resolved was stored, none refused is visible', async () => {
  const old = await h.store().open('t', 0);
  const inflight = Array.from({ length: 50 }, (_, i) => old.append(one(`o${i}`), { recordCount: 1, maxTimestamp: 1000n }).then((o) => o, () => null));
  // The old leader may store between the new one's read and its fence: that open is refused and retried.
  const other = h.another('broker-2');
  let next = null;
  let refusedOpens = 0;
  while (next === null) {
    next = await other.open('t', 0).catch((err: unknown) => {
      expect(err).toMatchObject({ code: PARTITION_FENCED });
      refusedOpens++;
      return null;
    });
  }
  expect(refusedOpens).toBeLessThan(50);
  const acked = (await Promise.all(inflight)).filter((o): o is bigint => o !== null);
  // Acknowledged appends are a prefix (appends resolve in order; the first refusal fails the log).
  expect(acked).toEqual(acked.map((_, i) => BigInt(i)));
  const end = next.logEndOffset();
  expect(end).toBeGreaterThanOrEqual(BigInt(acked.length));
  const tail = await next.append(one('n'), { recordCount: 1, maxTimestamp: 1000n });
  expect(tail).toBe(end);
  const read = end === 0n ? [] : values(await next.read(0n, 1 << 20));
  expect(read.map(([o]) => o)).toEqual(Array.from({ length: Number(end) + 1 }, (_, i) => BigInt(i)));
  for (const o of acked) expect(read[Number(o)]![1]).toBe(`o${o}`);
});
