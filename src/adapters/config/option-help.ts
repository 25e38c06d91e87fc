import type { BrokerConfig } from './broker-config';

/**
 * The `--help` line of every broker option: what it does, and the Kafka setting it mirrors (or that
 * it is Cohort's own). docs/configuration.md repeats these lines in its table.
 */
export const OPTION_HELP: Record<keyof BrokerConfig, string> = {
  dataDir: "where the MetaLog, snapshots and partition logs live (Kafka's log.dirs)",
  host: 'address the Kafka listener binds (the host part of Kafka\'s listeners)',
  port: "Kafka listener port (the port part of Kafka's listeners)",
  advertisedHost: "host Metadata and FindCoordinator tell clients to reconnect to (Kafka's advertised.listeners); unset with a wildcard --host: 127.0.0.1",
  advertisedPort: "port advertised to clients (Kafka's advertised.listeners); unset: the bound port",
  nodeId: "this broker's id in Metadata (Kafka's node.id)",
  clusterId: 'cluster id reported by Metadata and DescribeCluster (Kafka\'s cluster.id from kafka-storage format)',
  logLevel: 'JSON log level on stderr: trace|debug|info|warn|error|fatal|silent (Cohort only)',
  maxFrameBytes: "largest request frame accepted; a larger size prefix closes the connection (Kafka's socket.request.max.bytes)",
  fsync: "durability of the MetaLog and partition logs: always | interval:<ms> | os (Kafka's log.flush.interval.ms, with always as the default)",
  metalogSyncMode: 'where the MetaLog fdatasync runs: threadpool | blocking (Cohort only; blocking is faster but freezes the event loop per flush)',
  autoCreateTopics: "create a topic when a client first names it (Kafka's auto.create.topics.enable)",
  numPartitions: "partitions of auto-created topics and of CreateTopics with -1 (Kafka's num.partitions)",
  messageMaxBytes: "largest record batch a produce may carry (Kafka's message.max.bytes)",
  groupInitialRebalanceDelayMs: "how long a new group waits for more members before its first rebalance (Kafka's group.initial.rebalance.delay.ms)",
  groupMinSessionTimeoutMs: "smallest session timeout a JoinGroup may ask for (Kafka's group.min.session.timeout.ms)",
  groupMaxSessionTimeoutMs: "largest session timeout a JoinGroup may ask for (Kafka's group.max.session.timeout.ms)",
  groupMaxSize: "most members a classic group admits (Kafka's group.max.size)",
  offsetsRetentionMinutes: "how long committed offsets of an idle group are kept (Kafka's offsets.retention.minutes)",
  offsetsRetentionCheckIntervalMs: "how often expired offsets are removed (Kafka's offsets.retention.check.interval.ms)",
  offsetMetadataMaxBytes: "longest metadata string of a committed offset (Kafka's offset.metadata.max.bytes)",
  offsetsCommitTimeoutMs: "an OffsetCommit not durable by then answers COORDINATOR_NOT_AVAILABLE (Kafka's offsets.commit.timeout.ms)",
  groupHistoryMaxGenerations: 'generations of rebalance history kept per group for `groups history` and /groups (Cohort only)',
  groupConsumerHeartbeatIntervalMs: "heartbeat interval the coordinator tells KIP-848 consumers (Kafka's group.consumer.heartbeat.interval.ms)",
  groupConsumerSessionTimeoutMs: "a KIP-848 consumer that does not heartbeat within this is removed (Kafka's group.consumer.session.timeout.ms)",
  groupConsumerMaxSize: "most members a KIP-848 consumer group admits (Kafka's group.consumer.max.size)",
  groupConsumerAssignors: "server-side assignors of KIP-848 groups, comma-separated, the first is the default: uniform, range (Kafka's group.consumer.assignors)",
  groupConsumerMigrationPolicy: "online conversion of groups with members between the classic and the KIP-848 protocol: bidirectional | upgrade | downgrade | disabled (Kafka's group.consumer.migration.policy)",
  snapshotEveryEvents: 'write a snapshot of the folded state every N MetaLog events, then drop the segments it covers (Cohort only; Kafka compacts __consumer_offsets instead)',
  metalogSegmentBytes: "size of a preallocated MetaLog segment file (like Kafka's log.segment.bytes)",
  maxConnections: "most client connections at once; more are refused (Kafka's max.connections)",
  frameTimeoutMs: 'close a connection whose request frame is not complete in time: a slowloris defence (Cohort only)',
  socketSendBufferCapBytes: 'stop reading a connection whose unsent responses exceed this (Kafka\'s channel muting; Cohort sizes it)',
  metricsPort: 'serve Prometheus /metrics and the /groups history pages on this port; unset: off (Cohort only, like a JMX exporter)',
  metricsHost: 'address the metrics listener binds, loopback by default (Cohort only)',
};
