import { DecodeError } from './decode-error';
import { UnsupportedVersionError } from './encode-error';
import { readMessage, schemaByName, writeMessage } from './message-codec';
import { Reader } from './reader';
import type { MessageSchema } from './schema';
import { parseVersionRange } from './version-range';
import { Writer } from './writer';

/*
 * The consumer protocol's embedded bytes (JoinGroup protocol metadata, SyncGroup assignment): an int16
 * version, then the struct, never flexible (README "Where the files come from"). Like Kafka's
 * ConsumerProtocol, a version above the highest known is read as the highest: later versions only append
 * fields, so the known prefix is still valid.
 */

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export interface ConsumerAssignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

function schema(name: string): MessageSchema {
  const s = schemaByName(name);
  if (!s) throw new Error(`schema ${name} missing from messages.generated.ts`);
  return s;
}

const SUBSCRIPTION = schema('ConsumerProtocolSubscription');
const ASSIGNMENT = schema('ConsumerProtocolAssignment');

function readVersioned(s: MessageSchema, buf: Buffer): { version: number; body: any } {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0) throw new DecodeError(`${s.name}: negative version ${version}`);
  const max = parseVersionRange(s.validVersions).max;
  const start = r.pos;
  // kafkajs 2.2.4 labels its metadata version 1 but writes the version 0 layout (no OwnedPartitions), so
  // when the claimed layout does not fit, the longest older layout that does is used; the fields it lacks
  // keep their defaults, which is what an older version means anyway.
  for (let v = Math.min(version, max); ; v--) {
    try {
      r.pos = start;
      return { version, body: readMessage(s, v, r) };
    } catch (err) {
      if (!(err instanceof DecodeError) || v === 0) throw err;
    }
  }
}

function writeVersioned(s: MessageSchema, version: number, body: object): Buffer {
  if (version < 0 || version > parseVersionRange(s.validVersions).max) throw new UnsupportedVersionError(`${s.name} has no version ${version}`);
  const w = new Writer(64);
  w.int16(version);
  writeMessage(s, version, w, body);
  return w.result();
}

export function decodeConsumerSubscription(buf: Buffer): ConsumerSubscription {
  const { version, body } = readVersioned(SUBSCRIPTION, buf);
  return {
    version,
    topics: body.topics,
    userData: body.userData,
    ownedPartitions: body.ownedPartitions.map((tp: TopicPartitions) => ({ topic: tp.topic, partitions: tp.partitions })),
    generationId: body.generationId,
    rackId: body.rackId,
  };
}

/** Fields left out are written as their defaults (and must be, in versions that lack them). */
export function encodeConsumerSubscription(
  version: number,
  s: Pick<ConsumerSubscription, 'topics'> & Partial<Omit<ConsumerSubscription, 'version' | 'topics'>>,
): Buffer {
  return writeVersioned(SUBSCRIPTION, version, s);
}

export function decodeConsumerAssignment(buf: Buffer): ConsumerAssignment {
  const { version, body } = readVersioned(ASSIGNMENT, buf);
  return {
    version,
    assignedPartitions: body.assignedPartitions.map((tp: TopicPartitions) => ({ topic: tp.topic, partitions: tp.partitions })),
    userData: body.userData,
  };
}

export function encodeConsumerAssignment(version: number, a: { assignedPartitions: TopicPartitions[]; userData: Buffer | null }): Buffer {
  return writeVersioned(ASSIGNMENT, version, a);
}
