/** The topic aggregate's public surface (state, evolve, decisions, configs), for the application layer. */
export type { TopicEvent } from './events';
export { initialTopics, type Topic, type TopicsState } from './topic-state';
export { evolveTopic, replayTopics } from './evolve-topic';
export { topicSnapshotEvents } from './topic-snapshot';
export { validateTopicName, unifyCollisionChars, isInternalTopic, MAX_TOPIC_NAME_LENGTH } from './topic-name';
export { topicIdFromBytes, topicIdGenerator, type TopicIdGenerator } from './topic-id';
export {
  decideCreateTopic,
  type CreateTopicCommand,
  type CreateTopicContext,
  type CreateTopicOutcome,
} from './decide-create-topic';
export { decideCreatePartitions, type CreatePartitionsCommand } from './decide-create-partitions';
export { decideDeleteTopic, type DeleteTopicTarget, type DeleteTopicOutcome } from './decide-delete-topic';
export { decideAlterTopicConfigs, type AlterOp, type AlterTopicConfigsCommand } from './decide-alter-topic-configs';
export {
  TOPIC_CONFIGS,
  topicConfigDef,
  validateTopicConfigs,
  effectiveTopicConfig,
  describeTopicConfigs,
  topicLogSettings,
  type TopicConfigDef,
  type TopicLogSettings,
} from './topic-configs';
export { BROKER_CONFIGS, brokerConfigValue, describeBrokerConfigs, type BrokerConfigDef } from './broker-configs';
export { ConfigSource, ConfigType, type DescribedConfig, type ConfigSynonym } from './config-entry';
