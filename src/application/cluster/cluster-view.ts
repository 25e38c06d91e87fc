import type { BrokerEndpoint } from './lease-manager';

/**
 * What Metadata, FindCoordinator and DescribeCluster answer in cluster mode (docs/scale-out.md);
 * absent on a single node, where this broker is everything.
 */
export interface ClusterView {
  /** Live brokers, by node id. */
  brokers(): BrokerEndpoint[];
  /** The metadata shard's owner, or -1 while none holds it. */
  controllerId(): number;
  /**
   * Leader of a topic partition (-1: none right now): the holder of its lease with partitions on
   * JetStream, otherwise the controller, which then holds every partition's file log.
   */
  partitionLeader(topic: string, partition: number): number;
  /** The owner of the coordinator shard of a group id (or transactional id), or null while none holds it. */
  coordinatorOf(key: string): BrokerEndpoint | null;
}

/**
 * The `controllerId` Metadata and DescribeCluster answer: the metadata shard's owner, or this broker
 * while none is known (at start-up, before the lease is seen, and for up to a TTL after the owner
 * died). A KRaft broker names a live broker there too, never -1, since clients cannot reach the
 * controller itself. A client sends its controller requests to this broker, is answered
 * NOT_CONTROLLER (controllerGuard), refreshes Metadata and retries; with -1 kafkajs's admin failed
 * at once (KafkaJSBrokerNotFound: "Broker -1 not found in the cached metadata", not retried).
 * FindCoordinator for transactions keeps `controllerId()` and answers COORDINATOR_NOT_AVAILABLE.
 */
export const advertisedControllerId = (cluster: ClusterView | undefined, self: number): number => {
  if (cluster === undefined) return self;
  const owner = cluster.controllerId();
  return owner === -1 ? self : owner;
};
