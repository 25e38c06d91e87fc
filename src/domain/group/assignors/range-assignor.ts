/**
 * KC-41 `range`: per topic, the subscribers sorted (static members by instance id first, then by
 * member id) each get a contiguous range of ⌊P/N⌋ partitions, the first P mod N one more. With
 * identical subscriptions and equal partition counts the topics are co-partitioned. Deterministic,
 * sticky only through instance ids.
 */
import { byInstanceThenMemberId, emptyResult, give, type Assignor } from './assignor';

export const RANGE = 'range';

export const rangeAssignor: Assignor = (members, topics) => {
  const result = emptyResult(members);
  const sorted = [...members].sort(byInstanceThenMemberId);
  const topicIds = [...topics.keys()].sort();
  for (const topicId of topicIds) {
    const topic = topics.get(topicId)!;
    const subscribers = sorted.filter((m) => m.topicIds.includes(topicId));
    if (subscribers.length === 0) continue;
    const base = Math.floor(topic.partitions / subscribers.length);
    const extra = topic.partitions % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const count = base + (i < extra ? 1 : 0);
      for (let k = 0; k < count; k++) give(result, m.memberId, topicId, next++);
    });
  }
  return result;
};
