import { decodeConsumerAssignment, decodeConsumerSubscription } from '../protocol';

/**
 * OF-21: the topics a classic "consumer" member subscribes to, parsed from its embedded
 * ConsumerProtocolSubscription bytes; null when the bytes are not a consumer subscription.
 */
export const subscriptionTopics = (protocolType: string, metadata: Buffer): string[] | null => {
  if (protocolType !== 'consumer') return null;
  try {
    return decodeConsumerSubscription(metadata).topics;
  } catch {
    return null;
  }
};

/**
 * PE-13: how many partitions a classic consumer assignment gives its member, for the group history;
 * null when the bytes are not a ConsumerProtocolAssignment (another protocol type, or garbage).
 * An empty assignment is 0 partitions.
 */
export const assignedPartitionCount = (assignment: Buffer): number | null => {
  if (assignment.length === 0) return 0;
  try {
    return decodeConsumerAssignment(assignment).assignedPartitions.reduce((n, t) => n + t.partitions.length, 0);
  } catch {
    return null;
  }
};
