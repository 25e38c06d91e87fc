import { decodeConsumerSubscription } from '../protocol';

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
