import { EncodeError } from './encode-error';

/** Kafka renders a UUID as URL-safe base64 without padding (org.apache.kafka.common.Uuid#toString): 22 chars. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidFromBytes(b: Buffer): string {
  return b.toString('base64url');
}

export function uuidToBytes(s: unknown): Buffer {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(s)) throw new EncodeError(`invalid uuid ${String(s)}`);
  const b = Buffer.from(s, 'base64url');
  if (b.length !== 16) throw new EncodeError(`invalid uuid ${s}`);
  return b;
}
