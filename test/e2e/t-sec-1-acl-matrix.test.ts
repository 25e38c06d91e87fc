import { API_KEY, ZERO_UUID } from '../../src/adapters/kafka/protocol';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { AclOperation as Op, PatternType, PermissionType, ResourceType as RT } from '../../src/domain/security/acl';
import { startSecureBroker, type SecureBroker } from './support/secure-broker';
import { RawClient } from './support/raw-client';
import { saslLogin } from './support/sasl-client';
import { acl, createAcls, deleteAllAcls, listAcls, type WireAcl } from './support/acl-admin';

/*
 * T-SEC-1 (reliability.md C4, security.md §4): every protected API against every ACL setup — none,
 * ALLOW literal / prefixed / wildcard, ALLOW plus DENY, an implying operation, DENY READ with ALLOW
 * DESCRIBE, another principal only, and a super user — each with the exact error code, and for the
 * APIs that change state, the state checked unchanged after a denial. Raw clients, PLAIN over
 * SASL_PLAINTEXT: `alice` is the subject, `admin` the super user that sets up ACLs and reads state.
 */

const TOPIC = 'm-topic';
const GROUP = 'm-group';
const CLUSTER = 'kafka-cluster';
const BATCH = () => buildRecordBatch({ records: [{ value: Buffer.from('v') }] });

interface Primary { type: number; name: string; op: number }
interface ApiCase {
  readonly api: string;
  readonly spec: string;
  /** The resource whose ACLs each setup varies; `others` are granted in every setup. */
  primary(i: number): Primary;
  others?(i: number): WireAcl[];
  prepare?(admin: RawClient, i: number): Promise<void>;
  /** The error code the checked item of the response carries. */
  call(c: RawClient, i: number): Promise<number>;
  readonly denied: number;
  readonly ok: number;
  /** After a denial, what the API would have changed is checked unchanged. */
  unchanged?(admin: RawClient, i: number): Promise<void>;
}

interface Setup { readonly name: string; acls(p: Primary): WireAcl[] | null; allowed(p: Primary): boolean; readonly asAdmin?: boolean }

const SETUPS: Setup[] = [
  { name: 'no ACL', acls: () => [], allowed: () => false },
  { name: 'ALLOW literal', acls: (p) => [acl(p.type, p.name, p.op)], allowed: () => true },
  { name: 'ALLOW prefixed', acls: (p) => (p.type === RT.CLUSTER ? null : [acl(p.type, p.name.slice(0, 2), p.op, PermissionType.ALLOW, PatternType.PREFIXED)]), allowed: () => true },
  { name: 'ALLOW wildcard', acls: (p) => (p.type === RT.CLUSTER ? null : [acl(p.type, '*', p.op)]), allowed: () => true },
  { name: 'ALLOW plus DENY', acls: (p) => [acl(p.type, p.name, p.op), acl(p.type, p.name, p.op, PermissionType.DENY)], allowed: () => false },
  {
    name: 'ALLOW an implying operation',
    acls: (p) => [acl(p.type, p.name, p.op === Op.DESCRIBE ? Op.READ : p.op === Op.DESCRIBE_CONFIGS ? Op.ALTER_CONFIGS : Op.ALL)],
    allowed: () => true,
  },
  { name: 'DENY READ, ALLOW DESCRIBE', acls: (p) => [acl(p.type, p.name, Op.READ, PermissionType.DENY), acl(p.type, p.name, Op.DESCRIBE)], allowed: (p) => p.op === Op.DESCRIBE },
  { name: 'ALLOW for another principal', acls: (p) => [acl(p.type, p.name, p.op, PermissionType.ALLOW, PatternType.LITERAL, 'User:bob')], allowed: () => false },
  { name: 'super user', acls: () => [], allowed: () => true, asAdmin: true },
];

const produce = (c: RawClient, topic: string) =>
  c.send(API_KEY.Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: BATCH() }] }] });
const endOffset = async (c: RawClient, topic: string): Promise<bigint> =>
  (await c.send(API_KEY.ListOffsets, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })).body.topics[0].partitions[0].offset;
const commit = (c: RawClient, group: string, topic: string, offset: bigint) =>
  c.send(API_KEY.OffsetCommit, 2, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: '' }] }] });
const committed = async (c: RawClient, group: string, topic: string): Promise<bigint> =>
  (await c.send(API_KEY.OffsetFetch, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [0] }] })).body.topics[0].partitions[0].committedOffset;
const createTopic = (c: RawClient, name: string, partitions = 1) =>
  c.send(API_KEY.CreateTopics, 4, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
const topicMeta = async (c: RawClient, name: string) => (await c.send(API_KEY.Metadata, 4, { topics: [{ name }], allowAutoTopicCreation: false })).body.topics[0];
const groupIds = async (c: RawClient): Promise<string[]> => (await c.send(API_KEY.ListGroups, 2, {})).body.groups.map((g: { groupId: string }) => g.groupId);

const CASES: ApiCase[] = [
  {
    api: 'Produce', spec: 'AZ-1', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.WRITE }), denied: 29, ok: 0,
    call: async (c) => (await produce(c, TOPIC)).body.responses[0].partitionResponses[0].errorCode,
  },
  {
    api: 'Fetch', spec: 'AZ-2', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.READ }), denied: 29, ok: 0,
    call: async (c) => (await c.send(API_KEY.Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '',
    })).body.responses[0].partitions[0].errorCode,
  },
  {
    api: 'ListOffsets', spec: 'AZ-3', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.DESCRIBE }), denied: 29, ok: 0,
    call: async (c) => (await c.send(API_KEY.ListOffsets, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })).body.topics[0].partitions[0].errorCode,
  },
  {
    api: 'Metadata', spec: 'AZ-4a', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.DESCRIBE }), denied: 29, ok: 0,
    call: async (c) => (await topicMeta(c, TOPIC)).errorCode,
  },
  {
    api: 'OffsetForLeaderEpoch', spec: 'AZ-20', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.DESCRIBE }), denied: 29, ok: 0,
    call: async (c) => (await c.send(API_KEY.OffsetForLeaderEpoch, 3, { replicaId: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] })).body.topics[0].partitions[0].errorCode,
  },
  {
    api: 'CreateTopics', spec: 'AZ-16', primary: (i) => ({ type: RT.TOPIC, name: `ct-${i}`, op: Op.CREATE }), denied: 29, ok: 0,
    call: async (c, i) => (await createTopic(c, `ct-${i}`)).body.topics[0].errorCode,
    unchanged: async (admin, i) => expect((await topicMeta(admin, `ct-${i}`)).errorCode).toBe(3),
  },
  {
    api: 'DeleteTopics', spec: 'AZ-17', primary: (i) => ({ type: RT.TOPIC, name: `dt-${i}`, op: Op.DELETE }), denied: 29, ok: 0,
    prepare: async (admin, i) => expect((await createTopic(admin, `dt-${i}`)).body.topics[0].errorCode).toBe(0),
    call: async (c, i) => (await c.send(API_KEY.DeleteTopics, 4, { topicNames: [`dt-${i}`], timeoutMs: 5000 })).body.responses[0].errorCode,
    unchanged: async (admin, i) => expect((await topicMeta(admin, `dt-${i}`)).errorCode).toBe(0),
  },
  {
    api: 'CreatePartitions', spec: 'AZ-32', primary: (i) => ({ type: RT.TOPIC, name: `cp-${i}`, op: Op.ALTER }), denied: 29, ok: 0,
    prepare: async (admin, i) => expect((await createTopic(admin, `cp-${i}`)).body.topics[0].errorCode).toBe(0),
    call: async (c, i) => (await c.send(API_KEY.CreatePartitions, 2, { topics: [{ name: `cp-${i}`, count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false })).body.results[0].errorCode,
    unchanged: async (admin, i) => expect((await topicMeta(admin, `cp-${i}`)).partitions).toHaveLength(1),
  },
  {
    api: 'DescribeConfigs (topic)', spec: 'AZ-28', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.DESCRIBE_CONFIGS }), denied: 29, ok: 0,
    call: async (c) => (await c.send(API_KEY.DescribeConfigs, 2, { resources: [{ resourceType: 2, resourceName: TOPIC, configurationKeys: null }], includeSynonyms: false })).body.results[0].errorCode,
  },
  {
    api: 'DescribeConfigs (broker)', spec: 'AZ-28', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.DESCRIBE_CONFIGS }), denied: 31, ok: 0,
    call: async (c) => (await c.send(API_KEY.DescribeConfigs, 2, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: ['message.max.bytes'] }], includeSynonyms: false })).body.results[0].errorCode,
  },
  {
    api: 'OffsetCommit (group)', spec: 'AZ-5', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.READ }), others: () => [acl(RT.TOPIC, TOPIC, Op.READ)], denied: 30, ok: 0,
    prepare: async (admin) => expect((await commit(admin, GROUP, TOPIC, 1n)).body.topics[0].partitions[0].errorCode).toBe(0),
    call: async (c, i) => (await commit(c, GROUP, TOPIC, BigInt(100 + i))).body.topics[0].partitions[0].errorCode,
    unchanged: async (admin) => expect(await committed(admin, GROUP, TOPIC)).toBe(1n),
  },
  {
    api: 'OffsetCommit (topic)', spec: 'AZ-5', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.READ }), others: () => [acl(RT.GROUP, GROUP, Op.READ)], denied: 29, ok: 0,
    prepare: async (admin) => expect((await commit(admin, GROUP, TOPIC, 1n)).body.topics[0].partitions[0].errorCode).toBe(0),
    call: async (c, i) => (await commit(c, GROUP, TOPIC, BigInt(100 + i))).body.topics[0].partitions[0].errorCode,
    unchanged: async (admin) => expect(await committed(admin, GROUP, TOPIC)).toBe(1n),
  },
  {
    api: 'OffsetFetch (group)', spec: 'AZ-6a', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.DESCRIBE }), others: () => [acl(RT.TOPIC, TOPIC, Op.DESCRIBE)], denied: 30, ok: 0,
    call: async (c) => (await c.send(API_KEY.OffsetFetch, 5, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }] })).body.errorCode,
  },
  {
    api: 'OffsetFetch (topic)', spec: 'AZ-6b', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.DESCRIBE }), others: () => [acl(RT.GROUP, GROUP, Op.DESCRIBE)], denied: 29, ok: 0,
    call: async (c) => (await c.send(API_KEY.OffsetFetch, 5, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }] })).body.topics[0].partitions[0].errorCode,
  },
  {
    api: 'FindCoordinator (group)', spec: 'AZ-7', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.DESCRIBE }), denied: 30, ok: 0,
    call: async (c) => (await c.send(API_KEY.FindCoordinator, 3, { key: GROUP, keyType: 0 })).body.errorCode,
  },
  {
    api: 'FindCoordinator (transactional id)', spec: 'AZ-7', primary: () => ({ type: RT.TRANSACTIONAL_ID, name: 'tx-1', op: Op.DESCRIBE }), denied: 53, ok: 0,
    call: async (c) => (await c.send(API_KEY.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx-1'] })).body.coordinators[0].errorCode,
  },
  {
    api: 'JoinGroup', spec: 'AZ-8', primary: (i) => ({ type: RT.GROUP, name: `jg-${i}`, op: Op.READ }), denied: 30, ok: 79,
    call: async (c, i) => (await c.send(API_KEY.JoinGroup, 5, {
      groupId: `jg-${i}`, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    })).body.errorCode,
    unchanged: async (admin, i) => expect(await groupIds(admin)).not.toContain(`jg-${i}`),
  },
  {
    api: 'Heartbeat', spec: 'AZ-9', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.READ }), denied: 30, ok: 25,
    call: async (c) => (await c.send(API_KEY.Heartbeat, 3, { groupId: GROUP, generationId: 1, memberId: 'nobody', groupInstanceId: null })).body.errorCode,
  },
  {
    api: 'LeaveGroup', spec: 'AZ-10', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.READ }), denied: 30, ok: 25,
    call: async (c) => (await c.send(API_KEY.LeaveGroup, 1, { groupId: GROUP, memberId: 'nobody' })).body.errorCode,
  },
  {
    api: 'SyncGroup', spec: 'AZ-11', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.READ }), denied: 30, ok: 25,
    call: async (c) => (await c.send(API_KEY.SyncGroup, 3, { groupId: GROUP, generationId: 1, memberId: 'nobody', groupInstanceId: null, assignments: [] })).body.errorCode,
  },
  {
    api: 'DescribeGroups', spec: 'AZ-12', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.DESCRIBE }), denied: 30, ok: 0,
    call: async (c) => (await c.send(API_KEY.DescribeGroups, 3, { groups: [GROUP], includeAuthorizedOperations: true })).body.groups[0].errorCode,
  },
  {
    // AZ-13 never errors: the code here is 0 when the group is listed, 30 when it is filtered out.
    api: 'ListGroups', spec: 'AZ-13', primary: () => ({ type: RT.GROUP, name: GROUP, op: Op.DESCRIBE }), denied: 30, ok: 0,
    call: async (c) => {
      const res = await c.send(API_KEY.ListGroups, 2, {});
      expect(res.body.errorCode).toBe(0);
      return res.body.groups.some((g: { groupId: string }) => g.groupId === GROUP) ? 0 : 30;
    },
  },
  {
    api: 'DeleteGroups', spec: 'AZ-33', primary: (i) => ({ type: RT.GROUP, name: `dg-${i}`, op: Op.DELETE }), denied: 30, ok: 0,
    prepare: async (admin, i) => expect((await commit(admin, `dg-${i}`, TOPIC, 0n)).body.topics[0].partitions[0].errorCode).toBe(0),
    call: async (c, i) => (await c.send(API_KEY.DeleteGroups, 1, { groupsNames: [`dg-${i}`] })).body.results[0].errorCode,
    unchanged: async (admin, i) => expect(await groupIds(admin)).toContain(`dg-${i}`),
  },
  {
    api: 'OffsetDelete (group)', spec: 'AZ-35', primary: (i) => ({ type: RT.GROUP, name: `od-${i}`, op: Op.DELETE }), others: () => [acl(RT.TOPIC, TOPIC, Op.READ)], denied: 30, ok: 0,
    prepare: async (admin, i) => expect((await commit(admin, `od-${i}`, TOPIC, 1n)).body.topics[0].partitions[0].errorCode).toBe(0),
    call: async (c, i) => (await c.send(API_KEY.OffsetDelete, 0, { groupId: `od-${i}`, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] })).body.errorCode,
    unchanged: async (admin, i) => expect(await committed(admin, `od-${i}`, TOPIC)).toBe(1n),
  },
  {
    api: 'OffsetDelete (topic)', spec: 'AZ-35', primary: () => ({ type: RT.TOPIC, name: TOPIC, op: Op.READ }), others: (i) => [acl(RT.GROUP, `odt-${i}`, Op.DELETE)], denied: 29, ok: 0,
    prepare: async (admin, i) => expect((await commit(admin, `odt-${i}`, TOPIC, 1n)).body.topics[0].partitions[0].errorCode).toBe(0),
    call: async (c, i) => (await c.send(API_KEY.OffsetDelete, 0, { groupId: `odt-${i}`, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] })).body.topics[0].partitions[0].errorCode,
    unchanged: async (admin, i) => expect(await committed(admin, `odt-${i}`, TOPIC)).toBe(1n),
  },
  {
    api: 'InitProducerId (idempotent)', spec: 'AZ-19', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.IDEMPOTENT_WRITE }), denied: 31, ok: 0,
    call: async (c) => (await c.send(API_KEY.InitProducerId, 2, { transactionalId: null, transactionTimeoutMs: 60000 })).body.errorCode,
  },
  {
    api: 'DescribeAcls', spec: 'AZ-25', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.DESCRIBE }), denied: 31, ok: 0,
    call: async (c) => (await c.send(API_KEY.DescribeAcls, 2, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })).body.errorCode,
  },
  {
    api: 'CreateAcls', spec: 'AZ-26', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.ALTER }), denied: 31, ok: 0,
    call: async (c, i) => (await c.send(API_KEY.CreateAcls, 2, { creations: [acl(RT.TOPIC, `made-${i}`, Op.READ)] })).body.results[0].errorCode,
    unchanged: async (admin, i) => expect((await listAcls(admin)).some((a) => a.resourceName === `made-${i}`)).toBe(false),
  },
  {
    api: 'DeleteAcls', spec: 'AZ-27', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.ALTER }), others: (i) => [acl(RT.TOPIC, `marker-${i}`, Op.READ, 3, 3, 'User:nobody')], denied: 31, ok: 0,
    call: async (c, i) => (await c.send(API_KEY.DeleteAcls, 2, { filters: [{ resourceTypeFilter: 2, resourceNameFilter: `marker-${i}`, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] })).body.filterResults[0].errorCode,
    unchanged: async (admin, i) => expect((await listAcls(admin)).some((a) => a.resourceName === `marker-${i}`)).toBe(true),
  },
  {
    api: 'DescribeUserScramCredentials', spec: 'AZ-36', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.DESCRIBE }), denied: 31, ok: 0,
    call: async (c) => (await c.send(API_KEY.DescribeUserScramCredentials, 0, { users: null })).body.errorCode,
  },
  {
    api: 'AlterUserScramCredentials', spec: 'AZ-37', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.ALTER }), denied: 31, ok: 0,
    call: async (c, i) => (await c.send(API_KEY.AlterUserScramCredentials, 0, {
      deletions: [], upsertions: [{ name: `u-${i}`, mechanism: 1, iterations: 4096, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(32, 2) }],
    })).body.results[0].errorCode,
    unchanged: async (admin, i) => expect((await admin.send(API_KEY.DescribeUserScramCredentials, 0, { users: [{ name: `u-${i}` }] })).body.results[0].errorCode).toBe(91),
  },
  {
    // AZ-38 never denies the call: the code here is 0 when cluster operations are reported, 31 when they are 0.
    api: 'DescribeCluster', spec: 'AZ-38', primary: () => ({ type: RT.CLUSTER, name: CLUSTER, op: Op.DESCRIBE }), denied: 31, ok: 0,
    call: async (c) => {
      const res = await c.send(API_KEY.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
      expect(res.body.errorCode).toBe(0);
      return res.body.clusterAuthorizedOperations === 0 ? 31 : 0;
    },
  },
];

describe('T-SEC-1 ACL matrix: every protected API × every ACL setup gives Kafka\'s exact code (security.md AZ-1..AZ-38, AC-3..AC-9)', () => {
  let sb: SecureBroker;
  let admin: RawClient;
  let alice: RawClient;

  const login = async (user: string): Promise<RawClient> => {
    const c = await RawClient.connect(sb.sasl);
    expect((await saslLogin(c, 'PLAIN', user, `${user}-pw`)).errorCode).toBe(0);
    return c;
  };

  beforeAll(async () => {
    sb = await startSecureBroker({ config: { authorizerEnabled: true, superUsers: 'User:admin' } });
    await sb.addUser('alice', 'alice-pw', ['PLAIN']);
    await sb.addUser('admin', 'admin-pw', ['PLAIN']);
    admin = await login('admin');
    alice = await login('alice');
    expect((await createTopic(admin, TOPIC)).body.topics[0].errorCode).toBe(0);
    expect((await produce(admin, TOPIC)).body.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect((await commit(admin, GROUP, TOPIC, 1n)).body.topics[0].partitions[0].errorCode).toBe(0);
  });

  afterAll(async () => {
    admin.close();
    alice.close();
    await sb.close();
  });

  // CR-11: CLUSTER ACLs are literal `kafka-cluster` only, so the prefixed and wildcard setups have no cluster rows.
  const rows = CASES.flatMap((c) => SETUPS.filter((s) => s.acls(c.primary(0)) !== null).map((s) => [c, s] as const))
    .map(([c, s], i) => [`${c.spec} ${c.api} / ${s.name}`, c, s, i] as const);

  it.each(rows)('%s', async (_label, apiCase, setup, i) => {
    const primary = apiCase.primary(i);
    const acls = setup.acls(primary)!;
    await deleteAllAcls(admin);
    await apiCase.prepare?.(admin, i);
    const before = apiCase.api === 'Produce' ? await endOffset(admin, TOPIC) : null;
    await createAcls(admin, [...acls, ...(setup.asAdmin ? [] : apiCase.others?.(i) ?? [])]);
    const code = await apiCase.call(setup.asAdmin ? admin : alice, i);
    const allowed = setup.allowed(primary);
    expect({ code }).toEqual({ code: allowed ? apiCase.ok : apiCase.denied });
    if (!allowed) {
      await apiCase.unchanged?.(admin, i);
      if (before !== null) expect(await endOffset(admin, TOPIC)).toBe(before);
    }
  });

  describe('details', () => {
    beforeEach(() => deleteAllAcls(admin));

    it('AZ-0d/AZ-4a an unknown and unauthorized topic is 29, not 3, in Metadata, Produce and OffsetCommit', async () => {
      await createAcls(admin, [acl(RT.GROUP, GROUP, Op.READ)]);
      expect((await topicMeta(alice, 'no-such-topic')).errorCode).toBe(29);
      expect((await produce(alice, 'no-such-topic')).body.responses[0].partitionResponses[0].errorCode).toBe(29);
      expect((await commit(alice, GROUP, 'no-such-topic', 1n)).body.topics[0].partitions[0].errorCode).toBe(29);
      await createAcls(admin, [acl(RT.TOPIC, 'no-such-topic', Op.ALL)]);
      expect((await commit(alice, GROUP, 'no-such-topic', 1n)).body.topics[0].partitions[0].errorCode).toBe(3);
    });

    it('AZ-4b/AZ-4c/AZ-4e Metadata for all topics omits undescribable ones; by id a denied topic has a null name; authorized operations follow the ACLs', async () => {
      await createTopic(admin, 'visible-1');
      await createAcls(admin, [acl(RT.TOPIC, 'visible-', Op.READ, 3, PatternType.PREFIXED)]);
      const all = await alice.send(API_KEY.Metadata, 8, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true });
      expect(all.body.topics.map((t: { name: string }) => t.name)).toEqual(['visible-1']);
      expect(all.body.topics[0].topicAuthorizedOperations).toBe((1 << Op.READ) | (1 << Op.DESCRIBE));
      expect(all.body.clusterAuthorizedOperations).toBe(0);
      const id = (await admin.send(API_KEY.Metadata, 10, { topics: [{ name: TOPIC, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).body.topics[0].topicId;
      expect(id).not.toBe(ZERO_UUID);
      const byId = await alice.send(API_KEY.Metadata, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(byId.body.topics[0]).toMatchObject({ errorCode: 29, name: null, topicId: id });
      const unknownId = await alice.send(API_KEY.Metadata, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(unknownId.body.topics[0].errorCode).toBe(100);
    });

    it('AZ-4d auto-creation needs DESCRIBE and CREATE (TOPIC or CLUSTER)', async () => {
      const auto = (name: string) => alice.send(API_KEY.Metadata, 4, { topics: [{ name }], allowAutoTopicCreation: true });
      await createAcls(admin, [acl(RT.TOPIC, 'auto-', Op.DESCRIBE, 3, PatternType.PREFIXED)]);
      expect((await auto('auto-a')).body.topics[0].errorCode).toBe(29);
      expect((await topicMeta(admin, 'auto-a')).errorCode).toBe(3);
      await createAcls(admin, [acl(RT.TOPIC, 'auto-b', Op.CREATE)]);
      expect((await auto('auto-b')).body.topics[0].errorCode).toBe(0);
      await createAcls(admin, [acl(RT.CLUSTER, CLUSTER, Op.CREATE)]);
      expect((await auto('auto-c')).body.topics[0].errorCode).toBe(0);
      await deleteAllAcls(admin);
      await createAcls(admin, [acl(RT.TOPIC, 'auto-d', Op.CREATE)]);
      expect((await auto('auto-d')).body.topics[0].errorCode).toBe(29);
    });

    it('AZ-6c OffsetFetch of all partitions silently drops undescribable topics; AZ-6a v8 per group', async () => {
      await commit(admin, GROUP, 'm-other', 0n);
      await createTopic(admin, 'm-other');
      await commit(admin, GROUP, 'm-other', 0n);
      await createAcls(admin, [acl(RT.GROUP, GROUP, Op.DESCRIBE), acl(RT.TOPIC, TOPIC, Op.DESCRIBE)]);
      const all = await alice.send(API_KEY.OffsetFetch, 5, { groupId: GROUP, topics: null });
      expect(all.body.errorCode).toBe(0);
      expect(all.body.topics.map((t: { name: string }) => t.name)).toEqual([TOPIC]);
      const v8 = await alice.send(API_KEY.OffsetFetch, 8, { groups: [{ groupId: GROUP, topics: null }, { groupId: 'not-mine', topics: null }], requireStable: false });
      expect(v8.body.groups.map((g: { groupId: string; errorCode: number }) => [g.groupId, g.errorCode])).toEqual([[GROUP, 0], ['not-mine', 30]]);
      expect(v8.body.groups[0].topics.map((t: { name: string }) => t.name)).toEqual([TOPIC]);
    });

    it('AZ-7 a denied FindCoordinator names node -1, host "" and port -1', async () => {
      const res = await alice.send(API_KEY.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [GROUP] });
      expect(res.body.coordinators[0]).toMatchObject({ key: GROUP, nodeId: -1, host: '', port: -1, errorCode: 30 });
    });

    it('AZ-12/AZ-13 DescribeGroups lists denied groups first; ListGroups with CLUSTER:DESCRIBE lists every group', async () => {
      await createAcls(admin, [acl(RT.GROUP, GROUP, Op.DESCRIBE)]);
      const res = await alice.send(API_KEY.DescribeGroups, 3, { groups: [GROUP, 'other-group'], includeAuthorizedOperations: true });
      expect(res.body.groups.map((g: { groupId: string; errorCode: number }) => [g.groupId, g.errorCode])).toEqual([['other-group', 30], [GROUP, 0]]);
      expect(res.body.groups[1].authorizedOperations).toBe(1 << Op.DESCRIBE);
      await createAcls(admin, [acl(RT.CLUSTER, CLUSTER, Op.DESCRIBE)]);
      expect((await groupIds(alice)).length).toBe((await groupIds(admin)).length);
    });

    it('AC-5 a host ACL applies only to that client address', async () => {
      await createAcls(admin, [acl(RT.TOPIC, TOPIC, Op.DESCRIBE, 3, 3, 'User:alice', '10.1.2.3')]);
      expect((await topicMeta(alice, TOPIC)).errorCode).toBe(29);
      await createAcls(admin, [acl(RT.TOPIC, TOPIC, Op.DESCRIBE, 3, 3, 'User:alice', '127.0.0.1')]);
      expect((await topicMeta(alice, TOPIC)).errorCode).toBe(0);
    });

    it('AC-10/CR-10: the ACL answers without an authorizer are SECURITY_DISABLED', async () => {
      const open = await startSecureBroker();
      const c = await RawClient.connect(open.plaintext);
      expect((await c.send(API_KEY.DescribeAcls, 1, { resourceTypeFilter: 1, patternTypeFilter: 1, operation: 1, permissionType: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null })).body.errorCode).toBe(54);
      expect((await c.send(API_KEY.CreateAcls, 1, { creations: [acl(RT.TOPIC, 't', Op.READ)] })).body.results[0].errorCode).toBe(54);
      expect((await c.send(API_KEY.Metadata, 1, { topics: [{ name: ZERO_UUID }] })).body.topics[0].errorCode).not.toBe(29);
      c.close();
      await open.close();
    });
  });
});
