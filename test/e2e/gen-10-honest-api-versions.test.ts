import 'reflect-metadata';
import { startBroker, type RunningBroker } from '../../src/main';
import { resolveConfig } from '../../src/adapters/config/broker-config';
import { API_KEY, MESSAGE_SCHEMAS, defaultMessage } from '../../src/adapters/kafka/protocol';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { RawClient } from './support/raw-client';
import { tempDir } from './support/broker-process';
import { shapeForVersion } from './support/shape-for-version';

const apiName = (key: number): string => Object.entries(API_KEY).find(([, v]) => v === key)![0];

/** A small valid request body per API that exercises a real code path (a topic, a group, a member). */
const requestFor = (key: number, version: number): any => {
  const body = defaultMessage(`${apiName(key)}Request`);
  const topic = 'gen10';
  switch (key) {
    case API_KEY.Produce:
      return { ...body, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: buildRecordBatch({ records: [{ value: Buffer.from('x') }] }) }] }] };
    case API_KEY.Fetch:
      return { ...body, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] }] };
    case API_KEY.ListOffsets:
      return { ...body, replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1, maxNumOffsets: 1 }] }] };
    case API_KEY.Metadata:
      return { ...body, topics: [{ name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: version >= 8 };
    case API_KEY.OffsetCommit:
      return { ...body, groupId: 'gen10-simple', generationIdOrMemberEpoch: -1, retentionTimeMs: -1n, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: 'm' }] }] };
    case API_KEY.OffsetFetch:
      return version >= 8
        ? { ...body, groups: [{ groupId: 'gen10-simple', topics: null, memberId: null, memberEpoch: -1 }] }
        : { ...body, groupId: 'gen10-simple', topics: [{ name: topic, partitionIndexes: [0] }] };
    case API_KEY.FindCoordinator:
      return { ...body, key: 'g', keyType: 0, coordinatorKeys: ['g'] };
    case API_KEY.JoinGroup:
      return { ...body, groupId: `gen10-join-${version}`, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] };
    case API_KEY.Heartbeat:
    case API_KEY.SyncGroup:
      return { ...body, groupId: 'gen10-none', generationId: 1, memberId: 'm', protocolType: 'consumer', protocolName: 'range' };
    case API_KEY.LeaveGroup:
      return { ...body, groupId: 'gen10-none', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: null }] };
    case API_KEY.DescribeGroups:
      return { ...body, groups: ['gen10-simple', 'missing'], includeAuthorizedOperations: version >= 3 };
    case API_KEY.ListGroups:
      return body;
    case API_KEY.DeleteGroups:
      return { ...body, groupsNames: ['missing'] };
    case API_KEY.OffsetDelete:
      return { ...body, groupId: 'missing', topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] };
    case API_KEY.CreateTopics:
      return { ...body, topics: [{ name: `gen10-new-${version}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 };
    case API_KEY.DeleteTopics:
      return { ...body, topicNames: ['missing'], topics: [{ name: 'missing', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] };
    case API_KEY.CreatePartitions:
      return { ...body, topics: [{ name: 'missing', count: 2, assignments: null }] };
    case API_KEY.DescribeConfigs:
      return { ...body, resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }, { resourceType: 4, resourceName: '0', configurationKeys: ['message.max.bytes'] }], includeSynonyms: true, includeDocumentation: true };
    case API_KEY.OffsetForLeaderEpoch:
      return { ...body, replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] };
    case API_KEY.InitProducerId:
      return { ...body, transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 };
    case API_KEY.ApiVersions:
      return { ...body, clientSoftwareName: 'gen10', clientSoftwareVersion: '1.0' };
    case API_KEY.DescribeCluster:
      return { ...body, endpointType: 1 };
    case API_KEY.DeleteRecords:
      return { ...body, timeoutMs: 1000, topics: [{ name: topic, partitions: [{ partitionIndex: 1, offset: 0n }] }] };
    case API_KEY.AlterConfigs:
      return { ...body, validateOnly: true, resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'retention.ms', value: '3600000' }] }] };
    case API_KEY.IncrementalAlterConfigs:
      return { ...body, validateOnly: false, resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'retention.ms', configOperation: 0, value: '3600000' }] }, { resourceType: 4, resourceName: '0', configs: [{ name: 'log.cleaner.backoff.ms', configOperation: 0, value: '15000' }] }] };
    // Security APIs (issue 17): on a PLAINTEXT listener without an authorizer.
    case API_KEY.SaslHandshake:
      return { ...body, mechanism: 'PLAIN' };
    case API_KEY.SaslAuthenticate:
      return { ...body, authBytes: Buffer.from('\u0000u\u0000p') };
    case API_KEY.DescribeAcls:
      return { ...body, resourceTypeFilter: 1, patternTypeFilter: version >= 1 ? 1 : 3, operation: 1, permissionType: 1 };
    case API_KEY.CreateAcls:
      return { ...body, creations: [{ resourceType: 2, resourceName: topic, resourcePatternType: 3, principal: 'User:gen10', host: '*', operation: 3, permissionType: 3 }] };
    case API_KEY.DeleteAcls:
      return { ...body, filters: [{ resourceTypeFilter: 2, resourceNameFilter: topic, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] };
    case API_KEY.DescribeUserScramCredentials:
      return { ...body, users: null };
    case API_KEY.AlterUserScramCredentials:
      return { ...body, upsertions: [{ name: 'gen10', mechanism: 1, iterations: 4096, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(32, 2) }] };
    case API_KEY.ConsumerGroupHeartbeat:
      // KIP-848 join: v0 lets the coordinator generate the member id, v1 (KIP-1082) brings its own.
      return { ...body, groupId: `gen10-kip848-${version}`, memberId: version >= 1 ? 'gen10-member' : '', memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: [topic], subscribedTopicRegex: null, topicPartitions: [] };
    case API_KEY.ConsumerGroupDescribe:
      return { ...body, groupIds: ['gen10-kip848-1', 'missing'], includeAuthorizedOperations: true };
    default:
      return body;
  }
};

describe('GEN-10 honest ApiVersions: every advertised (key, version) answers a minimal valid request', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    const config = resolveConfig({ dataDir: tempDir(), host: '127.0.0.1', port: 0, logLevel: 'silent', groupInitialRebalanceDelayMs: 0 });
    broker = await startBroker(config);
    client = await RawClient.connect(broker.port);
    const created = await client.send(API_KEY.CreateTopics, 3, { topics: [{ name: 'gen10', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    expect(created.body.topics[0].errorCode).toBe(0);
  });

  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('ApiVersions lists only keys with a handler, each inside the codec range', async () => {
    const res = await client.send(API_KEY.ApiVersions, 3, requestFor(API_KEY.ApiVersions, 3));
    expect(res.body.errorCode).toBe(0);
    const keys = res.body.apiKeys.map((k: { apiKey: number }) => k.apiKey);
    expect(keys).toEqual([...keys].sort((a: number, b: number) => a - b));
    expect(res.body.apiKeys.find((k: any) => k.apiKey === API_KEY.Produce).minVersion).toBe(0);
  });

  it('each advertised version is answered without UNSUPPORTED_VERSION or a closed connection', async () => {
    const res = await client.send(API_KEY.ApiVersions, 0, {});
    const failures: string[] = [];
    for (const { apiKey, minVersion, maxVersion } of res.body.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]) {
      for (let v = minVersion; v <= maxVersion; v++) {
        const c = await RawClient.connect(broker.port);
        try {
          const r = await c.send(apiKey, v, shapeForVersion(`${apiName(apiKey)}Request`, v, requestFor(apiKey, v)));
          if (r.body.errorCode === 35) failures.push(`${apiName(apiKey)} v${v}: UNSUPPORTED_VERSION`);
        } catch (err) {
          failures.push(`${apiName(apiKey)} v${v}: ${(err as Error).message}`);
        } finally {
          c.close();
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the schema table covers every advertised key', () => {
    expect(Object.keys(MESSAGE_SCHEMAS).length).toBeGreaterThan(50);
  });
});
