/**
 * KC-40 `uniform` (Kafka's default server assignor): balance first — with equal subscriptions the
 * members' partition counts differ by at most one — then stickiness: every member keeps as much of
 * its current target as balance allows, so a member joining takes partitions only from members above
 * the new quota and a member leaving moves only its own partitions. Unequal subscriptions get a best
 * effort: unassigned partitions go to the least-loaded subscriber, then partitions move from a member
 * to one holding at least two fewer that subscribes to their topic, until none can.
 */
import { byInstanceThenMemberId, emptyResult, give, sortResult, type Assignor, type AssignorMember, type AssignorResult, type AssignorTopic } from './assignor';

export const UNIFORM = 'uniform';

interface Slot {
  readonly topicId: string;
  readonly partition: number;
}

const key = (topicId: string, partition: number): string => `${topicId}\u0000${partition}`;

/** Each member's valid current partitions, a partition kept by the first member (in order) that claims it. */
const retained = (members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): Map<string, Slot[]> => {
  const taken = new Set<string>();
  const out = new Map<string, Slot[]>();
  for (const m of members) {
    const subscribed = new Set(m.topicIds);
    const kept: Slot[] = [];
    for (const [topicId, partitions] of m.current) {
      const topic = topics.get(topicId);
      if (topic === undefined || !subscribed.has(topicId)) continue;
      for (const p of partitions) {
        const k = key(topicId, p);
        if (p < 0 || p >= topic.partitions || taken.has(k)) continue;
        taken.add(k);
        kept.push({ topicId, partition: p });
      }
    }
    kept.sort((a, b) => (a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.partition - b.partition));
    out.set(m.memberId, kept);
  }
  return out;
};

const sameSubscriptions = (members: readonly AssignorMember[]): boolean => {
  const first = [...members[0]!.topicIds].sort().join('\u0000');
  return members.every((m) => [...m.topicIds].sort().join('\u0000') === first);
};

/** Every partition of the subscribed topics, by topic id then partition. */
const allSlots = (topicIds: Iterable<string>, topics: ReadonlyMap<string, AssignorTopic>): Slot[] => {
  const out: Slot[] = [];
  for (const topicId of [...new Set(topicIds)].sort()) {
    const t = topics.get(topicId);
    if (t !== undefined) for (let p = 0; p < t.partitions; p++) out.push({ topicId, partition: p });
  }
  return out;
};

/** Equal subscriptions: quotas ⌊P/N⌋ (+1 for the members that already hold the most), keep, then fill. */
const homogeneous = (members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): AssignorResult => {
  const result = emptyResult(members);
  const slots = allSlots(members[0]!.topicIds, topics);
  const kept = retained(members, topics);
  const minQuota = Math.floor(slots.length / members.length);
  let extras = slots.length % members.length;
  const order = [...members].sort((a, b) => kept.get(b.memberId)!.length - kept.get(a.memberId)!.length || byInstanceThenMemberId(a, b));
  const owned = new Set<string>();
  const needs: Array<{ memberId: string; missing: number }> = [];
  for (const m of order) {
    const quota = minQuota + (extras > 0 ? 1 : 0);
    if (extras > 0) extras--;
    const mine = kept.get(m.memberId)!.slice(0, quota);
    for (const s of mine) {
      owned.add(key(s.topicId, s.partition));
      give(result, m.memberId, s.topicId, s.partition);
    }
    if (mine.length < quota) needs.push({ memberId: m.memberId, missing: quota - mine.length });
  }
  let n = 0;
  for (const s of slots) {
    if (owned.has(key(s.topicId, s.partition))) continue;
    while (n < needs.length && needs[n]!.missing === 0) n++;
    if (n === needs.length) break;
    give(result, needs[n]!.memberId, s.topicId, s.partition);
    needs[n]!.missing--;
  }
  return sortResult(result);
};

/** Unequal subscriptions: keep, give the rest to the least-loaded subscriber, then even out. */
const heterogeneous = (members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): AssignorResult => {
  const order = [...members].sort(byInstanceThenMemberId);
  const kept = retained(order, topics);
  const holding = new Map<string, Slot[]>();
  const owned = new Set<string>();
  for (const m of order) {
    const mine = [...kept.get(m.memberId)!];
    holding.set(m.memberId, mine);
    for (const s of mine) owned.add(key(s.topicId, s.partition));
  }
  const subscribers = new Map<string, AssignorMember[]>();
  for (const m of order) {
    for (const t of new Set(m.topicIds)) {
      if (!topics.has(t)) continue;
      const list = subscribers.get(t) ?? [];
      list.push(m);
      subscribers.set(t, list);
    }
  }
  // Topics with the fewest subscribers first: they have the fewest places to go.
  const topicOrder = [...subscribers.keys()].sort((a, b) => subscribers.get(a)!.length - subscribers.get(b)!.length || (a < b ? -1 : 1));
  for (const topicId of topicOrder) {
    const candidates = subscribers.get(topicId)!;
    for (let p = 0; p < topics.get(topicId)!.partitions; p++) {
      if (owned.has(key(topicId, p))) continue;
      let best = candidates[0]!;
      for (const c of candidates) if (holding.get(c.memberId)!.length < holding.get(best.memberId)!.length) best = c;
      holding.get(best.memberId)!.push({ topicId, partition: p });
      owned.add(key(topicId, p));
    }
  }
  const subscribes = new Map(order.map((m) => [m.memberId, new Set(m.topicIds)] as const));
  // Each move lowers the sum of squared counts, so this ends; the bound only guards against bugs.
  let budget = owned.size * order.length + 1;
  for (let moved = true; moved && budget > 0; budget--) {
    moved = false;
    const byLoad = [...order].sort((a, b) => holding.get(b.memberId)!.length - holding.get(a.memberId)!.length);
    outer: for (const from of byLoad) {
      const source = holding.get(from.memberId)!;
      for (let i = byLoad.length - 1; i >= 0; i--) {
        const to = byLoad[i]!;
        const target = holding.get(to.memberId)!;
        if (source.length <= target.length + 1) break;
        const idx = source.findIndex((s) => subscribes.get(to.memberId)!.has(s.topicId));
        if (idx < 0) continue;
        target.push(source.splice(idx, 1)[0]!);
        moved = true;
        break outer;
      }
    }
  }
  const result = emptyResult(members);
  for (const [memberId, list] of holding) for (const s of list) give(result, memberId, s.topicId, s.partition);
  return sortResult(result);
};

export const uniformAssignor: Assignor = (members, topics) => {
  if (members.length === 0) return new Map();
  return sameSubscriptions(members) ? homogeneous(members, topics) : heterogeneous(members, topics);
};
