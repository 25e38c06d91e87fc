import type { ClassicGroup } from './classic-group';
import type { GroupEvent } from './events';
import { forEachCommittedOffset, type CommittedOffset } from './committed-offsets';
import { isSubscribedTo } from './protocol-selection';
import type { Group } from './groups-state';
import { consumerGroupSubscribesTo } from './consumer/consumer-group';

/**
 * OF-20: the time from which an offset's retention counts, or null when the group's offsets do
 * not expire in its current situation (classic group with a protocol type that is rebalancing, or
 * a non-"consumer" group with members, or a consumer group whose subscription is unknown).
 */
const retentionBase = (group: ClassicGroup, offset: CommittedOffset): number | null => {
  if (group.protocolType === null) return offset.commitTimestamp;
  if (group.state === 'Empty') return group.stateTimestamp ?? offset.commitTimestamp;
  if (group.protocolType === 'consumer' && group.state === 'Stable' && group.subscribedTopics !== null) {
    return offset.commitTimestamp;
  }
  return null;
};

/**
 * OF-20 / CG-73: offsets due for expiry, then the group's tombstone if it is Empty and has no
 * offsets left. Pure: the application runs it every `offsets.retention.check.interval.ms`.
 */
export const decideOffsetExpiry = (
  group: Group,
  now: number,
  retentionMs: number,
  /** TO-6: partitions with a pending transactional offset never expire, nor does their group. */
  hasPendingTxnOffset: (topic: string, partition: number) => boolean = () => false,
): GroupEvent[] => {
  const expired: Array<{ topic: string; partition: number }> = [];
  // OF-20: a KIP-848 group's offsets of unsubscribed topics count from their commit time.
  const subscribed = (topic: string) => (group.kind === 'consumer' ? consumerGroupSubscribesTo(group, topic) : isSubscribedTo(group, topic));
  const baseOf = (o: CommittedOffset) => (group.kind === 'consumer' ? o.commitTimestamp : retentionBase(group, o));
  forEachCommittedOffset(group.offsets, (o) => {
    if (subscribed(o.topic) || hasPendingTxnOffset(o.topic, o.partition)) return;
    const due =
      o.expireTimestamp !== null
        ? now >= o.expireTimestamp
        : (() => {
            const base = baseOf(o);
            return base !== null && now - base >= retentionMs;
          })();
    if (due) expired.push({ topic: o.topic, partition: o.partition });
  });
  const events: GroupEvent[] = [];
  if (expired.length > 0) events.push({ type: 'OffsetsExpired', groupId: group.groupId, partitions: expired });
  const empty = group.kind === 'consumer' ? group.members.size === 0 : group.state === 'Empty';
  if (empty && group.offsets.size === expired.length) {
    events.push({ type: 'GroupDeleted', groupId: group.groupId });
  }
  return events;
};
