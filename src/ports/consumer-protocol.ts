/**
 * The consumer protocol's embedded bytes (ConsumerProtocolSubscription in JoinGroup metadata,
 * ConsumerProtocolAssignment in SyncGroup), which a KIP-848 group reads and writes for its members
 * that still speak the classic protocol (KC-60…KC-62) and when it converts between the two types.
 * Decoding never throws: bytes that are not a consumer-protocol struct give null.
 */
export interface NamedPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface DecodedSubscription {
  readonly version: number;
  readonly topics: readonly string[];
  /** v1+ (KIP-429); empty for eager clients. */
  readonly ownedPartitions: readonly NamedPartitions[];
  readonly rackId: string | null;
}

export interface ConsumerProtocolCodec {
  decodeSubscription(bytes: Uint8Array): DecodedSubscription | null;
  decodeAssignment(bytes: Uint8Array): readonly NamedPartitions[] | null;
  /** ConsumerProtocolAssignment at `version` (clamped to the versions the codec knows). */
  encodeAssignment(version: number, partitions: readonly NamedPartitions[]): Uint8Array;
}

/** DI symbol of `ConsumerProtocolCodec`. */
export const CONSUMER_PROTOCOL = Symbol.for('ConsumerProtocolCodec');
