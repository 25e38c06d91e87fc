import type { ClassicGroup, ClassicMember } from './classic-group';

/** Protocol names supported by every member (empty when there are no members). */
const commonProtocols = (members: Iterable<ClassicMember>): Set<string> | null => {
  let common: Set<string> | null = null;
  for (const m of members) {
    const names = new Set(m.protocols.map((p) => p.name));
    if (common === null) common = names;
    else for (const n of [...common]) if (!names.has(n)) common.delete(n);
  }
  return common;
};

/**
 * CG-7: may a member with this protocol type and these protocol names join the group?
 * An Empty group accepts any non-empty type with a non-empty list; otherwise the type must match
 * and one of the names must be supported by every current member.
 */
export const supportsProtocols = (group: ClassicGroup, protocolType: string, names: readonly string[]): boolean => {
  if (group.state === 'Empty') return protocolType !== '' && names.length > 0;
  if (protocolType !== group.protocolType) return false;
  const size = group.members.size;
  if (size === 0) return names.length > 0;
  return names.some((n) => group.members.supportCount(n) === size);
};

/**
 * CG-6: every member votes for its first protocol supported by all; most votes wins, ties broken
 * by the leader's preference order (spec §8: deterministic choice). Null with no members.
 */
export const selectProtocol = (members: Iterable<ClassicMember>, leaderId: string | null): string | null => {
  const list = [...members];
  const common = commonProtocols(list);
  if (common === null || common.size === 0) return null;
  const votes = new Map<string, number>();
  for (const m of list) {
    const vote = m.protocols.find((p) => common.has(p.name));
    if (vote !== undefined) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
  }
  const leader = list.find((m) => m.memberId === leaderId) ?? list[0]!;
  let best: string | null = null;
  let bestVotes = -1;
  for (const p of leader.protocols) {
    const v = votes.get(p.name) ?? 0;
    if (common.has(p.name) && v > bestVotes) {
      best = p.name;
      bestVotes = v;
    }
  }
  return best;
};

/**
 * OF-21: the union of the members' subscribed topics for the selected protocol of a "consumer"
 * group; null (unknown = everything) when any subscription is unparseable or the type is another.
 */
export const computeSubscribedTopics = (
  protocolType: string | null,
  protocolName: string | null,
  members: Iterable<ClassicMember>,
): ReadonlySet<string> | null => {
  if (protocolType !== 'consumer' || protocolName === null) return null;
  const topics = new Set<string>();
  for (const m of members) {
    const p = m.protocols.find((x) => x.name === protocolName);
    if (p === undefined || p.topics === null) return null;
    for (const t of p.topics) topics.add(t);
  }
  return topics;
};

/** OF-41 / OF-20: is the group subscribed to `topic`? Empty groups subscribe to nothing. */
export const isSubscribedTo = (group: ClassicGroup, topic: string): boolean => {
  if (group.state === 'Empty' || group.members.size === 0) return false;
  return group.subscribedTopics === null || group.subscribedTopics.has(topic);
};
