import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../src/domain/error-code';
import {
  CreateTopicCommand,
  CreateTopicContext,
  decideCreateTopic,
  evolveTopic,
  initialTopics,
  TopicsState,
} from '../../../src/domain/topic';

const ids = (...list: string[]) => {
  let i = 0;
  return () => list[i++ % list.length];
};
const ctx: CreateTopicContext = {
  defaultNumPartitions: 3,
  defaultReplicationFactor: 1,
  brokerIds: [1],
  now: 1_700_000_000_000,
  newTopicId: ids('AAAAAAAAAAAAAAAAAAAAAw'),
};
const cmd = (over: Partial<CreateTopicCommand> = {}): CreateTopicCommand => ({
  name: 'orders',
  numPartitions: 2,
  replicationFactor: 1,
  assignments: [],
  configs: [],
  validateOnly: false,
  ...over,
});
const codeOf = (state: TopicsState, c: CreateTopicCommand): number | null => {
  const r = decideCreateTopic(state, c, ctx);
  return E.isLeft(r) ? r.left.code : null;
};
const withTopic = (name: string): TopicsState => {
  const r = decideCreateTopic(initialTopics, cmd({ name }), ctx);
  if (E.isLeft(r)) throw new Error('setup');
  return r.right.events.reduce(evolveTopic, initialTopics);
};

describe('CreateTopics decisions', () => {
  test('creates a topic: one TopicCreated event with the generated id, partitions and configs', () => {
    const r = decideCreateTopic(initialTopics, cmd({ configs: [{ name: 'retention.ms', value: '1000' }] }), ctx);
    expect(r).toEqual(E.right({
      topicId: 'AAAAAAAAAAAAAAAAAAAAAw',
      numPartitions: 2,
      replicationFactor: 1,
      configs: [{ name: 'retention.ms', value: '1000' }],
      events: [{
        type: 'TopicCreated', topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAw', partitions: 2,
        configs: [{ name: 'retention.ms', value: '1000' }], createdAt: ctx.now,
      }],
    }));
  });

  test.each([
    ['empty', ''],
    ['"."', '.'],
    ['".."', '..'],
    ['250 characters', 'a'.repeat(250)],
    ['a space', 'my topic'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'tópico'],
  ])('Topic.validate: a name that is %s is INVALID_TOPIC_EXCEPTION', (_label, name) => {
    expect(codeOf(initialTopics, cmd({ name }))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  test('Topic.validate: 249 characters of [a-zA-Z0-9._-] are legal', () => {
    expect(codeOf(initialTopics, cmd({ name: 'a'.repeat(249) }))).toBeNull();
    expect(codeOf(initialTopics, cmd({ name: 'Ab.9_x-Y' }))).toBeNull();
  });

  test('an existing name is TOPIC_ALREADY_EXISTS', () => {
    expect(codeOf(withTopic('orders'), cmd())).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  test('"a.b" collides with existing "a_b" (Topic.hasCollision): INVALID_TOPIC_EXCEPTION', () => {
    expect(codeOf(withTopic('a_b'), cmd({ name: 'a.b' }))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  test('KIP-464 numPartitions -1 takes num.partitions; replicationFactor -1 takes default.replication.factor', () => {
    const r = decideCreateTopic(initialTopics, cmd({ numPartitions: -1, replicationFactor: -1 }), ctx);
    expect(E.isRight(r) && [r.right.numPartitions, r.right.replicationFactor]).toEqual([3, 1]);
  });

  test.each([0, -2])('numPartitions %d is INVALID_PARTITIONS', (n) => {
    expect(codeOf(initialTopics, cmd({ numPartitions: n }))).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  test.each([0, -2, 2, 3])('replicationFactor %d on one broker is INVALID_REPLICATION_FACTOR', (rf) => {
    expect(codeOf(initialTopics, cmd({ replicationFactor: rf }))).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });

  test('manual assignments on the one broker give the partition count; unknown brokers are INVALID_REPLICA_ASSIGNMENT', () => {
    const ok = decideCreateTopic(initialTopics, cmd({
      numPartitions: -1, replicationFactor: -1,
      assignments: [{ partitionIndex: 1, brokerIds: [1] }, { partitionIndex: 0, brokerIds: [1] }],
    }), ctx);
    expect(E.isRight(ok) && ok.right.numPartitions).toBe(2);
    expect(codeOf(initialTopics, cmd({ numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2] }] })))
      .toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(codeOf(initialTopics, cmd({ numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 1, brokerIds: [1] }] })))
      .toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect(codeOf(initialTopics, cmd({ numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] })))
      .toBe(ErrorCode.INVALID_REQUEST);
  });

  test.each([
    ['unknown name', 'retention.mss', '1'],
    ['retention.ms below -1', 'retention.ms', '-2'],
    ['retention.ms not a number', 'retention.ms', 'week'],
    ['cleanup.policy outside delete/compact', 'cleanup.policy', 'delete,forever'],
    ['segment.bytes below 14', 'segment.bytes', '13'],
    ['segment.bytes beyond int32', 'segment.bytes', '3000000000'],
    ['max.message.bytes negative', 'max.message.bytes', '-1'],
    ['message.timestamp.type unknown', 'message.timestamp.type', 'BrokerTime'],
    ['compression.type unknown', 'compression.type', 'brotli'],
    ['min.cleanable.dirty.ratio above 1', 'min.cleanable.dirty.ratio', '1.5'],
    ['preallocate not boolean', 'preallocate', 'yes'],
    ['remote.storage.enable without tiered storage', 'remote.storage.enable', 'true'],
  ])('LogConfig.validate: %s is INVALID_CONFIG', (_label, name, value) => {
    expect(codeOf(initialTopics, cmd({ configs: [{ name, value }] }))).toBe(ErrorCode.INVALID_CONFIG);
  });

  test('a null config value is INVALID_CONFIG', () => {
    expect(codeOf(initialTopics, cmd({ configs: [{ name: 'retention.ms', value: null }] }))).toBe(ErrorCode.INVALID_CONFIG);
  });

  test.each([
    ['cleanup.policy', 'compact,delete'],
    ['retention.ms', '-1'],
    ['retention.bytes', '1073741824'],
    ['segment.bytes', '14'],
    ['max.message.bytes', '2097152'],
    ['message.timestamp.type', 'LogAppendTime'],
    ['compression.type', 'zstd'],
    ['min.insync.replicas', '1'],
    ['unclean.leader.election.enable', 'TRUE'],
  ])('LogConfig.validate: %s=%s is accepted', (name, value) => {
    expect(codeOf(initialTopics, cmd({ configs: [{ name, value }] }))).toBeNull();
  });

  test('validate_only runs every check and produces no events', () => {
    const r = decideCreateTopic(initialTopics, cmd({ validateOnly: true }), ctx);
    expect(E.isRight(r) && r.right.events).toEqual([]);
    expect(codeOf(withTopic('orders'), cmd({ validateOnly: true }))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  test('internal topics cannot be created by clients', () => {
    expect(codeOf(initialTopics, cmd({ name: '__consumer_offsets' }))).toBe(ErrorCode.INVALID_REQUEST);
  });
});
