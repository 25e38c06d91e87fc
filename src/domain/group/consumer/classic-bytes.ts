/**
 * The consumer protocol's embedded bytes as the domain needs them for classic-protocol members of a
 * KIP-848 group (KC-60…KC-62): decoding never throws (null = not a consumer-protocol struct). The
 * application supplies the implementation (the `ConsumerProtocolCodec` port).
 */
import { fromMap, type Assignment, type AssignmentMap } from './assignment';
import type { TopicLookup } from './subscription';

export interface NamedPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface ClassicBytes {
  decodeSubscription(bytes: Uint8Array): {
    readonly version: number;
    readonly topics: readonly string[];
    readonly ownedPartitions: readonly NamedPartitions[];
    readonly rackId: string | null;
  } | null;
  decodeAssignment(bytes: Uint8Array): readonly NamedPartitions[] | null;
  encodeAssignment(version: number, partitions: readonly NamedPartitions[]): Uint8Array;
}

/** Partitions by topic name → by topic id; topics that do not exist are dropped. */
export const toTopicIds = (named: readonly NamedPartitions[], topics: TopicLookup): Assignment => {
  const m: AssignmentMap = new Map();
  for (const t of named) {
    const id = topics.byName(t.topic)?.topicId;
    if (id === undefined) continue;
    let set = m.get(id);
    if (set === undefined) m.set(id, (set = new Set()));
    for (const p of t.partitions) set.add(p);
  }
  return fromMap(m);
};

/** Partitions by topic id → by topic name; ids without a name are dropped. */
export const toTopicNames = (a: Assignment, nameOf: (topicId: string) => string | undefined): NamedPartitions[] => {
  const out: NamedPartitions[] = [];
  for (const t of a) {
    const topic = nameOf(t.topicId);
    if (topic !== undefined) out.push({ topic, partitions: t.partitions });
  }
  return out;
};
