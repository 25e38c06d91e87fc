import { Kafka, logLevel } from 'kafkajs';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';
import { startClusterBrokers } from '../e2e/support/cluster-brokers';
import { sleep, type BrokerProcess } from '../e2e/support/broker-process';
import { RawClient } from '../e2e/support/raw-client';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { ErrorCode } from '../../src/domain/error-code';
import { shardOf } from '../../src/domain/cluster/shard-of';
import { findCoordinators, waitCoordinated } from './support/cluster-probe';
import { interleavedOwners, readShardOwners } from './support/shard-stream';

/**
 * Issue 15 acceptance, split brain: the broker coordinating a group is SIGSTOPped past its lease
 * (a GC pause, a frozen VM), another broker takes the shard over and acknowledges commits; then the
 * paused broker resumes with a commit already queued on its socket. Its late write is refused (it
 * steps down: NOT_COORDINATOR, never NONE), the new owner's commit stands, FindCoordinator on the
 * resumed broker names the new owner, and the shard's stream never interleaves two owners' writes.
 */
const TTL = 3000;
const SHARDS = 12;
const TOPIC = 'split';
let nats: NatsCluster;
let brokers: BrokerProcess[] = [];
const clusterId = `split-${process.pid}`;

beforeAll(async () => {
  nats = await startNatsCluster(3);
  brokers = await startClusterBrokers(nats, 3, { clusterId, leaseTtlMs: TTL });
}, 60_000);

afterAll(async () => {
  for (const b of brokers) {
    b.child.kill('SIGCONT');
    await b.stop('SIGKILL');
  }
  await nats?.stop();
});

const commit = (c: RawClient, group: string, offset: bigint) =>
  c.send(API_KEY.OffsetCommit, 2, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: '' }] }] });

test('issue 15: a broker paused past its lease is fenced on resume and steps down; its stream holds no interleaved owners', async () => {
  const admin = new Kafka({ clientId: 'split', brokers: brokers.map((b) => b.bootstrap), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 500 } }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const group = 'split-brain-group';
  // Every broker must know the topic (followers tail the metadata shard) before commits are valid anywhere.
  await sleep(1000);
  const before = await waitCoordinated(brokers, [group], TOPIC, [0], 30_000);
  expect(before.committed.get(group)).toBeDefined();
  const owner = (await findCoordinators(brokers[0]!.port, [group])).get(group)!;
  const paused = brokers.find((b) => b.port === owner.port)!;
  const conn = await RawClient.connect(paused.port);
  // Writes from the owner before the pause.
  for (let i = 1n; i <= 20n; i++) expect((await commit(conn, group, i)).body.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);

  paused.child.kill('SIGSTOP');
  const others = brokers.filter((b) => b !== paused);
  await sleep(TTL + 500);
  const { committed } = await waitCoordinated(others, [group], TOPIC, [0], 15_000);
  expect(committed.get(group)!.get(0)).toBe(20);
  const newOwner = (await findCoordinators(others[0]!.port, [group])).get(group)!;
  expect(newOwner.port).not.toBe(paused.port);
  const conn2 = await RawClient.connect(newOwner.port);
  expect((await commit(conn2, group, 100n)).body.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);

  // A commit waits on the paused broker's socket; then it resumes.
  const late = commit(conn, group, 999n);
  paused.child.kill('SIGCONT');
  const lateCode = (await late).body.topics[0].partitions[0].errorCode;
  expect([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]).toContain(lateCode);
  // The new owner's commit stands.
  const after = await conn2.send(API_KEY.OffsetFetch, 3, { groupId: group, topics: [{ name: TOPIC, partitionIndexes: [0] }] });
  expect(Number(after.body.topics[0].partitions[0].committedOffset)).toBe(100);
  // The resumed broker stepped down: it names the new owner (or nobody yet), never itself.
  await sleep(500);
  const seenByPaused = (await findCoordinators(paused.port, [group])).get(group)!;
  expect(seenByPaused.port).not.toBe(paused.port);
  conn.close();
  conn2.close();

  const stream = `COHORT_${clusterId.replace(/[^A-Za-z0-9_-]/g, '_')}_S${shardOf(group, SHARDS)}`;
  const messages = await readShardOwners(nats.servers, stream);
  expect(messages.length).toBeGreaterThan(20);
  expect(new Set(messages.map((m) => m.owner)).size).toBeGreaterThanOrEqual(2);
  expect(interleavedOwners(messages)).toEqual([]);
}, 120_000);
