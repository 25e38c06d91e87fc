/** Java's String.hashCode over UTF-16 code units (31·h + c, 32-bit wrap-around). */
export const javaStringHashCode = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
};

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0, not to itself. */
const kafkaAbs = (n: number): number => (n === -2147483648 ? 0 : Math.abs(n));

/**
 * The coordinator shard of a group: Kafka's `__consumer_offsets` partition for the group id,
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions` (docs/scale-out.md).
 */
export const shardOf = (groupId: string, shards: number): number => kafkaAbs(javaStringHashCode(groupId)) % shards;
