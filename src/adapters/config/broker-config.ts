import * as t from 'io-ts';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { validateSecurityConfig } from './security-config';

/** A TCP port number. */
const Port = t.refinement(t.Integer, (n) => n >= 0 && n <= 65535, 'Port');
/** A strictly positive integer. */
const PositiveInt = t.refinement(t.Integer, (n) => n > 0, 'PositiveInt');
/** A non-negative integer. */
const NonNegativeInt = t.refinement(t.Integer, (n) => n >= 0, 'NonNegativeInt');
const LogLevel = t.keyof({ trace: null, debug: null, info: null, warn: null, error: null, fatal: null, silent: null });
/** `always` | `os` | `interval:<ms>` — see docs/configuration.md for each policy's loss window. */
/** Where the MetaLog's fdatasync runs: on the libuv threadpool, or blocking the event loop (−~100 µs per flush, benchmarks.md Part D.2). */
const SyncMode = t.keyof({ threadpool: null, blocking: null });
/** KC-25 `group.consumer.assignors`: a comma-separated list of the server assignors Cohort has, no repeats. */
const ASSIGNOR_NAMES = new Set(['uniform', 'range']);
const AssignorList = t.refinement(
  t.string,
  (s) => {
    const names = s.split(',').map((n) => n.trim());
    return names.length > 0 && names.every((n) => ASSIGNOR_NAMES.has(n)) && new Set(names).size === names.length;
  },
  'AssignorList (uniform,range)',
);
/** KC-62 `group.consumer.migration.policy`. */
const MigrationPolicy = t.keyof({ bidirectional: null, upgrade: null, downgrade: null, disabled: null });
const FsyncPolicy = t.refinement(t.string, (s) => s === 'always' || s === 'os' || /^interval:[1-9][0-9]*$/.test(s), 'FsyncPolicy');
/** `file`, or `jetstream://host:port[,host:port...]` (cluster mode). */
const MetaLogUrl = t.refinement(t.string, (s) => s === 'file' || /^jetstream:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}(,[A-Za-z0-9.\-[\]:]+:\d{1,5})*$/.test(s), 'MetaLogUrl (file | jetstream://host:port,...)');
/** `ssl.client.auth` (security.md LS-5). */
const SslClientAuth = t.keyof({ required: null, requested: null, none: null });

/** Every broker setting, decoded from flags, COHORT_* variables and an optional JSON file. */
export const BrokerConfigCodec = t.strict({
  dataDir: t.string,
  /** Issue 15: `file` (single node) or `jetstream://host:port,...` (cluster mode, docs/scale-out.md). */
  metalog: MetaLogUrl,
  offsetsTopicNumPartitions: PositiveInt,
  leaseTtlMs: PositiveInt,
  /** Issue 15: where cluster mode keeps partition records: JetStream with leased leaders (default), or the controller's files. */
  partitionLogs: t.keyof({ file: null, jetstream: null }),
  host: t.string,
  port: Port,
  advertisedHost: t.union([t.string, t.null]),
  advertisedPort: t.union([Port, t.null]),
  nodeId: NonNegativeInt,
  clusterId: t.string,
  logLevel: LogLevel,
  maxFrameBytes: PositiveInt,
  fsync: FsyncPolicy,
  metalogSyncMode: SyncMode,
  autoCreateTopics: t.boolean,
  numPartitions: PositiveInt,
  messageMaxBytes: PositiveInt,
  groupInitialRebalanceDelayMs: NonNegativeInt,
  groupMinSessionTimeoutMs: NonNegativeInt,
  groupMaxSessionTimeoutMs: NonNegativeInt,
  groupMaxSize: PositiveInt,
  offsetsRetentionMinutes: PositiveInt,
  offsetsRetentionCheckIntervalMs: PositiveInt,
  offsetMetadataMaxBytes: NonNegativeInt,
  offsetsCommitTimeoutMs: PositiveInt,
  transactionMaxTimeoutMs: PositiveInt,
  transactionalIdExpirationMs: PositiveInt,
  transactionAbortTimedOutTransactionCleanupIntervalMs: PositiveInt,
  transactionRemoveExpiredTransactionCleanupIntervalMs: PositiveInt,
  producerIdExpirationMs: PositiveInt,
  producerIdExpirationCheckIntervalMs: PositiveInt,
  groupHistoryMaxGenerations: PositiveInt,
  groupConsumerHeartbeatIntervalMs: PositiveInt,
  groupConsumerSessionTimeoutMs: PositiveInt,
  groupConsumerMaxSize: PositiveInt,
  groupConsumerAssignors: AssignorList,
  groupConsumerMigrationPolicy: MigrationPolicy,
  /** C6 admission control: percent of the heap limit at which new members, groups and offsets are refused (100 = never; no Kafka equivalent). */
  groupAdmissionHeapPercent: t.refinement(t.Integer, (n) => n >= 1 && n <= 100, 'Percent'),
  snapshotEveryEvents: PositiveInt,
  metalogSegmentBytes: PositiveInt,
  maxConnections: PositiveInt,
  frameTimeoutMs: PositiveInt,
  socketSendBufferCapBytes: PositiveInt,
  /** Prometheus endpoint port; null (the default) serves no metrics at all. */
  metricsPort: t.union([Port, t.null]),
  metricsHost: t.string,
  /** Log compaction (issue 13): Kafka's log.cleaner.enable, log.cleaner.backoff.ms, log.cleaner.io.max.bytes.per.second. */
  logCleanerEnable: t.boolean,
  logCleanerBackoffMs: NonNegativeInt,
  logCleanerIoMaxBytesPerSecond: t.union([PositiveInt, t.null]),
  /** Percent of the event loop the cleaner may use while it runs (no Kafka equivalent: Kafka cleans on its own threads). */
  logCleanerMaxLoopPercent: t.refinement(t.Integer, (n) => n >= 1 && n <= 100, 'Percent'),
  /** KIP-227: Kafka's max.incremental.fetch.session.cache.slots. */
  maxIncrementalFetchSessionCacheSlots: NonNegativeInt,
  // Security (issue 17; security.md LS/SA/AC rules, Kafka's names): see src/adapters/config/security-config.ts.
  /** `listeners`: `NAME://host:port,...`; null = one PLAINTEXT listener on --host/--port. */
  listeners: t.union([t.string, t.null]),
  /** `advertised.listeners`: per listener name; null = each listener's own address. */
  advertisedListeners: t.union([t.string, t.null]),
  listenerSecurityProtocolMap: t.string,
  saslEnabledMechanisms: t.string,
  sslKeystoreLocation: t.union([t.string, t.null]),
  sslKeyPassword: t.union([t.string, t.null]),
  sslTruststoreLocation: t.union([t.string, t.null]),
  sslClientAuth: SslClientAuth,
  sslEnabledProtocols: t.string,
  authorizerEnabled: t.boolean,
  superUsers: t.string,
  allowEveryoneIfNoAclFound: t.boolean,
  connectionFailedAuthenticationDelayMs: NonNegativeInt,
  saslServerMaxReceiveSize: PositiveInt,
});
export type BrokerConfig = t.TypeOf<typeof BrokerConfigCodec>;

/** Embedded defaults: Kafka's where Kafka has one (group-coordinator.md section 6). */
export const DEFAULT_CONFIG: BrokerConfig = {
  dataDir: './data',
  metalog: 'file',
  offsetsTopicNumPartitions: 50,
  leaseTtlMs: 9000,
  partitionLogs: 'jetstream',
  host: '0.0.0.0',
  port: 9092,
  advertisedHost: null,
  advertisedPort: null,
  nodeId: 0,
  clusterId: 'cohort-cluster-0000000',
  logLevel: 'info',
  maxFrameBytes: 100 * 1024 * 1024,
  fsync: 'always',
  metalogSyncMode: 'threadpool',
  autoCreateTopics: true,
  numPartitions: 1,
  messageMaxBytes: 1048588,
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1800000,
  groupMaxSize: 2147483647,
  offsetsRetentionMinutes: 10080,
  offsetsRetentionCheckIntervalMs: 600000,
  offsetMetadataMaxBytes: 4096,
  offsetsCommitTimeoutMs: 5000,
  transactionMaxTimeoutMs: 900000,
  transactionalIdExpirationMs: 604800000,
  transactionAbortTimedOutTransactionCleanupIntervalMs: 10000,
  transactionRemoveExpiredTransactionCleanupIntervalMs: 3600000,
  producerIdExpirationMs: 86400000,
  producerIdExpirationCheckIntervalMs: 600000,
  groupHistoryMaxGenerations: 100,
  groupConsumerHeartbeatIntervalMs: 5000,
  groupConsumerSessionTimeoutMs: 45000,
  groupConsumerMaxSize: 2147483647,
  groupConsumerAssignors: 'uniform,range',
  groupConsumerMigrationPolicy: 'bidirectional',
  groupAdmissionHeapPercent: 85,
  snapshotEveryEvents: 100000,
  metalogSegmentBytes: 64 * 1024 * 1024,
  maxConnections: 10000,
  frameTimeoutMs: 30000,
  socketSendBufferCapBytes: 1024 * 1024,
  metricsPort: null,
  metricsHost: '127.0.0.1',
  logCleanerEnable: true,
  logCleanerBackoffMs: 15000,
  logCleanerIoMaxBytesPerSecond: null,
  logCleanerMaxLoopPercent: 25,
  maxIncrementalFetchSessionCacheSlots: 1000,
  listeners: null,
  advertisedListeners: null,
  listenerSecurityProtocolMap: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
  saslEnabledMechanisms: 'SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
  sslKeystoreLocation: null,
  sslKeyPassword: null,
  sslTruststoreLocation: null,
  sslClientAuth: 'none',
  sslEnabledProtocols: 'TLSv1.2,TLSv1.3',
  authorizerEnabled: false,
  superUsers: '',
  allowEveryoneIfNoAclFound: false,
  connectionFailedAuthenticationDelayMs: 100,
  saslServerMaxReceiveSize: 524288,
};

/** Option names as users type them (flags, env suffix, JSON keys) mapped to config keys. */
export const OPTION_NAMES: Record<keyof BrokerConfig, string> = {
  dataDir: 'data-dir',
  metalog: 'metalog',
  offsetsTopicNumPartitions: 'offsets-topic-num-partitions',
  leaseTtlMs: 'lease-ttl-ms',
  partitionLogs: 'partition-logs',
  host: 'host',
  port: 'port',
  advertisedHost: 'advertised-host',
  advertisedPort: 'advertised-port',
  nodeId: 'node-id',
  clusterId: 'cluster-id',
  logLevel: 'log-level',
  maxFrameBytes: 'max-frame-bytes',
  fsync: 'fsync',
  metalogSyncMode: 'metalog-sync-mode',
  autoCreateTopics: 'auto-create-topics',
  numPartitions: 'num-partitions',
  messageMaxBytes: 'message-max-bytes',
  groupInitialRebalanceDelayMs: 'group-initial-rebalance-delay-ms',
  groupMinSessionTimeoutMs: 'group-min-session-timeout-ms',
  groupMaxSessionTimeoutMs: 'group-max-session-timeout-ms',
  groupMaxSize: 'group-max-size',
  offsetsRetentionMinutes: 'offsets-retention-minutes',
  offsetsRetentionCheckIntervalMs: 'offsets-retention-check-interval-ms',
  offsetMetadataMaxBytes: 'offset-metadata-max-bytes',
  offsetsCommitTimeoutMs: 'offsets-commit-timeout-ms',
  transactionMaxTimeoutMs: 'transaction-max-timeout-ms',
  transactionalIdExpirationMs: 'transactional-id-expiration-ms',
  transactionAbortTimedOutTransactionCleanupIntervalMs: 'transaction-abort-timed-out-transaction-cleanup-interval-ms',
  transactionRemoveExpiredTransactionCleanupIntervalMs: 'transaction-remove-expired-transaction-cleanup-interval-ms',
  producerIdExpirationMs: 'producer-id-expiration-ms',
  producerIdExpirationCheckIntervalMs: 'producer-id-expiration-check-interval-ms',
  groupHistoryMaxGenerations: 'group-history-max-generations',
  groupConsumerHeartbeatIntervalMs: 'group-consumer-heartbeat-interval-ms',
  groupConsumerSessionTimeoutMs: 'group-consumer-session-timeout-ms',
  groupConsumerMaxSize: 'group-consumer-max-size',
  groupConsumerAssignors: 'group-consumer-assignors',
  groupConsumerMigrationPolicy: 'group-consumer-migration-policy',
  groupAdmissionHeapPercent: 'group-admission-heap-percent',
  snapshotEveryEvents: 'snapshot-every-events',
  metalogSegmentBytes: 'metalog-segment-bytes',
  maxConnections: 'max-connections',
  frameTimeoutMs: 'frame-timeout-ms',
  socketSendBufferCapBytes: 'socket-send-buffer-cap-bytes',
  metricsPort: 'metrics-port',
  metricsHost: 'metrics-host',
  logCleanerEnable: 'log-cleaner-enable',
  logCleanerBackoffMs: 'log-cleaner-backoff-ms',
  logCleanerIoMaxBytesPerSecond: 'log-cleaner-io-max-bytes-per-second',
  logCleanerMaxLoopPercent: 'log-cleaner-max-loop-percent',
  maxIncrementalFetchSessionCacheSlots: 'max-incremental-fetch-session-cache-slots',
  listeners: 'listeners',
  advertisedListeners: 'advertised-listeners',
  listenerSecurityProtocolMap: 'listener-security-protocol-map',
  saslEnabledMechanisms: 'sasl-enabled-mechanisms',
  sslKeystoreLocation: 'ssl-keystore-location',
  sslKeyPassword: 'ssl-key-password',
  sslTruststoreLocation: 'ssl-truststore-location',
  sslClientAuth: 'ssl-client-auth',
  sslEnabledProtocols: 'ssl-enabled-protocols',
  authorizerEnabled: 'authorizer-enabled',
  superUsers: 'super-users',
  allowEveryoneIfNoAclFound: 'allow-everyone-if-no-acl-found',
  connectionFailedAuthenticationDelayMs: 'connection-failed-authentication-delay-ms',
  saslServerMaxReceiveSize: 'sasl-server-max-receive-size',
};

/** A configuration problem, reported as one line naming the option. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const kebabToKey = new Map(Object.entries(OPTION_NAMES).map(([k, v]) => [v, k as keyof BrokerConfig]));
const envToKey = new Map(
  Object.entries(OPTION_NAMES).map(([k, v]) => [`COHORT_${v.toUpperCase().replace(/-/g, '_')}`, k as keyof BrokerConfig]),
);

const NUMERIC = new Set<keyof BrokerConfig>(
  (Object.keys(DEFAULT_CONFIG) as (keyof BrokerConfig)[]).filter(
    (k) => typeof DEFAULT_CONFIG[k] === 'number' || k === 'advertisedPort' || k === 'metricsPort' || k === 'logCleanerIoMaxBytesPerSecond',
  ),
);
const BOOLEAN = new Set<keyof BrokerConfig>(['autoCreateTopics', 'logCleanerEnable', 'authorizerEnabled', 'allowEveryoneIfNoAclFound']);

/** Turns a textual value (flag or env var) into the JSON type io-ts expects; leaves bad text for io-ts to reject. */
const fromText = (key: keyof BrokerConfig, raw: string): unknown => {
  if (NUMERIC.has(key)) return /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : raw;
  if (BOOLEAN.has(key)) return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
};

/** Reads COHORT_* variables; an unknown COHORT_ variable is an error (a typo must not be ignored silently). */
export const configFromEnv = (env: NodeJS.ProcessEnv): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('COHORT_') || value === undefined) continue;
    const key = envToKey.get(name);
    if (key === undefined) {
      if (name === 'COHORT_CONFIG' || name === 'COHORT_WAL_METADATA') continue;
      throw new ConfigError(`unknown environment variable ${name}`);
    }
    out[key] = fromText(key, value);
  }
  return out;
};

/** Maps textual flag values (kebab-case names) to config keys. */
export const configFromFlags = (flags: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flags)) {
    const key = kebabToKey.get(name);
    if (key === undefined) throw new ConfigError(`unknown option --${name}`);
    out[key] = fromText(key, value);
  }
  return out;
};

/** Accepts a JSON config file object whose keys are either camelCase keys or kebab-case option names. */
export const configFromFile = (json: unknown, file: string): Record<string, unknown> => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`config file ${file}: expected a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    const key = (name in DEFAULT_CONFIG ? name : kebabToKey.get(name)) as keyof BrokerConfig | undefined;
    if (key === undefined) throw new ConfigError(`config file ${file}: unknown option "${name}"`);
    out[key] = value;
  }
  return out;
};

/** Layers defaults < file < env < flags and decodes with io-ts; the first problem becomes one line naming the option. */
export const resolveConfig = (...layers: Record<string, unknown>[]): BrokerConfig => {
  const merged = Object.assign({}, DEFAULT_CONFIG, ...layers);
  return pipe(
    BrokerConfigCodec.decode(merged),
    E.getOrElseW((errors) => {
      const first = errors[0];
      const key = first?.context[1]?.key as keyof BrokerConfig | undefined;
      const name = key !== undefined && key in OPTION_NAMES ? OPTION_NAMES[key] : 'config';
      const expected = first?.context[first.context.length - 1]?.type.name ?? 'a valid value';
      throw new ConfigError(`invalid value ${JSON.stringify(first?.value)} for --${name} (expected ${expected})`);
    }),
    (cfg) => {
      if (cfg.groupMinSessionTimeoutMs > cfg.groupMaxSessionTimeoutMs) {
        throw new ConfigError('--group-min-session-timeout-ms must not exceed --group-max-session-timeout-ms');
      }
      validateSecurityConfig(cfg);
      // Kafka: group.consumer.heartbeat.interval.ms must be smaller than group.consumer.session.timeout.ms.
      if (cfg.groupConsumerHeartbeatIntervalMs >= cfg.groupConsumerSessionTimeoutMs) {
        throw new ConfigError('--group-consumer-heartbeat-interval-ms must be smaller than --group-consumer-session-timeout-ms');
      }
      return cfg;
    },
  );
};
