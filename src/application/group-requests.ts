import type { GroupCoordinator } from './group-coordinator';

/**
 * What the Kafka group handlers need from a coordinator: one broker's `GroupCoordinator` (single
 * node, every shard in one) or the cluster's `ShardRouter` (one coordinator per owned shard).
 */
export type GroupRequests = Pick<
  GroupCoordinator,
  | 'joinGroup'
  | 'syncGroup'
  | 'heartbeat'
  | 'leaveGroup'
  | 'consumerGroupHeartbeat'
  | 'describeConsumerGroups'
  | 'offsetCommit'
  | 'offsetFetch'
  | 'offsetDelete'
  | 'onTopicsDeleted'
  | 'describeGroups'
  | 'listGroups'
  | 'deleteGroups'
  | 'validateTxnOffsetCommit'
  | 'offsetMetadataMaxBytes'
>;
