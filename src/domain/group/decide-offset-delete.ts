import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { ClassicGroup } from './classic-group';
import type { GroupEvent } from './events';
import { hasCommittedOffset } from './committed-offsets';
import { isSubscribedTo } from './protocol-selection';
import type { Group } from './groups-state';
import { consumerGroupSubscribesTo } from './consumer/consumer-group';

export interface OffsetDeleteDecision {
  readonly events: GroupEvent[];
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly errorCode: ErrorCode }>;
  }>;
}

/**
 * OF-40 / OF-41 (KIP-496): a missing group → GROUP_ID_NOT_FOUND; a rebalancing/stable group of a
 * non-"consumer" type → NON_EMPTY_GROUP; subscribed topics → GROUP_SUBSCRIBED_TO_TOPIC per
 * partition; otherwise a tombstone per committed partition and NONE.
 */
export const decideOffsetDelete = (
  cmd: { readonly groupId: string; readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly number[] }> },
  group: Group | undefined,
): E.Either<KafkaError, OffsetDeleteDecision> => {
  if (group === undefined || (group.kind === 'classic' && group.state === 'Dead')) {
    return E.left(kafkaError(ErrorCode.GROUP_ID_NOT_FOUND));
  }
  if (group.kind === 'classic' && group.state !== 'Empty' && group.protocolType !== 'consumer') return E.left(kafkaError(ErrorCode.NON_EMPTY_GROUP));
  const events: GroupEvent[] = [];
  const topics = cmd.topics.map((t) => {
    // OF-41: a KIP-848 group is subscribed to a topic when any member subscribes to it.
    const subscribed = group.kind === 'consumer' ? consumerGroupSubscribesTo(group, t.name) : isSubscribedTo(group, t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed) return { partitionIndex: p, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC as ErrorCode };
        if (hasCommittedOffset(group.offsets, t.name, p)) {
          events.push({ type: 'OffsetDeleted', groupId: cmd.groupId, topic: t.name, partition: p });
        }
        return { partitionIndex: p, errorCode: ErrorCode.NONE as ErrorCode };
      }),
    };
  });
  return E.right({ events, topics });
};
