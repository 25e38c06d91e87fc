import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../src/domain/error-code';
import {
  decideAlterTopicConfigs,
  decideCreatePartitions,
  decideCreateTopic,
  decideDeleteTopic,
  evolveTopic,
  initialTopics,
  replayTopics,
  topicSnapshotEvents,
  TopicEvent,
  TopicsState,
} from '../../../src/domain/topic';

const created = (topic: string, topicId: string, partitions = 2): TopicEvent => ({
  type: 'TopicCreated', topic, topicId, partitions, configs: [{ name: 'retention.ms', value: '1000' }], createdAt: 5,
});
const base: TopicsState = [created('orders', 'ordersIdAAAAAAAAAAAAAA'), created('audit', 'auditIdAAAAAAAAAAAAAAA', 1)].reduce(
  evolveTopic,
  initialTopics,
);
const apply = (s: TopicsState, r: E.Either<unknown, ReadonlyArray<TopicEvent>>): TopicsState =>
  E.isRight(r) ? r.right.reduce(evolveTopic, s) : s;

describe('CreatePartitions decisions', () => {
  test('growing a topic emits PartitionsAdded with the new total', () => {
    const r = decideCreatePartitions(base, { name: 'orders', count: 5, validateOnly: false });
    expect(r).toEqual(E.right([{ type: 'PartitionsAdded', topic: 'orders', partitions: 5 }]));
    expect(apply(base, r).topics.get('orders')?.partitions).toBe(5);
  });

  test.each([2, 1])('a count of %d (not larger than 2) is INVALID_PARTITIONS', (count) => {
    const r = decideCreatePartitions(base, { name: 'orders', count, validateOnly: false });
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  test('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION; validate_only emits nothing', () => {
    const r = decideCreatePartitions(base, { name: 'nope', count: 3, validateOnly: false });
    expect(E.isLeft(r) && r.left.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(decideCreatePartitions(base, { name: 'orders', count: 3, validateOnly: true })).toEqual(E.right([]));
  });
});

describe('DeleteTopics decisions', () => {
  test('deleting by name or id emits TopicDeleted and frees the name and the id', () => {
    const byName = decideDeleteTopic(base, { name: 'orders' });
    expect(byName).toEqual(E.right({ name: 'orders', topicId: 'ordersIdAAAAAAAAAAAAAA', events: [{ type: 'TopicDeleted', topic: 'orders' }] }));
    const byId = decideDeleteTopic(base, { topicId: 'ordersIdAAAAAAAAAAAAAA' });
    expect(byId).toEqual(byName);
    const after = apply(base, E.map((o: { events: ReadonlyArray<TopicEvent> }) => o.events)(byName));
    expect(after.topics.has('orders')).toBe(false);
    expect(after.nameById.has('ordersIdAAAAAAAAAAAAAA')).toBe(false);
  });

  test('an unknown name is UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID', () => {
    const n = decideDeleteTopic(base, { name: 'nope' });
    expect(E.isLeft(n) && n.left.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const i = decideDeleteTopic(base, { topicId: 'nopeAAAAAAAAAAAAAAAAAA' });
    expect(E.isLeft(i) && i.left.code).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});

describe('AlterConfigs decisions', () => {
  test('KIP-339 SET and DELETE change only the named overrides', () => {
    const r = decideAlterTopicConfigs(base, {
      topic: 'orders', replaceAll: false, validateOnly: false,
      changes: [{ name: 'retention.bytes', op: 'SET', value: '100' }, { name: 'retention.ms', op: 'DELETE', value: null }],
    });
    const after = apply(base, r);
    expect([...(after.topics.get('orders')?.configs ?? [])]).toEqual([['retention.bytes', '100']]);
  });

  test('KIP-339 APPEND and SUBTRACT edit list configs; on a non-list they are INVALID_CONFIG', () => {
    const r = decideAlterTopicConfigs(base, {
      topic: 'orders', replaceAll: false, validateOnly: false,
      changes: [{ name: 'cleanup.policy', op: 'APPEND', value: 'compact' }],
    });
    expect(apply(base, r).topics.get('orders')?.configs.get('cleanup.policy')).toBe('delete,compact');
    const bad = decideAlterTopicConfigs(base, {
      topic: 'orders', replaceAll: false, validateOnly: false,
      changes: [{ name: 'retention.ms', op: 'APPEND', value: '5' }],
    });
    expect(E.isLeft(bad) && bad.left.code).toBe(ErrorCode.INVALID_CONFIG);
  });

  test('legacy AlterConfigs replaces every override', () => {
    const r = decideAlterTopicConfigs(base, {
      topic: 'orders', replaceAll: true, validateOnly: false,
      changes: [{ name: 'segment.bytes', op: 'SET', value: '1048576' }],
    });
    expect([...(apply(base, r).topics.get('orders')?.configs ?? [])]).toEqual([['segment.bytes', '1048576']]);
  });

  test('invalid values are INVALID_CONFIG; unknown topics UNKNOWN_TOPIC_OR_PARTITION', () => {
    const bad = decideAlterTopicConfigs(base, {
      topic: 'orders', replaceAll: false, validateOnly: false, changes: [{ name: 'retention.ms', op: 'SET', value: '-5' }],
    });
    expect(E.isLeft(bad) && bad.left.code).toBe(ErrorCode.INVALID_CONFIG);
    const unknown = decideAlterTopicConfigs(base, {
      topic: 'nope', replaceAll: false, validateOnly: false, changes: [],
    });
    expect(E.isLeft(unknown) && unknown.left.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('topic state replay', () => {
  test('topicSnapshotEvents rebuilds the same state from scratch', () => {
    let s = base;
    s = apply(s, decideCreatePartitions(s, { name: 'orders', count: 4, validateOnly: false }));
    s = apply(s, decideAlterTopicConfigs(s, {
      topic: 'audit', replaceAll: false, validateOnly: false, changes: [{ name: 'cleanup.policy', op: 'SET', value: 'compact' }],
    }));
    const rebuilt = replayTopics(initialTopics, topicSnapshotEvents(s));
    expect(rebuilt).toEqual(s);
  });

  test('replayTopics equals folding evolveTopic one event at a time', () => {
    const events: TopicEvent[] = [
      created('a', 'aIdAAAAAAAAAAAAAAAAAAA'),
      { type: 'PartitionsAdded', topic: 'a', partitions: 7 },
      created('b', 'bIdAAAAAAAAAAAAAAAAAAA'),
      { type: 'TopicConfigChanged', topic: 'b', configs: [{ name: 'retention.ms', value: null }, { name: 'segment.bytes', value: '100' }] },
      { type: 'TopicDeleted', topic: 'a' },
    ];
    expect(replayTopics(initialTopics, events)).toEqual(events.reduce(evolveTopic, initialTopics));
  });

  test('a created topic can be created again after its deletion', () => {
    const deleted = evolveTopic(base, { type: 'TopicDeleted', topic: 'orders' });
    const r = decideCreateTopic(deleted, {
      name: 'orders', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], validateOnly: false,
    }, { defaultNumPartitions: 1, defaultReplicationFactor: 1, brokerIds: [0], now: 9, newTopicId: () => 'newIdAAAAAAAAAAAAAAAAA' });
    expect(E.isRight(r)).toBe(true);
  });
});
