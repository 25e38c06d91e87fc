import {
  ConfigSource,
  describeBrokerConfigs,
  describeTopicConfigs,
  effectiveTopicConfig,
  topicIdFromBytes,
  topicIdGenerator,
  topicLogSettings,
} from '../../../src/domain/topic';

describe('topic configs for DescribeConfigs', () => {
  test("every topic config carries Kafka's default with source DEFAULT_CONFIG", () => {
    const all = describeTopicConfigs(new Map());
    const byName = new Map(all.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '604800000', source: ConfigSource.DEFAULT_CONFIG, isDefault: true, readOnly: false });
    expect(byName.get('segment.bytes')?.value).toBe('1073741824');
    expect(byName.get('max.message.bytes')?.value).toBe('1048588');
    expect(byName.get('cleanup.policy')?.value).toBe('delete');
    expect(byName.get('message.timestamp.type')?.value).toBe('CreateTime');
    expect(byName.get('compression.type')?.value).toBe('producer');
    expect(byName.get('retention.bytes')?.value).toBe('-1');
  });

  test('an override reports TOPIC_CONFIG with the broker and default values as synonyms', () => {
    const [entry] = describeTopicConfigs(new Map([['max.message.bytes', '2000']]), new Map([['message.max.bytes', '3000']]), ['max.message.bytes']);
    expect(entry).toMatchObject({ name: 'max.message.bytes', value: '2000', source: ConfigSource.TOPIC_CONFIG, isDefault: false });
    expect(entry.synonyms.map((s) => [s.name, s.value, s.source])).toEqual([
      ['max.message.bytes', '2000', ConfigSource.TOPIC_CONFIG],
      ['message.max.bytes', '3000', ConfigSource.STATIC_BROKER_CONFIG],
      ['message.max.bytes', '1048588', ConfigSource.DEFAULT_CONFIG],
    ]);
  });

  test('log.retention.hours supplies retention.ms as a STATIC_BROKER_CONFIG default', () => {
    expect(effectiveTopicConfig('retention.ms', new Map(), new Map([['log.retention.hours', '1']]))).toBe('3600000');
    expect(effectiveTopicConfig('retention.ms', new Map(), new Map([['log.retention.ms', '5'], ['log.retention.hours', '1']]))).toBe('5');
  });

  test('topicLogSettings parses the settings the log and Produce need', () => {
    expect(topicLogSettings(new Map([['segment.bytes', '1000'], ['message.timestamp.type', 'LogAppendTime']]))).toEqual({
      segmentBytes: 1000, retentionMs: 604800000, retentionBytes: -1, indexIntervalBytes: 4096, maxMessageBytes: 1048588, logAppendTime: true,
    });
  });

  test('broker configs: set ones are STATIC_BROKER_CONFIG, others DEFAULT_CONFIG, all read-only', () => {
    const all = describeBrokerConfigs(new Map([['num.partitions', '4']]));
    const byName = new Map(all.map((c) => [c.name, c]));
    expect(byName.get('num.partitions')).toMatchObject({ value: '4', source: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true, isDefault: false });
    expect(byName.get('message.max.bytes')).toMatchObject({ value: '1048588', source: ConfigSource.DEFAULT_CONFIG, isDefault: true });
  });
});

describe('topic ids', () => {
  test("KIP-516 ids render as Kafka's Uuid.toString: 22 chars of unpadded base64url", () => {
    const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
    const id = topicIdFromBytes(bytes);
    expect(id).toHaveLength(22);
    expect(id).toBe(Buffer.from(bytes).toString('base64url'));
  });

  test('the generator skips reserved ids and ids starting with "-"', () => {
    const draws = [new Uint8Array(16), Uint8Array.from([0xf8, ...new Array(15).fill(1)]), Uint8Array.from(new Array(16).fill(7))];
    let i = 0;
    const gen = topicIdGenerator(() => draws[i++]);
    expect(gen()).toBe(Buffer.from(draws[2]).toString('base64url'));
    expect(i).toBe(3);
  });
});
