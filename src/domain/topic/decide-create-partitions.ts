import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import type { TopicEvent } from './events';
import type { TopicsState } from './topic-state';

/** One CreatePartitionsTopic: grow `name` to `count` partitions in total. */
export interface CreatePartitionsCommand {
  readonly name: string;
  readonly count: number;
  readonly validateOnly: boolean;
}

/**
 * CreatePartitions for one topic: the topic must exist (UNKNOWN_TOPIC_OR_PARTITION) and the new
 * count must exceed the current one (INVALID_PARTITIONS; Kafka never shrinks a topic).
 */
export const decideCreatePartitions = (
  state: TopicsState,
  cmd: CreatePartitionsCommand,
): E.Either<KafkaError, ReadonlyArray<TopicEvent>> => {
  const topic = state.topics.get(cmd.name);
  if (topic === undefined) {
    return E.left(kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${cmd.name}' does not exist.`));
  }
  if (cmd.count < topic.partitions) {
    return E.left(kafkaError(ErrorCode.INVALID_PARTITIONS, `The topic ${cmd.name} currently has ${topic.partitions} partition(s); ${cmd.count} would not be an increase.`));
  }
  if (cmd.count === topic.partitions) {
    return E.left(kafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitions} partition(s).`));
  }
  return E.right(cmd.validateOnly ? [] : [{ type: 'PartitionsAdded', topic: cmd.name, partitions: cmd.count }]);
};
