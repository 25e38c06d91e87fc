import { API_KEY, encodeConsumerSubscription, encodeConsumerAssignment } from '../../src/adapters/kafka/protocol';
import { ErrorCode } from '../../src/domain/error-code';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/*
 * Issue 13 item 5: a member that joins with a rebalance timeout of 0 and sends SyncGroup and Heartbeat
 * right away. Raw protocol against a started broker process (initial rebalance delay 0).
 *
 * What Apache Kafka does (GroupMetadataManager.completeClassicGroupJoin → schedulePendingSync, and
 * GroupCoordinator.scala's DelayedSync before it): when the join phase completes, every member is put
 * on a pending-sync list and a timer of the *group* rebalance timeout (the largest of its members')
 * is armed; at expiry the members that have not sent SyncGroup are removed and the group rebalances.
 * A timer of 0 ms fires at once, before the JoinGroup response can even reach the client, so in Kafka
 * the member is gone when its SyncGroup arrives. Kafka's leniency is JoinGroup v0 only: v0 has no
 * rebalance timeout field and the session timeout stands in for it (CG-3). Cohort extends that to
 * a rebalance timeout ≤ 0 (clients' low-level APIs send 0 when the caller gives none): the member
 * must not be removed before its SyncGroup is handled (docs/protocol-notes.md).
 */

const subscription = encodeConsumerSubscription(0, { topics: ['rt0'] });
const assignment = encodeConsumerAssignment(0, { assignedPartitions: [{ topic: 'rt0', partitions: [0] }], userData: null });

describe('rebalance timeout 0 (issue 13 item 5) over the raw protocol', () => {
  let broker: BrokerProcess;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBrokerProcess();
    client = await RawClient.connect(broker.port);
  }, 30_000);

  afterAll(async () => {
    client?.close();
    await broker?.stop();
  });

  const join = (version: number, groupId: string, memberId: string, rebalanceTimeoutMs: number) =>
    client.send(API_KEY.JoinGroup, version, {
      groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs, memberId, groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription }], reason: null,
    });
  const sync = (version: number, groupId: string, memberId: string, generationId: number) =>
    client.send(API_KEY.SyncGroup, version, {
      groupId, generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
      assignments: [{ memberId, assignment }],
    });
  const heartbeat = (version: number, groupId: string, memberId: string, generationId: number) =>
    client.send(API_KEY.Heartbeat, version, { groupId, generationId, memberId, groupInstanceId: null });
  const describe = async (groupId: string) => (await client.send(API_KEY.DescribeGroups, 0, { groups: [groupId] })).body.groups[0];

  it('JoinGroup v0 (no rebalance timeout field): the session timeout stands in, SyncGroup and Heartbeat sent at once succeed', async () => {
    const joined = await join(0, 'rt0-v0', '', 0);
    expect(joined.body.errorCode).toBe(ErrorCode.NONE);
    const { memberId, generationId } = joined.body;
    const [s, h] = await Promise.all([sync(0, 'rt0-v0', memberId, generationId), heartbeat(0, 'rt0-v0', memberId, generationId)]);
    expect(s.body.errorCode).toBe(ErrorCode.NONE);
    expect(s.body.assignment).toEqual(assignment);
    expect([ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS]).toContain(h.body.errorCode);
    await sleep(100);
    expect((await heartbeat(0, 'rt0-v0', memberId, generationId)).body.errorCode).toBe(ErrorCode.NONE);
    expect((await describe('rt0-v0')).groupState).toBe('Stable');
  });

  it('JoinGroup v5 with rebalance timeout 0: SyncGroup and Heartbeat sent at once succeed; the session timeout stands in (Cohort is lenient where Kafka drops the member)', async () => {
    const first = await join(5, 'rt0-v5', '', 0);
    expect(first.body.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await join(5, 'rt0-v5', first.body.memberId, 0);
    expect(joined.body.errorCode).toBe(ErrorCode.NONE);
    const { memberId, generationId } = joined.body;
    // SyncGroup and Heartbeat sent right away, pipelined on the connection that got the JoinGroup answer.
    const [s, h] = await Promise.all([sync(5, 'rt0-v5', memberId, generationId), heartbeat(4, 'rt0-v5', memberId, generationId)]);
    expect(s.body.errorCode).toBe(ErrorCode.NONE);
    expect(s.body.assignment).toEqual(assignment);
    expect([ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS]).toContain(h.body.errorCode);
    await sleep(100);
    expect((await heartbeat(4, 'rt0-v5', memberId, generationId)).body.errorCode).toBe(ErrorCode.NONE);
    const described = await describe('rt0-v5');
    expect(described.groupState).toBe('Stable');
    expect(described.members.map((m: { memberId: string }) => m.memberId)).toEqual([memberId]);
  });

  it('a member that rejoins with a positive rebalance timeout is kept: the timeout, not the client, decides', async () => {
    const first = await join(5, 'rt0-positive', '', 5000);
    const joined = await join(5, 'rt0-positive', first.body.memberId, 5000);
    const { memberId, generationId } = joined.body;
    const [s, h] = await Promise.all([sync(5, 'rt0-positive', memberId, generationId), heartbeat(4, 'rt0-positive', memberId, generationId)]);
    expect(s.body.errorCode).toBe(ErrorCode.NONE);
    expect([ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS]).toContain(h.body.errorCode);
    expect((await describe('rt0-positive')).groupState).toBe('Stable');
  });
});
