/**
 * Encoding rules from ../shared/kafka-protocol/README.md ("How to read the JSON files"): nullable struct
 * markers, tagged-field defaults, the ignorable rule, default forms, uuids, lossy UTF-8, unknown tags.
 */
import {
  decodeMessage, decodeRequestBody, decodeResponse, DecodeError, defaultMessage, encodeMessage, encodeRequest, encodeResponse,
  EncodeError, readRequestHeader, UnsupportedVersionError, ZERO_UUID,
} from '../../../src/adapters/kafka/protocol';

const hex = (b: Buffer) => b.toString('hex');

describe('nullable struct marker', () => {
  const heartbeat = (assignment: unknown) => ({
    throttleTimeMs: 0, errorCode: 0, errorMessage: null, memberId: 'm', memberEpoch: 1, heartbeatIntervalMs: 5000, assignment,
  });

  it('ConsumerGroupHeartbeatResponse.Assignment null is the int8 marker -1', () => {
    const b = encodeMessage('ConsumerGroupHeartbeatResponse', 0, heartbeat(null));
    expect(hex(b)).toBe('00000000' + '0000' + '00' + '026d' + '00000001' + '00001388' + 'ff' + '00');
    expect(decodeMessage('ConsumerGroupHeartbeatResponse', 0, b).assignment).toBeNull();
  });

  it('a present nullable struct is preceded by the marker 1', () => {
    const b = encodeMessage('ConsumerGroupHeartbeatResponse', 0, heartbeat({ topicPartitions: [{ topicId: ZERO_UUID, partitions: [0, 1] }] }));
    expect(hex(b).slice(2 * 17)).toBe('01' + '02' + '00'.repeat(16) + '03' + '00000000' + '00000001' + '00' + '00' + '00');
    expect(decodeMessage('ConsumerGroupHeartbeatResponse', 0, b).assignment).toEqual({ topicPartitions: [{ topicId: ZERO_UUID, partitions: [0, 1] }] });
  });

  it('a marker of another negative value still means null, like Kafka (byte < 0)', () => {
    const b = Buffer.from('00000000' + '0000' + '00' + '026d' + '00000001' + '00001388' + '80' + '00', 'hex');
    expect(decodeMessage('ConsumerGroupHeartbeatResponse', 0, b).assignment).toBeNull();
  });
});

describe('tagged fields (KIP-482)', () => {
  const fetchPartition = (extra: object) => ({
    partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: [],
    preferredReadReplica: -1, records: null, ...extra,
  });

  it('tagged struct fields at their default (FetchResponse CurrentLeader -1/-1) are not written', () => {
    const withDefaults = encodeMessage('FetchResponse', 12, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [fetchPartition({})] }],
    });
    const withLeader = encodeMessage('FetchResponse', 12, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: [{ topic: 't', partitions: [fetchPartition({ currentLeader: { leaderId: 3, leaderEpoch: 9 } })] }],
    });
    // tag 1 (CurrentLeader), size 9: int32, int32, empty tagged section of the struct.
    expect(withLeader.length - withDefaults.length).toBe(1 + 1 + 9);
    expect(decodeMessage('FetchResponse', 12, withDefaults).responses[0].partitions[0].currentLeader).toEqual({ leaderId: -1, leaderEpoch: -1 });
    expect(decodeMessage('FetchResponse', 12, withLeader).responses[0].partitions[0].currentLeader).toEqual({ leaderId: 3, leaderEpoch: 9 });
  });

  it('unknown tagged fields are kept on their struct and written back in tag order', () => {
    const b = Buffer.from('0267' + '00000001' + '026d' + '00' + '02' + '0502abcd' + '0700', 'hex');
    const body = decodeRequestBody(12, 4, b, 0);
    expect(body._unknownTaggedFields).toEqual([{ tag: 5, data: Buffer.from('abcd', 'hex') }, { tag: 7, data: Buffer.alloc(0) }]);
    expect(hex(encodeMessage('HeartbeatRequest', 4, body))).toBe(hex(b));
    expect(hex(encodeMessage('HeartbeatRequest', 4, { ...body, _unknownTaggedFields: [...body._unknownTaggedFields].reverse() }))).toBe(hex(b));
  });

  it('structs without unknown tagged fields carry no _unknownTaggedFields property', () => {
    const b = encodeMessage('HeartbeatRequest', 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null });
    expect(Object.keys(decodeMessage('HeartbeatRequest', 4, b))).not.toContain('_unknownTaggedFields');
  });

  it('unknown tagged fields cannot be written in a non-flexible version', () => {
    expect(() => encodeMessage('HeartbeatRequest', 3, { groupId: 'g', generationId: 1, memberId: 'm', _unknownTaggedFields: [{ tag: 1, data: Buffer.alloc(0) }] }))
      .toThrow(EncodeError);
  });

  it('a known tagged field whose size disagrees with its value fails to decode', () => {
    // ApiVersionsResponse v3, tag 3 (ZkMigrationReady bool) claimed as 2 bytes.
    const frame = Buffer.from('00000001' + '0000' + '01' + '00000000' + '01' + '03' + '02' + '0100', 'hex');
    expect(() => decodeResponse(18, 3, frame)).toThrow(DecodeError);
  });
});

describe('ignorable and version checks (Kafka UnsupportedVersionException)', () => {
  it('a non-default, non-ignorable field the version lacks throws UnsupportedVersionError', () => {
    const join = { groupId: 'g', sessionTimeoutMs: 1, rebalanceTimeoutMs: 2, memberId: '', protocolType: 'consumer', protocols: [], groupInstanceId: 'i' };
    expect(() => encodeRequest(11, 4, 1, null, join)).toThrow(UnsupportedVersionError);
    expect(() => encodeRequest(11, 5, 1, null, join)).not.toThrow();
    expect(() => encodeRequest(11, 4, 1, null, { ...join, groupInstanceId: null })).not.toThrow();
  });

  it('a non-ignorable field left at its default is fine in versions that lack it', () => {
    const resp = { errorCode: 0, generationId: 1, protocolName: 'r', leader: 'l', memberId: 'm', members: [], protocolType: null };
    expect(() => encodeResponse(11, 8, 1, { ...resp, skipAssignment: false })).not.toThrow();
    // SkipAssignment (9+) is not ignorable: the leader would run an assignment it was told to skip.
    expect(() => encodeResponse(11, 8, 1, { ...resp, skipAssignment: true })).toThrow(UnsupportedVersionError);
    // ProtocolType (7+) is ignorable: dropped silently before v7.
    const v6 = encodeResponse(11, 6, 1, { ...resp, protocolType: 'consumer' });
    expect(decodeResponse(11, 6, v6.subarray(4)).body.protocolType).toBeNull();
  });

  it('null for a field not nullable in this version throws EncodeError', () => {
    expect(() => encodeResponse(11, 6, 1, { errorCode: 0, generationId: 1, protocolName: null, leader: 'l', memberId: 'm', members: [] }))
      .toThrow(EncodeError);
  });

  it('versions outside validVersions are refused both ways', () => {
    expect(() => encodeMessage('HeartbeatRequest', 5, {})).toThrow(UnsupportedVersionError);
    expect(() => decodeMessage('HeartbeatRequest', 5, Buffer.alloc(32))).toThrow(DecodeError);
  });
});

describe('defaults', () => {
  it('fields absent from the decoded version take their default, in every default form', () => {
    // OffsetForLeaderEpochRequest.ReplicaId: raw JSON number -2, versions 3+.
    const ofle = decodeMessage('OffsetForLeaderEpochRequest', 2, encodeMessage('OffsetForLeaderEpochRequest', 2, { topics: [] }));
    expect(ofle.replicaId).toBe(-2);
    // JoinGroupResponse.ProtocolType: "null", versions 7+; GenerationId "-1" is on the wire.
    const join = decodeResponse(11, 0, encodeResponse(11, 0, 5, { errorCode: 0, generationId: 4, protocolName: 'r', leader: 'l', memberId: 'm', members: [] }).subarray(4));
    expect(join.body).toEqual({
      throttleTimeMs: 0, errorCode: 0, generationId: 4, protocolType: null, protocolName: 'r', leader: 'l', skipAssignment: false, memberId: 'm', members: [],
    });
    // FetchRequest: ReplicaState struct (tagged 15+) defaults member by member; ClusterId "null".
    const fetch = defaultMessage('FetchRequest');
    expect(fetch.replicaState).toEqual({ replicaId: -1, replicaEpoch: -1n });
    expect(fetch.clusterId).toBeNull();
    expect(fetch.maxBytes).toBe(0x7fffffff); // "0x7fffffff"
  });

  it('omitted properties are encoded as their defaults', () => {
    const b = encodeMessage('InitProducerIdResponse', 0, { errorCode: 0 });
    expect(decodeMessage('InitProducerIdResponse', 0, b)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: -1n, producerEpoch: 0 });
  });
});

describe('value representations', () => {
  it('uuids are Kafka base64url renderings; the all-zero uuid is AAAAAAAAAAAAAAAAAAAAAA', () => {
    const id = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex').toString('base64url');
    expect(id).toHaveLength(22);
    const b = encodeMessage('MetadataRequest', 10, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: true });
    expect(hex(b)).toContain('000102030405060708090a0b0c0d0e0f');
    expect(decodeMessage('MetadataRequest', 10, b).topics[0].topicId).toBe(id);
    expect(defaultMessage('MetadataResponse').topics).toEqual([]);
    expect(ZERO_UUID).toBe(Buffer.alloc(16).toString('base64url'));
    expect(() => encodeMessage('MetadataRequest', 10, { topics: [{ topicId: 'nope', name: null }] })).toThrow(EncodeError);
  });

  it('int64 decodes as bigint; number input is accepted when it is a safe integer', () => {
    const b = encodeMessage('InitProducerIdResponse', 0, { errorCode: 0, producerId: 7, producerEpoch: 1 });
    expect(decodeMessage('InitProducerIdResponse', 0, b).producerId).toBe(7n);
  });

  it('invalid UTF-8 decodes lossily to U+FFFD, as Kafka does, instead of failing', () => {
    const frame = Buffer.from('0002ff61' + '00000001' + '00016d', 'hex');
    expect(decodeRequestBody(12, 0, frame, 0).groupId).toBe('\ufffda');
  });

  it('a null ClientId stays null in the header; strings over 32767 bytes are refused on encode', () => {
    const whole = encodeRequest(12, 0, 3, null, { groupId: 'g', generationId: 1, memberId: 'm' });
    expect(readRequestHeader(whole.subarray(4)).header.clientId).toBeNull();
    expect(() => encodeRequest(12, 0, 3, null, { groupId: 'x'.repeat(0x8000), generationId: 1, memberId: 'm' })).toThrow(EncodeError);
  });
});
