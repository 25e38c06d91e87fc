import { API_KEY, defaultMessage } from '../../src/adapters/kafka/protocol';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { batchPositions, readRecords } from '../../src/adapters/kafka/record-batch/record-reader';
import { freePort, sleep, startBrokerProcess, tempDir } from '../e2e/support/broker-process';
import { RawClient } from '../e2e/support/raw-client';
import { baseSeed, seededRandom } from './seeded-random';

/**
 * Issue 5 crash test (reliability.md G1 applied to partition logs): kill -9 during a Produce v7
 * acks=-1 load over raw clients (one per partition, hand-built batches, a sequence number per record
 * in its value), restart, and read every partition back with Fetch. Pass, after every restart on the
 * same data dir: each acknowledged record is at its acked offset with its value, offsets are dense
 * from the log start, and sequence numbers only grow (no record appears twice or out of order).
 */
const ITERATIONS = Number(process.env.PRODUCE_KILL_ITERATIONS ?? 20);
const SEED = baseSeed();
const TOPIC = 'produce-crash';
const PARTITIONS = 4;

const valueOf = (partition: number, seq: number): string => `p${partition}-s${seq}`;
const seqOf = (value: string): number => Number(value.slice(value.indexOf('-s') + 2));

/** Reads a whole partition with Fetch v11: (offset, value) of every record, and the high watermark. */
const readPartition = async (client: RawClient, partition: number): Promise<{ records: Array<{ offset: bigint; value: string }>; highWatermark: bigint; logStart: bigint }> => {
  const records: Array<{ offset: bigint; value: string }> = [];
  let fetchOffset = 0n;
  let highWatermark = -1n;
  let logStart = -1n;
  for (let guard = 0; guard < 10_000; guard++) {
    const res = await client.send(API_KEY.Fetch, 11, {
      ...defaultMessage('FetchRequest'),
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = res.body.responses[0].partitions[0];
    if (p.errorCode !== 0) throw new Error(`Fetch ${TOPIC}-${partition}@${fetchOffset}: error ${p.errorCode}`);
    highWatermark = p.highWatermark;
    logStart = p.logStartOffset;
    const buf: Buffer = p.records ?? Buffer.alloc(0);
    let last = -1n;
    for (const { position } of batchPositions(buf)) {
      for (const r of readRecords(buf, position)) {
        if (r.offset < fetchOffset) continue;
        records.push({ offset: r.offset, value: (r.value ?? Buffer.alloc(0)).toString('utf8') });
        last = r.offset;
      }
    }
    if (last >= 0n) fetchOffset = last + 1n;
    if (fetchOffset >= highWatermark || last < 0n) break;
  }
  return { records, highWatermark, logStart };
};

describe('issue 5: acked Produce records survive kill -9', () => {
  it(`issue 5 ${ITERATIONS} SIGKILLs during Produce v7 acks=-1: every acked record at its offset, offsets dense (seed ${SEED})`, async () => {
    console.log(`issue-5 produce kill -9 seed=${SEED} iterations=${ITERATIONS}`);
    const rng = seededRandom(SEED);
    const dataDir = tempDir('cohort-produce-crash-');
    const port = await freePort();
    let broker = await startBrokerProcess({ dataDir, port });
    {
      const admin = await RawClient.connect(port);
      const r = await admin.send(API_KEY.CreateTopics, 3, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
      expect(r.body.topics[0].errorCode).toBe(0);
      admin.close();
    }
    const nextSeq = Array(PARTITIONS).fill(0) as number[];
    /** partition → acked seq → offset. */
    const acked = Array.from({ length: PARTITIONS }, () => new Map<number, bigint>());
    const problems: string[] = [];
    let ackedRecords = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      const clients = await Promise.all(Array.from({ length: PARTITIONS }, () => RawClient.connect(port)));
      let stop = false;
      const loops = clients.map(async (c, partition) => {
        while (!stop && !c.closed) {
          const count = 1 + Math.floor(rng() * 5);
          const first = nextSeq[partition]!;
          nextSeq[partition] = first + count;
          const records = Array.from({ length: count }, (_, i) => ({ value: valueOf(partition, first + i) }));
          try {
            const res = await c.send(API_KEY.Produce, 7, {
              transactionalId: null, acks: -1, timeoutMs: 5000,
              topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: buildRecordBatch({ records }) }] }],
            });
            const p = res.body.responses[0].partitionResponses[0];
            if (p.errorCode === 0) {
              for (let i = 0; i < count; i++) acked[partition]!.set(first + i, p.baseOffset + BigInt(i));
              ackedRecords += count;
            }
          } catch {
            return;
          }
        }
      });
      await sleep(50 + Math.floor(rng() * 350));
      await broker.kill9();
      stop = true;
      await Promise.all(loops);
      for (const c of clients) c.close();
      broker = await startBrokerProcess({ dataDir, port });
      const reader = await RawClient.connect(port);
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const { records, highWatermark, logStart } = await readPartition(reader, partition);
        const where = `iteration ${it} partition ${partition}`;
        const at = new Map(records.map((r) => [r.offset, r.value]));
        for (const [seq, offset] of acked[partition]!) {
          const got = at.get(offset);
          if (got !== valueOf(partition, seq)) problems.push(`${where}: acked seq ${seq} at offset ${offset} reads ${got ?? 'nothing'}`);
        }
        let expected = logStart;
        let lastSeq = -1;
        for (const r of records) {
          if (r.offset !== expected) problems.push(`${where}: offset ${r.offset} where ${expected} was expected (not dense)`);
          const seq = seqOf(r.value);
          if (seq <= lastSeq) problems.push(`${where}: seq ${seq} at offset ${r.offset} after seq ${lastSeq}`);
          lastSeq = seq;
          expected = r.offset + 1n;
        }
        if (expected !== highWatermark) problems.push(`${where}: records end at ${expected}, high watermark ${highWatermark}`);
      }
      reader.close();
      if (problems.length > 0) break;
    }
    await broker.stop();
    console.log(`issue-5 acked records=${ackedRecords} problems=${problems.length}`);
    for (const p of problems.slice(0, 10)) console.log(`issue-5 ${p}`);
    expect(ackedRecords).toBeGreaterThan(ITERATIONS);
    expect(problems).toEqual([]);
  }, 120_000);
});
