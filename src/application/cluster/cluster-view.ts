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
