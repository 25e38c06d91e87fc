import * as E from 'fp-ts/Either';
import { decideAlterBrokerConfigs } from '../../../src/domain/config/decide-alter-broker-configs';
import { brokerConfigSnapshotEvents, evolveBrokerConfigs, initialDynamicBrokerConfigs, type DynamicBrokerConfigs } from '../../../src/domain/config/dynamic-broker-configs';
import { describeBrokerConfigs } from '../../../src/domain/topic/broker-configs';
import { describeTopicConfigs, topicStorageSettings } from '../../../src/domain/topic/topic-configs';
import { ConfigSource } from '../../../src/domain/topic/config-entry';
import { ErrorCode } from '../../../src/domain/error-code';

/* Issue 13 item 3: dynamic broker configs (AlterConfigs on a BROKER resource) as Kafka validates and reports them. */

const alter = (state: DynamicBrokerConfigs, scope: 'cluster' | 'node', changes: Array<{ name: string; op: 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT'; value: string | null }>, replaceAll = false) => {
  const r = decideAlterBrokerConfigs(state, { scope, changes, replaceAll, validateOnly: false });
  return E.isLeft(r) ? r.left : r.right.reduce(evolveBrokerConfigs, state);
};

describe('dynamic broker configs', () => {
  test('SET and DELETE of a dynamic config; a validate-only request changes nothing', () => {
    const s = alter(initialDynamicBrokerConfigs, 'node', [{ name: 'log.retention.ms', op: 'SET', value: '1000' }]) as DynamicBrokerConfigs;
    expect(s.node.get('log.retention.ms')).toBe('1000');
    expect((alter(s, 'node', [{ name: 'log.retention.ms', op: 'DELETE', value: null }]) as DynamicBrokerConfigs).node.size).toBe(0);
    const v = decideAlterBrokerConfigs(s, { scope: 'node', changes: [{ name: 'log.retention.ms', op: 'SET', value: '5' }], replaceAll: false, validateOnly: true });
    expect(E.isRight(v) && v.right).toEqual([]);
  });

  test('a config Kafka cannot change at run time, or a bad value, is INVALID_REQUEST (KAFKA-13609); APPEND to a non-list is INVALID_CONFIG', () => {
    expect(alter(initialDynamicBrokerConfigs, 'node', [{ name: 'num.partitions', op: 'SET', value: '3' }])).toMatchObject({ code: ErrorCode.INVALID_REQUEST });
    expect(alter(initialDynamicBrokerConfigs, 'node', [{ name: 'log.retention.ms', op: 'SET', value: 'soon' }])).toMatchObject({ code: ErrorCode.INVALID_REQUEST });
    expect(alter(initialDynamicBrokerConfigs, 'node', [{ name: 'log.segment.bytes', op: 'SET', value: '10' }])).toMatchObject({ code: ErrorCode.INVALID_REQUEST });
    expect(alter(initialDynamicBrokerConfigs, 'node', [{ name: 'log.retention.ms', op: 'APPEND', value: '1' }])).toMatchObject({ code: ErrorCode.INVALID_CONFIG });
    expect((alter(initialDynamicBrokerConfigs, 'cluster', [{ name: 'log.cleanup.policy', op: 'APPEND', value: 'compact' }]) as DynamicBrokerConfigs).cluster.get('log.cleanup.policy')).toBe('delete,compact');
  });

  test('topic defaults follow the layers: node over cluster over static over Kafka default, with sources and synonyms', () => {
    let s = alter(initialDynamicBrokerConfigs, 'cluster', [{ name: 'log.retention.ms', op: 'SET', value: '2000' }]) as DynamicBrokerConfigs;
    const layers = (d: DynamicBrokerConfigs) => ({ static: new Map([['log.retention.hours', '1']]), dynamic: d });
    let [entry] = describeTopicConfigs(new Map(), layers(s), ['retention.ms']);
    expect([entry.value, entry.source]).toEqual(['2000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]);
    expect(entry.synonyms.map((x) => x.source)).toEqual([ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG]);
    s = alter(s, 'node', [{ name: 'log.retention.ms', op: 'SET', value: '3000' }]) as DynamicBrokerConfigs;
    [entry] = describeTopicConfigs(new Map(), layers(s), ['retention.ms']);
    expect([entry.value, entry.source]).toEqual(['3000', ConfigSource.DYNAMIC_BROKER_CONFIG]);
    expect(topicStorageSettings(new Map(), layers(s)).retentionMs).toBe(3000);
    [entry] = describeTopicConfigs(new Map([['retention.ms', '9']]), layers(s), ['retention.ms']);
    expect([entry.value, entry.source]).toEqual(['9', ConfigSource.TOPIC_CONFIG]);
  });

  test('DescribeConfigs BROKER: dynamic settings are writable and win; resource "" lists only the cluster defaults', () => {
    const s = alter(alter(initialDynamicBrokerConfigs, 'cluster', [{ name: 'log.cleaner.backoff.ms', op: 'SET', value: '100' }]) as DynamicBrokerConfigs, 'node', [{ name: 'log.retention.ms', op: 'SET', value: '7' }]) as DynamicBrokerConfigs;
    const node = describeBrokerConfigs(new Map([['num.partitions', '4']]), null, s);
    const byName = new Map(node.map((c) => [c.name, c]));
    expect([byName.get('log.retention.ms')!.value, byName.get('log.retention.ms')!.source, byName.get('log.retention.ms')!.readOnly]).toEqual(['7', ConfigSource.DYNAMIC_BROKER_CONFIG, false]);
    expect([byName.get('num.partitions')!.source, byName.get('num.partitions')!.readOnly]).toEqual([ConfigSource.STATIC_BROKER_CONFIG, true]);
    expect(describeBrokerConfigs(new Map(), null, s, true).map((c) => [c.name, c.value, c.source])).toEqual([['log.cleaner.backoff.ms', '100', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]]);
  });

  test('snapshot events rebuild the same dynamic configs', () => {
    const s = alter(alter(initialDynamicBrokerConfigs, 'cluster', [{ name: 'log.retention.ms', op: 'SET', value: '1' }]) as DynamicBrokerConfigs, 'node', [{ name: 'message.max.bytes', op: 'SET', value: '2000' }]) as DynamicBrokerConfigs;
    const rebuilt = brokerConfigSnapshotEvents(s).reduce(evolveBrokerConfigs, initialDynamicBrokerConfigs);
    expect(rebuilt).toEqual(s);
  });
});
