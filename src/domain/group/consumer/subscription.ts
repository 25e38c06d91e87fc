/**
 * KC-24 subscription metadata and Kafka 4.0's regex resolution: which of the topics the members
 * subscribe to (by name or through a regex) exist, with their ids and partition counts. Topic
 * metadata and regex compilation come in as functions: the domain holds neither.
 */
import { memberTopicNames, regexOf, type ClassicMemberMetadata, type ConsumerGroup, type ConsumerMember, type ConsumerMemberMetadata, type TopicMetadata } from './consumer-group';

/** The topic image the coordinator sees (TopicService's durable topics). */
export interface TopicLookup {
  byName(name: string): TopicMetadata | undefined;
  /** Every topic name (regex resolution). */
  names(): Iterable<string>;
}

/** RE2/J-compatible compilation: a full-match predicate, or null when RE2 refuses the pattern (KC-12). */
export type RegexCompiler = (regex: string) => ((topic: string) => boolean) | null;

/** The members as they will be after this decision: `changes` overrides (undefined = removed). */
export type MemberOverrides = ReadonlyMap<string, ConsumerMemberMetadata | undefined>;

export function* membersAfter(g: ConsumerGroup, changes: MemberOverrides): Generator<[string, ConsumerMemberMetadata]> {
  for (const [id, m] of g.members) {
    if (changes.has(id)) continue;
    yield [id, m];
  }
  for (const [id, m] of changes) if (m !== undefined) yield [id, m];
}

/** Topic names matched by a compiled regex, sorted. */
export const resolveRegex = (matches: (topic: string) => boolean, topics: TopicLookup): string[] => {
  const out: string[] = [];
  for (const name of topics.names()) if (matches(name)) out.push(name);
  return out.sort();
};

/** Regexes in use after the change, each with how many members use it. */
export const regexesInUse = (g: ConsumerGroup, changes: MemberOverrides): Map<string, number> => {
  const out = new Map<string, number>();
  for (const [, m] of membersAfter(g, changes)) {
    const r = regexOf(m);
    if (r !== null) out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
};

/** KC-24: the existing subscribed topics, sorted by name. `regexes` overrides the group's resolutions. */
export const computeSubscriptionMetadata = (
  g: ConsumerGroup,
  changes: MemberOverrides,
  regexes: ReadonlyMap<string, readonly string[]>,
  topics: TopicLookup,
): TopicMetadata[] => {
  const names = new Set<string>();
  for (const [, m] of membersAfter(g, changes)) {
    for (const n of m.subscribedTopicNames) names.add(n);
    const r = regexOf(m);
    if (r !== null) for (const n of regexes.get(r) ?? []) names.add(n);
  }
  const out: TopicMetadata[] = [];
  for (const n of names) {
    const t = topics.byName(n);
    if (t !== undefined) out.push({ topicId: t.topicId, name: t.name, partitions: t.partitions });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};

export const sameMetadata = (a: readonly TopicMetadata[], b: readonly TopicMetadata[]): boolean =>
  a.length === b.length && a.every((t, i) => t.topicId === b[i]!.topicId && t.name === b[i]!.name && t.partitions === b[i]!.partitions);

/** Topic ids a member subscribes to among the subscription metadata (assignor input). */
export const subscribedTopicIds = (g: ConsumerGroup, m: ConsumerMemberMetadata, metadata: readonly TopicMetadata[], regexes: ReadonlyMap<string, readonly string[]>): string[] => {
  const names = new Set(m.subscribedTopicNames);
  const r = regexOf(m);
  if (r !== null) for (const n of regexes.get(r) ?? g.regexes.get(r) ?? []) names.add(n);
  return metadata.filter((t) => names.has(t.name)).map((t) => t.topicId);
};

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** KC-23: did the member's subscription (names or regex) change? */
export const subscriptionChanged = (before: ConsumerMemberMetadata | undefined, after: ConsumerMemberMetadata): boolean =>
  before === undefined
    ? after.subscribedTopicNames.length > 0 || regexOf(after) !== null
    : !sameList(before.subscribedTopicNames, after.subscribedTopicNames) || regexOf(before) !== regexOf(after);

export const sameMemberMetadata = (a: ConsumerMemberMetadata, b: ConsumerMemberMetadata): boolean =>
  a.instanceId === b.instanceId &&
  a.rackId === b.rackId &&
  a.clientId === b.clientId &&
  a.clientHost === b.clientHost &&
  sameList(a.subscribedTopicNames, b.subscribedTopicNames) &&
  a.subscribedTopicRegex === b.subscribedTopicRegex &&
  a.serverAssignor === b.serverAssignor &&
  a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
  sameClassic(a.classic ?? null, b.classic ?? null);

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const sameClassic = (a: ClassicMemberMetadata | null, b: ClassicMemberMetadata | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.sessionTimeoutMs === b.sessionTimeoutMs &&
    a.protocols.length === b.protocols.length &&
    a.protocols.every((p, i) => p.name === b.protocols[i]!.name && sameBytes(p.metadata, b.protocols[i]!.metadata)));

/** The metadata fields of a member (its record, without the assignment state). */
export const metadataOf = (m: ConsumerMember): ConsumerMemberMetadata => ({
  instanceId: m.instanceId,
  rackId: m.rackId,
  clientId: m.clientId,
  clientHost: m.clientHost,
  subscribedTopicNames: m.subscribedTopicNames,
  subscribedTopicRegex: m.subscribedTopicRegex,
  serverAssignor: m.serverAssignor,
  rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  classic: m.classic ?? null,
});

export { memberTopicNames };
