import { API_KEY, ZERO_UUID, apiVersionRange, encodeResponse } from '../../../src/adapters/kafka/protocol';
import { AUTHORIZATION_RULES } from '../../../src/adapters/kafka/authorization/authorization-table';
import type { Authz, RuleContext } from '../../../src/adapters/kafka/authorization/authorization-rule';
import type { TopicCatalog } from '../../../src/application/topic-catalog';
import { AclOperation as Op, ResourceType as RT } from '../../../src/domain/security/acl';

/*
 * The authorization table (security.md §4) for every row, including the APIs whose handlers other
 * issues add (transactions, DeleteRecords, config changes, KIP-848 groups, admin transaction views):
 * with everything denied each row answers alone, in a response that encodes at every version, with
 * the row's error code; with everything allowed the handler sees the request unchanged.
 */

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
const catalog: TopicCatalog = {
  list: () => [{ name: 't', topicId: TOPIC_ID, partitions: 1 }],
  get: (name) => (name === 't' ? { name: 't', topicId: TOPIC_ID, partitions: 1 } : undefined),
  getById: (id) => (id === TOPIC_ID ? { name: 't', topicId: TOPIC_ID, partitions: 1 } : undefined),
  autoCreate: async () => ({ code: 3 }),
  autoCreateEnabled: () => true,
};

const authz = (allow: (type: number, name: string, op: number) => boolean): Authz => ({
  can: allow, canQuietly: allow, canByResourceType: (op, type) => allow(type, '*', op), operations: () => 0,
});
const rc = (version: number, a: Authz): RuleContext => ({
  version, authz: a, deps: { topics: catalog },
  ctx: { connectionId: 1, header: { apiKey: 0, apiVersion: version, correlationId: 1, clientId: 'c' }, clientId: 'c', clientHost: '/127.0.0.1' },
});

const tp = (extra: object = {}) => [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '', offset: 0n, ...extra }] }];
const filter = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };

/** One request per API with an item of every kind the row checks. */
const SAMPLE: Record<number, object> = {
  [API_KEY.Produce]: { transactionalId: null, acks: -1, timeoutMs: 1, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }] },
  [API_KEY.Fetch]: { replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n }, topics: [{ topic: 't', topicId: TOPIC_ID, partitions: [{ partition: 0 }] }] },
  [API_KEY.ListOffsets]: { topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] },
  [API_KEY.Metadata]: { topics: [{ name: 't', topicId: ZERO_UUID }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true },
  [API_KEY.OffsetCommit]: { groupId: 'g', topics: tp() },
  [API_KEY.OffsetFetch]: { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], groups: [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] }] },
  [API_KEY.FindCoordinator]: { key: 'g', keyType: 0, coordinatorKeys: ['g'] },
  [API_KEY.JoinGroup]: { groupId: 'g' },
  [API_KEY.Heartbeat]: { groupId: 'g' },
  [API_KEY.LeaveGroup]: { groupId: 'g' },
  [API_KEY.SyncGroup]: { groupId: 'g' },
  [API_KEY.DescribeGroups]: { groups: ['g'], includeAuthorizedOperations: true },
  [API_KEY.ListGroups]: {},
  [API_KEY.SaslHandshake]: { mechanism: 'PLAIN' },
  [API_KEY.ApiVersions]: {},
  [API_KEY.CreateTopics]: { topics: [{ name: 't2', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] },
  [API_KEY.DeleteTopics]: { topicNames: ['t'], topics: [{ name: 't', topicId: ZERO_UUID }] },
  [API_KEY.DeleteRecords]: { topics: tp() },
  [API_KEY.InitProducerId]: { transactionalId: null },
  [API_KEY.OffsetForLeaderEpoch]: { topics: [{ topic: 't', partitions: [{ partition: 0 }] }] },
  [API_KEY.AddPartitionsToTxn]: { v3AndBelowTransactionalId: 'tx', v3AndBelowTopics: [{ name: 't', partitions: [0] }], transactions: [] },
  [API_KEY.AddOffsetsToTxn]: { transactionalId: 'tx', groupId: 'g' },
  [API_KEY.EndTxn]: { transactionalId: 'tx' },
  [API_KEY.TxnOffsetCommit]: { transactionalId: 'tx', groupId: 'g', topics: tp() },
  [API_KEY.DescribeAcls]: filter,
  [API_KEY.CreateAcls]: { creations: [{ resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3 }] },
  [API_KEY.DeleteAcls]: { filters: [filter] },
  [API_KEY.DescribeConfigs]: { resources: [{ resourceType: 2, resourceName: 't' }, { resourceType: 4, resourceName: '0' }, { resourceType: 32, resourceName: 'g' }] },
  [API_KEY.AlterConfigs]: { resources: [{ resourceType: 2, resourceName: 't' }, { resourceType: 4, resourceName: '0' }, { resourceType: 32, resourceName: 'g' }] },
  [API_KEY.DescribeLogDirs]: { topics: null },
  [API_KEY.SaslAuthenticate]: { authBytes: Buffer.alloc(0) },
  [API_KEY.CreatePartitions]: { topics: [{ name: 't', count: 2, assignments: null }] },
  [API_KEY.DeleteGroups]: { groupsNames: ['g', 'g'] },
  [API_KEY.IncrementalAlterConfigs]: { resources: [{ resourceType: 2, resourceName: 't' }, { resourceType: 8, resourceName: 'root' }, { resourceType: 32, resourceName: 'g' }] },
  [API_KEY.OffsetDelete]: { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] },
  [API_KEY.DescribeUserScramCredentials]: { users: null },
  [API_KEY.AlterUserScramCredentials]: { deletions: [{ name: 'b', mechanism: 1 }], upsertions: [{ name: 'a', mechanism: 1 }] },
  [API_KEY.DescribeCluster]: { includeClusterAuthorizedOperations: true },
  [API_KEY.DescribeProducers]: { topics: [{ name: 't', partitionIndexes: [0, 1] }] },
  [API_KEY.DescribeTransactions]: { transactionalIds: ['tx'] },
  [API_KEY.ListTransactions]: {},
  [API_KEY.ConsumerGroupHeartbeat]: { groupId: 'g' },
  [API_KEY.ConsumerGroupDescribe]: { groupIds: ['g'], includeAuthorizedOperations: true },
};

/** Codes a fully denied request must carry somewhere in its response (per row of security.md §4). */
const DENIED_CODES: Record<number, number[]> = {
  [API_KEY.Produce]: [29], [API_KEY.Fetch]: [29], [API_KEY.ListOffsets]: [29], [API_KEY.Metadata]: [29], [API_KEY.OffsetCommit]: [30],
  [API_KEY.OffsetFetch]: [30], [API_KEY.FindCoordinator]: [30], [API_KEY.JoinGroup]: [30], [API_KEY.Heartbeat]: [30], [API_KEY.LeaveGroup]: [30],
  [API_KEY.SyncGroup]: [30], [API_KEY.DescribeGroups]: [30], [API_KEY.CreateTopics]: [29], [API_KEY.DeleteTopics]: [29], [API_KEY.DeleteRecords]: [29],
  [API_KEY.InitProducerId]: [31], [API_KEY.OffsetForLeaderEpoch]: [29], [API_KEY.AddPartitionsToTxn]: [53, 31], [API_KEY.AddOffsetsToTxn]: [53],
  [API_KEY.EndTxn]: [53], [API_KEY.TxnOffsetCommit]: [53], [API_KEY.DescribeAcls]: [31], [API_KEY.CreateAcls]: [31], [API_KEY.DeleteAcls]: [31],
  [API_KEY.DescribeConfigs]: [29, 31, 30], [API_KEY.AlterConfigs]: [29, 31, 30], [API_KEY.CreatePartitions]: [29], [API_KEY.DeleteGroups]: [30],
  [API_KEY.IncrementalAlterConfigs]: [29, 31, 30], [API_KEY.OffsetDelete]: [30], [API_KEY.DescribeUserScramCredentials]: [31],
  [API_KEY.AlterUserScramCredentials]: [31], [API_KEY.DescribeProducers]: [29], [API_KEY.DescribeTransactions]: [53],
  [API_KEY.ConsumerGroupHeartbeat]: [30], [API_KEY.ConsumerGroupDescribe]: [30],
};
/** Rows that never deny the call itself: they filter, or need no check. */
const PASS_THROUGH = new Set<number>([API_KEY.ListGroups, API_KEY.SaslHandshake, API_KEY.ApiVersions, API_KEY.SaslAuthenticate, API_KEY.DescribeCluster, API_KEY.ListTransactions, API_KEY.DescribeLogDirs]);

const codesIn = (v: unknown, out: number[] = []): number[] => {
  if (Array.isArray(v)) v.forEach((x) => codesIn(x, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'errorCode' || k === 'partitionErrorCode') && typeof x === 'number' && x !== 0) out.push(x);
      else codesIn(x, out);
    }
  }
  return out;
};

const EMPTY_RESPONSE: Record<number, object> = {
  [API_KEY.ListGroups]: { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty', groupType: 'classic' }] },
  [API_KEY.DescribeCluster]: { throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: 1, clusterId: 'c', controllerId: 0, brokers: [], clusterAuthorizedOperations: -2147483648 },
  [API_KEY.ListTransactions]: { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: [{ transactionalId: 'tx', producerId: 1n, transactionState: 'Ongoing' }] },
  [API_KEY.Metadata]: { throttleTimeMs: 0, brokers: [], clusterId: 'c', controllerId: 0, topics: [], clusterAuthorizedOperations: -2147483648 },
};

const rows = [...AUTHORIZATION_RULES.keys()].flatMap((key) => {
  const { min, max } = apiVersionRange(key);
  return Array.from({ length: max - min + 1 }, (_, i) => [key, min + i] as const);
});

describe('authorization table rows (security.md §4)', () => {
  it('has a row for every client API of the codec (AZ-45: broker-only WriteTxnMarkers excluded)', () => {
    const missing = Object.entries(API_KEY).filter(([name, key]) => name !== 'WriteTxnMarkers' && !AUTHORIZATION_RULES.has(key)).map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it.each(rows)('api %i v%i: everything denied → answered without the handler, in an encodable response carrying the row\'s codes', async (key, version) => {
    const request = SAMPLE[key];
    expect(request).toBeDefined();
    const calls: unknown[] = [];
    const next = async (req: unknown) => {
      calls.push(req);
      return EMPTY_RESPONSE[key] ?? { throttleTimeMs: 0, errorCode: 0 };
    };
    const response = await AUTHORIZATION_RULES.get(key)!(request, rc(version, authz(() => false)), next);
    // Metadata always asks the handler for the brokers, but for no topic (AZ-4a).
    if (key === API_KEY.Metadata) expect(calls).toEqual([{ ...request, topics: [] }]);
    else if (!PASS_THROUGH.has(key)) expect(calls).toEqual([]);
    if (response === null) return;
    expect(() => encodeResponse(key, version, 1, response)).not.toThrow();
    const codes = codesIn(response);
    for (const c of DENIED_CODES[key] ?? []) {
      // AddPartitionsToTxn: 53 for v0–3 (transactional id), 31 from v4 (broker-to-broker).
      if (key === API_KEY.AddPartitionsToTxn && (c === 53) !== (version <= 3)) continue;
      // DeleteTopics v6 by id names a topic the handler would answer: a denied name is 29 too.
      expect(codes).toContain(c);
    }
  });

  it.each(rows)('api %i v%i: everything allowed → the handler sees the request unchanged', async (key, version) => {
    let seen: unknown = null;
    // Only the request matters here: the fake handler's answer need not fit what the row merges into it.
    await AUTHORIZATION_RULES.get(key)!(SAMPLE[key], rc(version, authz(() => true)), async (req) => {
      seen = req;
      return EMPTY_RESPONSE[key] ?? { throttleTimeMs: 0, errorCode: 0, groups: [], topics: [], responses: [], results: [], coordinators: [], transactionStates: [] };
    }).catch(() => undefined);
    if (key === API_KEY.DeleteGroups) expect(seen).toEqual({ groupsNames: ['g'] }); // deduplicated (AZ-33)
    else expect(seen).toEqual(SAMPLE[key]);
  });

  it('AZ-21a AddPartitionsToTxn v0–3: a denied or internal topic fails, the others are OPERATION_NOT_ATTEMPTED, nothing is added', async () => {
    const request = { v3AndBelowTransactionalId: 'tx', v3AndBelowTopics: [{ name: 't', partitions: [0] }, { name: '__consumer_offsets', partitions: [1] }, { name: 'missing', partitions: [2] }] };
    let called = false;
    const res: any = await AUTHORIZATION_RULES.get(API_KEY.AddPartitionsToTxn)!(request, rc(3, authz(() => true)), async () => { called = true; return {}; });
    expect(called).toBe(false);
    expect(res.resultsByTopicV3AndBelow.map((t: any) => [t.name, t.resultsByPartition[0].partitionErrorCode])).toEqual([['t', 55], ['__consumer_offsets', 29], ['missing', 3]]);
  });

  it('AZ-22/AZ-24 AddOffsetsToTxn and TxnOffsetCommit check the transactional id before the group', async () => {
    const onlyTxn = authz((type) => type === RT.TRANSACTIONAL_ID);
    expect(await AUTHORIZATION_RULES.get(API_KEY.AddOffsetsToTxn)!({ transactionalId: 'tx', groupId: 'g' }, rc(0, onlyTxn), async () => ({}))).toEqual({ throttleTimeMs: 0, errorCode: 30 });
    const txnCommit: any = await AUTHORIZATION_RULES.get(API_KEY.TxnOffsetCommit)!({ transactionalId: 'tx', groupId: 'g', topics: tp() }, rc(0, onlyTxn), async () => ({}));
    expect(txnCommit.topics[0].partitions[0].errorCode).toBe(30);
    const topicDenied: any = await AUTHORIZATION_RULES.get(API_KEY.TxnOffsetCommit)!({ transactionalId: 'tx', groupId: 'g', topics: tp() }, rc(0, authz((type) => type !== RT.TOPIC)), async () => ({}));
    expect(topicDenied.topics[0].partitions[0].errorCode).toBe(29);
  });

  it('AZ-19 InitProducerId: a transactional id needs TRANSACTIONAL_ID:WRITE; idempotence CLUSTER:IDEMPOTENT_WRITE or any topic WRITE', async () => {
    const rule = AUTHORIZATION_RULES.get(API_KEY.InitProducerId)!;
    const ok = async () => ({ errorCode: 0 });
    expect(await rule({ transactionalId: 'tx' }, rc(4, authz(() => false)), ok)).toMatchObject({ errorCode: 53, producerId: -1n });
    expect(await rule({ transactionalId: null }, rc(4, authz((type, _n, op) => type === RT.TOPIC && op === Op.WRITE)), ok)).toEqual({ errorCode: 0 });
    expect(await rule({ transactionalId: null }, rc(4, authz((type, _n, op) => type === RT.CLUSTER && op === Op.IDEMPOTENT_WRITE)), ok)).toEqual({ errorCode: 0 });
  });
});
