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
  /** Leader of every topic partition: the controller holds partition data in this release (-1: none). */
  partitionLeader(): number;
  /** The owner of the coordinator shard of a group id (or transactional id), or null while none holds it. */
  coordinatorOf(key: string): BrokerEndpoint | null;
}
