import { TopicService } from '../../../src/application/topic-service';
import type { MetaLog } from '../../../src/ports/meta-log';
import type { PartitionLogStore } from '../../../src/ports/partition-log';

// Produce asks for a topic's parsed settings on every request; TopicService parses them once per
// version of the topic's overrides and of the dynamic broker configs. A change of either shows at once.
describe('TopicService parsed topic settings', () => {
  const service = (): TopicService =>
    new TopicService({} as MetaLog, {} as PartitionLogStore, { autoCreateTopics: false, numPartitions: 1, nodeId: 1, brokerSettings: new Map([['message.max.bytes', '2000000']]) }, () => 'idAAAAAAAAAAAAAAAAAAAA', () => 0);

  test('repeated asks return the same parsed object; a TopicConfigChanged or BrokerConfigChanged is seen by the next ask', () => {
    const s = service();
    s.applyReplayed({ type: 'TopicCreated', topic: 't', topicId: 'idAAAAAAAAAAAAAAAAAAAA', partitions: 1, configs: [{ name: 'retention.ms', value: '1000' }], createdAt: 0 });
    const first = s.logSettings('t');
    expect(first).toMatchObject({ retentionMs: 1000, maxMessageBytes: 2000000 });
    expect(s.logSettings('t')).toBe(first);
    expect(s.storageSettings('t')).toBe(s.storageSettings('t'));

    s.applyReplayed({ type: 'TopicConfigChanged', topic: 't', configs: [{ name: 'retention.ms', value: '5000' }] });
    expect(s.logSettings('t')?.retentionMs).toBe(5000);
    expect(s.storageSettings('t')?.retentionMs).toBe(5000);

    s.applyReplayed({ type: 'BrokerConfigChanged', scope: 'cluster', configs: [{ name: 'message.max.bytes', value: '1234' }] });
    expect(s.logSettings('t')?.maxMessageBytes).toBe(1234);

    s.applyReplayed({ type: 'TopicDeleted', topic: 't' });
    expect(s.logSettings('t')).toBeUndefined();
    s.applyReplayed({ type: 'TopicCreated', topic: 't', topicId: 'idBBBBBBBBBBBBBBBBBBBB', partitions: 1, configs: [], createdAt: 1 });
    expect(s.logSettings('t')?.retentionMs).toBe(604800000);
  });
});
