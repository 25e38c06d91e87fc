import type { ConsumerProtocolCodec } from '../../../ports/consumer-protocol';
import { decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment } from './consumer-protocol';

/** Highest ConsumerProtocolAssignment version in the protocol definitions (v3 adds nothing to v1's layout). */
const MAX_ASSIGNMENT_VERSION = 3;

/** The `ConsumerProtocolCodec` port over the generated consumer-protocol schemas. */
export const consumerProtocolCodec: ConsumerProtocolCodec = {
  decodeSubscription(bytes) {
    try {
      const s = decodeConsumerSubscription(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { version: s.version, topics: s.topics, ownedPartitions: s.ownedPartitions, rackId: s.rackId };
    } catch {
      return null;
    }
  },
  decodeAssignment(bytes) {
    if (bytes.length === 0) return [];
    try {
      return decodeConsumerAssignment(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).assignedPartitions;
    } catch {
      return null;
    }
  },
  encodeAssignment(version, partitions) {
    const v = Math.max(0, Math.min(version, MAX_ASSIGNMENT_VERSION));
    return encodeConsumerAssignment(v, { assignedPartitions: partitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] })), userData: null });
  },
};
