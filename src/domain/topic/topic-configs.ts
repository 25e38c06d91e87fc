import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import { ConfigSource, ConfigSynonym, ConfigType, DescribedConfig } from './config-entry';
import type { DynamicBrokerConfigs } from '../config/dynamic-broker-configs';

/** Broker settings a topic falls back to: static ones, and dynamic ones (AlterConfigs) on top. */
export interface BrokerConfigLayers {
  readonly static: ReadonlyMap<string, string>;
  readonly dynamic: DynamicBrokerConfigs;
}

const layersOf = (broker: ReadonlyMap<string, string> | BrokerConfigLayers): BrokerConfigLayers =>
  broker instanceof Map ? { static: broker, dynamic: { cluster: new Map(), node: new Map() } } : (broker as BrokerConfigLayers);

/** A topic-level config Kafka knows (LogConfig), with its default and validator. */
export interface TopicConfigDef {
  readonly name: string;
  readonly defaultValue: string | null;
  readonly type: ConfigType;
  /** The broker setting that supplies the default when set (`message.max.bytes` for `max.message.bytes`). */
  readonly brokerSynonym: string | null;
  /** Returns why `value` is invalid, or null when it is valid. */
  readonly validate: (value: string) => string | null;
  readonly documentation: string;
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const LONG_MAX = '9223372036854775807';

const integer = (lo: bigint, hi: bigint, atLeast: bigint | null) => (value: string): string | null => {
  const v = value.trim();
  if (!/^-?\d+$/.test(v)) return `Invalid value ${value}: not a number`;
  const n = BigInt(v);
  if (n < lo || n > hi) return `Invalid value ${value}: out of range`;
  if (atLeast !== null && n < atLeast) return `Invalid value ${value}: Value must be at least ${atLeast}`;
  return null;
};
const int = (atLeast: number | null = null) => integer(INT32_MIN, INT32_MAX, atLeast === null ? null : BigInt(atLeast));
const long = (atLeast: number | null = null) => integer(INT64_MIN, INT64_MAX, atLeast === null ? null : BigInt(atLeast));
const bool = (value: string): string | null =>
  /^(true|false)$/i.test(value.trim()) ? null : `Invalid value ${value}: Expected value to be either true or false`;
const oneOf = (...allowed: string[]) => (value: string): string | null =>
  allowed.includes(value.trim()) ? null : `Invalid value ${value}: String must be one of: ${allowed.join(', ')}`;
const listOf = (...allowed: string[]) => (value: string): string | null => {
  const bad = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0 && !allowed.includes(s));
  return bad.length === 0 ? null : `Invalid value ${value}: [${bad.join(', ')}] must be a subset of [${allowed.join(', ')}]`;
};
const ratio = (value: string): string | null => {
  const v = value.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return `Invalid value ${value}: not a number`;
  const n = Number(v);
  return n >= 0 && n <= 1 ? null : `Invalid value ${value}: Value must be between 0 and 1`;
};
const throttledReplicas = (value: string): string | null =>
  /^(\*|(\s*\d+\s*:\s*\d+\s*)(,\s*\d+\s*:\s*\d+\s*)*)?$/.test(value.trim())
    ? null
    : `Invalid value ${value}: must be the wildcard '*' or a list of partitionId:brokerId`;
const messageFormatVersion = (value: string): string | null =>
  /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(value.trim()) ? null : `Invalid value ${value}: not a Kafka version`;
const tieredStorage = (value: string): string | null =>
  bool(value) ?? (value.trim().toLowerCase() === 'true' ? 'Tiered Storage functionality is disabled in the broker' : null);

const def = (
  name: string,
  defaultValue: string | null,
  type: ConfigType,
  brokerSynonym: string | null,
  validate: (value: string) => string | null,
  documentation: string,
): TopicConfigDef => ({ name, defaultValue, type, brokerSynonym, validate, documentation });

/** Kafka 3.x topic configs (LogConfig) with their defaults, in the order DescribeConfigs lists them. */
export const TOPIC_CONFIGS: ReadonlyArray<TopicConfigDef> = [
  def('cleanup.policy', 'delete', ConfigType.LIST, 'log.cleanup.policy', listOf('compact', 'delete'), 'Retention policy for old log segments: delete, compact or both.'),
  def('compression.type', 'producer', ConfigType.STRING, 'compression.type', oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'), 'Final compression type of the topic.'),
  def('delete.retention.ms', '86400000', ConfigType.LONG, 'log.cleaner.delete.retention.ms', long(0), 'How long delete tombstones are kept for compacted topics.'),
  def('file.delete.delay.ms', '60000', ConfigType.LONG, 'log.segment.delete.delay.ms', long(0), 'Time to wait before deleting a file from the filesystem.'),
  def('flush.messages', LONG_MAX, ConfigType.LONG, 'log.flush.interval.messages', long(1), 'Messages between forced fsyncs.'),
  def('flush.ms', LONG_MAX, ConfigType.LONG, 'log.flush.interval.ms', long(0), 'Time between forced fsyncs.'),
  def('follower.replication.throttled.replicas', '', ConfigType.LIST, 'follower.replication.throttled.replicas', throttledReplicas, 'Replicas throttled on the follower side.'),
  def('index.interval.bytes', '4096', ConfigType.INT, 'log.index.interval.bytes', int(0), 'Log bytes between two offset index entries.'),
  def('leader.replication.throttled.replicas', '', ConfigType.LIST, 'leader.replication.throttled.replicas', throttledReplicas, 'Replicas throttled on the leader side.'),
  def('local.retention.bytes', '-2', ConfigType.LONG, 'log.local.retention.bytes', long(-2), 'Local retention size with tiered storage (-2: retention.bytes).'),
  def('local.retention.ms', '-2', ConfigType.LONG, 'log.local.retention.ms', long(-2), 'Local retention time with tiered storage (-2: retention.ms).'),
  def('max.compaction.lag.ms', LONG_MAX, ConfigType.LONG, 'log.cleaner.max.compaction.lag.ms', long(1), 'Maximum time a message stays ineligible for compaction.'),
  def('max.message.bytes', '1048588', ConfigType.INT, 'message.max.bytes', int(0), 'Largest record batch size allowed.'),
  def('message.downconversion.enable', 'true', ConfigType.BOOLEAN, 'log.message.downconversion.enable', bool, 'Whether old consumers get down-converted batches.'),
  def('message.format.version', '3.0-IV1', ConfigType.STRING, 'log.message.format.version', messageFormatVersion, 'Deprecated; ignored with inter.broker.protocol.version 3.0 or later.'),
  def('message.timestamp.after.max.ms', LONG_MAX, ConfigType.LONG, 'log.message.timestamp.after.max.ms', long(0), 'Largest allowed gap of a timestamp after the broker time.'),
  def('message.timestamp.before.max.ms', LONG_MAX, ConfigType.LONG, 'log.message.timestamp.before.max.ms', long(0), 'Largest allowed gap of a timestamp before the broker time.'),
  def('message.timestamp.difference.max.ms', LONG_MAX, ConfigType.LONG, 'log.message.timestamp.difference.max.ms', long(0), 'Deprecated: largest allowed timestamp difference.'),
  def('message.timestamp.type', 'CreateTime', ConfigType.STRING, 'log.message.timestamp.type', oneOf('CreateTime', 'LogAppendTime'), 'CreateTime or LogAppendTime.'),
  def('min.cleanable.dirty.ratio', '0.5', ConfigType.DOUBLE, 'log.cleaner.min.cleanable.ratio', ratio, 'Dirty ratio that makes the log eligible for cleaning.'),
  def('min.compaction.lag.ms', '0', ConfigType.LONG, 'log.cleaner.min.compaction.lag.ms', long(0), 'Minimum time a message stays uncompacted.'),
  def('min.insync.replicas', '1', ConfigType.INT, 'min.insync.replicas', int(1), 'Minimum in-sync replicas for acks=all.'),
  def('preallocate', 'false', ConfigType.BOOLEAN, 'log.preallocate', bool, 'Preallocate segment files.'),
  def('remote.storage.enable', 'false', ConfigType.BOOLEAN, null, tieredStorage, 'Tiered storage (not supported by this broker).'),
  def('retention.bytes', '-1', ConfigType.LONG, 'log.retention.bytes', long(), 'Largest size a partition log grows to before old segments are deleted (-1: no limit).'),
  def('retention.ms', '604800000', ConfigType.LONG, 'log.retention.ms', long(-1), 'How long a segment is kept (-1: forever).'),
  def('segment.bytes', '1073741824', ConfigType.INT, 'log.segment.bytes', int(14), 'Segment file size.'),
  def('segment.index.bytes', '10485760', ConfigType.INT, 'log.index.size.max.bytes', int(4), 'Offset index size.'),
  def('segment.jitter.ms', '0', ConfigType.LONG, 'log.roll.jitter.ms', long(0), 'Random jitter subtracted from segment.ms.'),
  def('segment.ms', '604800000', ConfigType.LONG, 'log.roll.ms', long(1), 'Time after which a segment is rolled.'),
  def('unclean.leader.election.enable', 'false', ConfigType.BOOLEAN, 'unclean.leader.election.enable', bool, 'Allow out-of-sync replicas to become leader.'),
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** The definition of a topic config, or undefined for a name Kafka does not know. */
export const topicConfigDef = (name: string): TopicConfigDef | undefined => BY_NAME.get(name);

/**
 * Broker settings that supply topic defaults under another unit: Kafka's `log.retention.ms` >
 * `log.retention.minutes` > `log.retention.hours`, and `log.roll.ms` > `log.roll.hours`.
 */
const brokerDefault = (d: TopicConfigDef, broker: ReadonlyMap<string, string>): { name: string; value: string } | null => {
  const direct = d.brokerSynonym === null ? undefined : broker.get(d.brokerSynonym);
  if (d.brokerSynonym !== null && direct !== undefined) return { name: d.brokerSynonym, value: direct };
  return staticScaledDefault(d, broker);
};

const staticScaledDefault = (d: TopicConfigDef, broker: ReadonlyMap<string, string>): { name: string; value: string } | null => {
  const scaled = (name: string, factor: bigint): { name: string; value: string } | null => {
    const v = broker.get(name);
    return v === undefined || !/^-?\d+$/.test(v.trim()) ? null : { name, value: (BigInt(v.trim()) * factor).toString() };
  };
  if (d.name === 'retention.ms') return scaled('log.retention.minutes', 60000n) ?? scaled('log.retention.hours', 3600000n);
  if (d.name === 'segment.ms') return scaled('log.roll.hours', 3600000n);
  return null;
};

/** Validates topic config changes (CreateTopics, AlterConfigs): unknown names and bad values are INVALID_CONFIG. */
export const validateTopicConfigs = (
  configs: ReadonlyArray<{ readonly name: string; readonly value: string | null }>,
): E.Either<KafkaError, ReadonlyArray<{ name: string; value: string }>> => {
  const nulls = configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) {
    return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`));
  }
  const out: { name: string; value: string }[] = [];
  for (const c of configs) {
    const d = BY_NAME.get(c.name);
    if (d === undefined) return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`));
    const value = c.value as string;
    const why = d.validate(value);
    if (why !== null) return E.left(kafkaError(ErrorCode.INVALID_CONFIG, `${why} for configuration ${c.name}`));
    out.push({ name: c.name, value });
  }
  return E.right(out);
};

/** The value a topic uses for `name`: its override, else the broker's setting, else Kafka's default. */
export const effectiveTopicConfig = (
  name: string,
  overrides: ReadonlyMap<string, string>,
  broker: ReadonlyMap<string, string> | BrokerConfigLayers = new Map(),
): string | null => {
  const own = overrides.get(name);
  if (own !== undefined) return own;
  const d = BY_NAME.get(name);
  if (d === undefined) return null;
  return brokerSynonyms(d, layersOf(broker))[0]?.value ?? d.defaultValue;
};

/** The broker-level synonyms that supply a topic config's default, most specific first (dynamic node, dynamic cluster, static). */
const brokerSynonyms = (d: TopicConfigDef, layers: BrokerConfigLayers): ConfigSynonym[] => {
  const out: ConfigSynonym[] = [];
  const dyn = (m: ReadonlyMap<string, string>, source: ConfigSource) => {
    const v = d.brokerSynonym === null ? undefined : m.get(d.brokerSynonym);
    if (v !== undefined) out.push({ name: d.brokerSynonym as string, value: v, source });
  };
  dyn(layers.dynamic.node, ConfigSource.DYNAMIC_BROKER_CONFIG);
  dyn(layers.dynamic.cluster, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  const fromStatic = brokerDefault(d, layers.static);
  if (fromStatic !== null) out.push({ name: fromStatic.name, value: fromStatic.value, source: ConfigSource.STATIC_BROKER_CONFIG });
  return out;
};

/**
 * DescribeConfigs for a topic: every known topic config with its value and source (TOPIC_CONFIG for
 * overrides, STATIC_BROKER_CONFIG when a broker setting supplies it, DEFAULT_CONFIG otherwise).
 * `names` restricts the answer (null = all), as DescribeConfigs' ConfigurationKeys does.
 */
export const describeTopicConfigs = (
  overrides: ReadonlyMap<string, string>,
  broker: ReadonlyMap<string, string> | BrokerConfigLayers = new Map(),
  names: ReadonlyArray<string> | null = null,
): DescribedConfig[] =>
  TOPIC_CONFIGS.filter((d) => names === null || names.includes(d.name)).map((d) => {
    const synonyms: ConfigSynonym[] = [];
    const own = overrides.get(d.name);
    // Kafka's DYNAMIC_TOPIC_CONFIG (1): an override set by CreateTopics or AlterConfigs.
    if (own !== undefined) synonyms.push({ name: d.name, value: own, source: ConfigSource.TOPIC_CONFIG });
    synonyms.push(...brokerSynonyms(d, layersOf(broker)));
    synonyms.push({ name: d.brokerSynonym ?? d.name, value: d.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    const winner = synonyms[0];
    return {
      name: d.name,
      value: winner.value,
      readOnly: false,
      isDefault: winner.source === ConfigSource.DEFAULT_CONFIG,
      source: winner.source,
      isSensitive: false,
      type: d.type,
      documentation: d.documentation,
      synonyms,
    };
  });

/** The settings a partition log and Produce validation need, as numbers (parsed from validated configs). */
export interface TopicLogSettings {
  readonly segmentBytes: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly indexIntervalBytes: number;
  readonly maxMessageBytes: number;
  readonly logAppendTime: boolean;
}

/** Reads the log settings of a topic from its overrides and the broker's settings. */
export const topicLogSettings = (
  overrides: ReadonlyMap<string, string>,
  broker: ReadonlyMap<string, string> | BrokerConfigLayers = new Map(),
): TopicLogSettings => {
  const num = (name: string): number => Number(effectiveTopicConfig(name, overrides, broker));
  return {
    segmentBytes: num('segment.bytes'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    maxMessageBytes: num('max.message.bytes'),
    logAppendTime: effectiveTopicConfig('message.timestamp.type', overrides, broker) === 'LogAppendTime',
  };
};

/** The storage settings a partition log obeys (PartitionLogConfig's fields), parsed from validated configs. */
export interface TopicStorageSettings {
  readonly segmentBytes: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly indexIntervalBytes: number;
  readonly cleanupDelete: boolean;
  readonly cleanupCompact: boolean;
  readonly segmentMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly deleteRetentionMs: number;
}

/** Reads a topic's storage settings (segments, retention, compaction) from its overrides and the broker layers. */
export const topicStorageSettings = (
  overrides: ReadonlyMap<string, string>,
  broker: ReadonlyMap<string, string> | BrokerConfigLayers = new Map(),
): TopicStorageSettings => {
  const text = (name: string): string => effectiveTopicConfig(name, overrides, broker) ?? '';
  // Longs above 2^53 (Long.MAX_VALUE defaults) mean "never": clamp them to the largest safe number.
  const num = (name: string): number => Math.min(Number(text(name)), Number.MAX_SAFE_INTEGER);
  const policy = text('cleanup.policy').split(',').map((p) => p.trim());
  return {
    segmentBytes: num('segment.bytes'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    indexIntervalBytes: num('index.interval.bytes'),
    cleanupDelete: policy.includes('delete'),
    cleanupCompact: policy.includes('compact'),
    segmentMs: num('segment.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
    deleteRetentionMs: num('delete.retention.ms'),
  };
};
