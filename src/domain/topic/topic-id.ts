/** A source of fresh topic ids; injected so decisions stay pure and tests deterministic. */
export type TopicIdGenerator = () => string;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Renders 16 bytes as Kafka's Uuid.toString: unpadded base64url, 22 characters. */
export const topicIdFromBytes = (bytes: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < 16; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    if (i + 1 < 16) out += ALPHABET[(n >> 6) & 63];
    if (i + 2 < 16) out += ALPHABET[n & 63];
  }
  return out;
};

/** Kafka's reserved ids: ZERO_UUID ("AAAAAAAAAAAAAAAAAAAAAA") and METADATA_TOPIC_ID ("AAAAAAAAAAAAAAAAAAAAAQ"). */
const RESERVED = new Set(['AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAQ']);

/**
 * A generator over a random-bytes source, as Uuid.randomUuid: it draws again for a reserved id or
 * one starting with '-' (such ids read as command-line flags).
 */
export const topicIdGenerator = (randomBytes: (n: number) => Uint8Array): TopicIdGenerator => () => {
  for (;;) {
    const id = topicIdFromBytes(randomBytes(16));
    if (!RESERVED.has(id) && !id.startsWith('-')) return id;
  }
};
