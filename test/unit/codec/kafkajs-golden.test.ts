/**
 * Golden bytes: request frames produced by kafkajs 2.2.4's own protocol encoders
 * (test/fixtures/codec/generate-kafkajs-golden.js) must decode to the values kafkajs was given and
 * re-encode to the very same bytes. The other direction: responses we encode must parse with kafkajs's
 * own response decoders.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  API_KEY, decodeConsumerSubscription, decodeRequestBody, encodeRequest, encodeResponse, readRequestHeader,
} from '../../../src/adapters/kafka/protocol';

interface Golden {
  name: string;
  apiKey: number;
  version: number;
  correlationId: number;
  hex: string;
}

const fixtures: Golden[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/codec/kafkajs-requests.json'), 'utf8'),
);

const expected: Record<string, object> = {
  'ApiVersions v2': {},
  'Metadata v6': {
    topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }, { name: 'payments', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    allowAutoTopicCreation: false,
  },
  // kafkajs writes an empty topic list as a null array: "all topics".
  'Metadata v6 all topics': { topics: null, allowAutoTopicCreation: true },
  'JoinGroup v5': {
    groupId: 'group-a',
    sessionTimeoutMs: 30000,
    rebalanceTimeoutMs: 60000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from('00010000000100066f726465727300000000', 'hex') }],
    reason: null,
  },
  'SyncGroup v3': {
    groupId: 'group-a',
    generationId: 7,
    memberId: 'member-1',
    groupInstanceId: 'instance-1',
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId: 'member-1', assignment: Buffer.from('0001000000010006', 'hex') }],
  },
  'OffsetCommit v5': {
    groupId: 'group-a',
    generationIdOrMemberEpoch: 7,
    memberId: 'member-1',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{
      name: 'orders',
      partitions: [
        { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1n },
        { partitionIndex: 3, committedOffset: 9007199254740993n, committedLeaderEpoch: -1, committedMetadata: 'm', commitTimestamp: -1n },
      ],
    }],
  },
  'Produce v7': {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: [{ index: 1 }] }],
  },
  'Fetch v11': {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 5000,
    minBytes: 1,
    maxBytes: 10485760,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic: 'orders',
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      partitions: [{
        partition: 0, currentLeaderEpoch: -1, fetchOffset: 100n, lastFetchedEpoch: -1, logStartOffset: -1n,
        partitionMaxBytes: 1048576, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
      }],
    }],
    forgottenTopicsData: [],
    rackId: '',
  },
  'FindCoordinator v2': { key: 'group-a', keyType: 0, coordinatorKeys: [] },
  'CreateTopics v3': {
    topics: [
      { name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
      { name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  },
};

describe('kafkajs 2.2.4 golden request frames', () => {
  it('covers every (API, version) pair the brief names', () => {
    const pairs = new Set(fixtures.map((f) => `${f.apiKey}/${f.version}`));
    for (const p of ['18/2', '3/6', '11/5', '14/3', '8/5', '0/7', '1/11', '10/2', '19/3']) expect(pairs).toContain(p);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s decodes to kafkajs input and re-encodes byte-exactly', (name, f) => {
    const whole = Buffer.from(f.hex, 'hex');
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    const frame = whole.subarray(4);
    const { header, bodyOffset } = readRequestHeader(frame);
    expect(header).toEqual({ apiKey: f.apiKey, apiVersion: f.version, correlationId: f.correlationId, clientId: 'kafkajs-golden' });
    const body = decodeRequestBody(f.apiKey, f.version, frame, bodyOffset);
    expect(body).toMatchObject(expected[name]);
    const again = encodeRequest(f.apiKey, f.version, f.correlationId, 'kafkajs-golden', body);
    expect(again.toString('hex')).toBe(f.hex);
  });

  it('JoinGroup v5 protocol metadata (kafkajs labels it v1, writes the v0 layout) decodes as a subscription', () => {
    const f = fixtures.find((x) => x.name === 'JoinGroup v5') as Golden;
    const frame = Buffer.from(f.hex, 'hex').subarray(4);
    const { bodyOffset } = readRequestHeader(frame);
    const body = decodeRequestBody(f.apiKey, f.version, frame, bodyOffset);
    expect(decodeConsumerSubscription(body.protocols[0].metadata)).toEqual({
      version: 1, topics: ['orders'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null,
    });
  });

  it('Produce v7 carries one magic-2 record batch with two records', () => {
    const f = fixtures.find((x) => x.name === 'Produce v7') as Golden;
    const frame = Buffer.from(f.hex, 'hex').subarray(4);
    const { bodyOffset } = readRequestHeader(frame);
    const records: Buffer = decodeRequestBody(0, 7, frame, bodyOffset).topicData[0].partitionData[0].records;
    expect(records.readInt32BE(8)).toBe(records.length - 12);
    expect(records.readInt8(16)).toBe(2);
    expect(records.readInt32BE(57)).toBe(2);
  });
});

describe('kafkajs 2.2.4 parses responses we encode', () => {
  const decodeWithKafkajs = async (api: string, version: number, whole: Buffer) => {
    const { decode, parse } = require(`kafkajs/src/protocol/requests/${api}/v${version}/response`);
    // kafkajs hands its decoders the body after the size prefix and correlation id.
    return parse(await decode(whole.subarray(8)));
  };

  it('ApiVersions v2', async () => {
    const whole = encodeResponse(API_KEY.ApiVersions, 2, 9, {
      errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }, { apiKey: 11, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0,
    });
    expect(whole.readInt32BE(4)).toBe(9);
    const parsed = await decodeWithKafkajs('apiVersions', 2, whole);
    expect(parsed.apiVersions).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }, { apiKey: 11, minVersion: 0, maxVersion: 9 }]);
  });

  it('JoinGroup v5', async () => {
    const whole = encodeResponse(API_KEY.JoinGroup, 5, 10, {
      throttleTimeMs: 0, errorCode: 0, generationId: 3, protocolName: 'RoundRobinAssigner', leader: 'm-1', memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from([1, 2, 3]) }],
    });
    const parsed = await decodeWithKafkajs('joinGroup', 5, whole);
    expect(parsed).toMatchObject({
      generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'm-1', memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, memberMetadata: Buffer.from([1, 2, 3]) }],
    });
  });

  it('OffsetCommit v5', async () => {
    const whole = encodeResponse(API_KEY.OffsetCommit, 5, 11, {
      throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    });
    const parsed = await decodeWithKafkajs('offsetCommit', 5, whole);
    expect(parsed.responses).toEqual([{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }] }]);
  });
});
