// The composition root's services: group coordinator settings, security, topics, partition writer
// and transactions (main.ts and main-cluster.ts load it into their containers).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { ContainerModule } from 'inversify';
import type { BrokerConfig } from './adapters/config/broker-config';
import { TYPES } from './ports/symbols';
import type { Clock } from './ports/clock';
import type { PartitionLogStore } from './ports/partition-log';
import { topicIdFromBytes } from './domain/topic/topic-id';
import { TopicService } from './application/topic-service';
import { AppendNotifier } from './application/append-notifier';
import { PartitionWriter } from './application/partition-writer';
import { MetaJournal } from './application/meta-journal';
import { GROUP_COORDINATOR_CONFIG, defaultGroupCoordinatorConfig } from './application/group-coordinator';
import { AUTHORIZER, type Authorizer } from './ports/authorizer';
import { SecurityService } from './application/security-service';
import { parseSuperUsers } from './adapters/config/security-config';
import { TOPIC_METADATA, type TopicMetadataSource } from './ports/topic-metadata';
import { TOPIC_REGEX, type TopicRegexCompiler } from './ports/topic-regex';
import { re2TopicRegex } from './adapters/regex/re2-topic-regex';
import { CONSUMER_PROTOCOL, type ConsumerProtocolCodec } from './ports/consumer-protocol';
import { consumerProtocolCodec } from './adapters/kafka/protocol/consumer-protocol-codec';
import { TRANSACTION_SETTINGS } from './application/transaction/transaction-module';
import { TXN_MARKER_SINK } from './ports/transaction-sinks';
import { PartitionTxnMarkerSink } from './adapters/kafka/txn-marker-writer';

/** The group coordinator's settings (its services come with `groupCoordinatorModule`) and the topic service. */
export const servicesModule = (config: BrokerConfig): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind(GROUP_COORDINATOR_CONFIG).toConstantValue(
      defaultGroupCoordinatorConfig({
        groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        groupMaxSize: config.groupMaxSize,
        offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
        offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
        offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
        offsetsCommitTimeoutMs: config.offsetsCommitTimeoutMs,
        historyMaxGenerations: config.groupHistoryMaxGenerations,
        consumerHeartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
        consumerSessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
        consumerMaxSize: config.groupConsumerMaxSize,
        consumerAssignors: config.groupConsumerAssignors.split(',').map((n) => n.trim()),
        consumerMigrationPolicy: config.groupConsumerMigrationPolicy,
        admissionHeapPercent: config.groupAdmissionHeapPercent,
      }),
    );
    bind(SecurityService)
      .toDynamicValue((ctx) => new SecurityService(
        ctx.get<MetaJournal>(TYPES.MetaLog),
        { enabled: config.authorizerEnabled, superUsers: parseSuperUsers(config.superUsers), allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound },
        () => topicIdFromBytes(randomBytes(16)),
      ))
      .inSingletonScope();
    bind<Authorizer>(AUTHORIZER).toDynamicValue((ctx) => ctx.get(SecurityService)).inSingletonScope();
    // KIP-848 assignors see the durable topics (KC-24) and compile regexes as RE2/J does (KC-12).
    bind<TopicMetadataSource>(TOPIC_METADATA).toDynamicValue((ctx) => ctx.get(TopicService)).inSingletonScope();
    bind<TopicRegexCompiler>(TOPIC_REGEX).toConstantValue(re2TopicRegex);
    // Classic members of KIP-848 groups and conversions read and write consumer-protocol bytes (KC-60…KC-62).
    bind<ConsumerProtocolCodec>(CONSUMER_PROTOCOL).toConstantValue(consumerProtocolCodec);
    // Issue 16: one partition writer (producer state, LSO, aborted index) for Produce, Fetch and the markers.
    bind(AppendNotifier).toConstantValue(new AppendNotifier());
    bind(PartitionWriter).toDynamicValue((ctx) => {
      const clock = ctx.get<Clock>(TYPES.Clock);
      return new PartitionWriter(ctx.get(AppendNotifier), () => clock.now());
    }).inSingletonScope();
    bind(TRANSACTION_SETTINGS).toConstantValue({
      maxTimeoutMs: config.transactionMaxTimeoutMs,
      idExpirationMs: config.transactionalIdExpirationMs,
      abortTimedOutIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
      removeExpiredIntervalMs: config.transactionRemoveExpiredTransactionCleanupIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      producerIdExpirationCheckIntervalMs: config.producerIdExpirationCheckIntervalMs,
    });
    bind(TXN_MARKER_SINK).toDynamicValue((ctx) => {
      const clock = ctx.get<Clock>(TYPES.Clock);
      return new PartitionTxnMarkerSink(ctx.get(TopicService), ctx.get(PartitionWriter), () => clock.now());
    }).inSingletonScope();
    bind(TopicService)
      .toDynamicValue((ctx) => {
        const clock = ctx.get<Clock>(TYPES.Clock);
        const brokerSettings = new Map([
          ['message.max.bytes', String(config.messageMaxBytes)],
          ['num.partitions', String(config.numPartitions)],
          ['auto.create.topics.enable', String(config.autoCreateTopics)],
          ['log.cleaner.enable', String(config.logCleanerEnable)],
          ['log.cleaner.backoff.ms', String(config.logCleanerBackoffMs)],
          ...(config.logCleanerIoMaxBytesPerSecond === null ? [] : [['log.cleaner.io.max.bytes.per.second', String(config.logCleanerIoMaxBytesPerSecond)] as [string, string]]),
          ['max.incremental.fetch.session.cache.slots', String(config.maxIncrementalFetchSessionCacheSlots)],
        ]);
        return new TopicService(
          ctx.get<MetaJournal>(TYPES.MetaLog),
          ctx.get<PartitionLogStore>(TYPES.PartitionLogStore),
          { autoCreateTopics: config.autoCreateTopics, numPartitions: config.numPartitions, nodeId: config.nodeId, brokerSettings },
          () => topicIdFromBytes(randomBytes(16)),
          () => clock.now(),
        );
      })
      .inSingletonScope();
  });
