import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import type { TopicEvent } from './events';
import { isInternalTopic } from './topic-name';
import type { TopicsState } from './topic-state';

/** DeleteTopics addresses a topic by name (v0-5) or by id (v6+). */
export type DeleteTopicTarget = { readonly name: string } | { readonly topicId: string };

/** The deleted topic's name and id (DeleteTopics v6 answers both) and the event to persist. */
export interface DeleteTopicOutcome {
  readonly name: string;
  readonly topicId: string;
  readonly events: ReadonlyArray<TopicEvent>;
}

/**
 * DeleteTopics for one topic: unknown names are UNKNOWN_TOPIC_OR_PARTITION, unknown ids
 * UNKNOWN_TOPIC_ID; internal topics cannot be deleted by clients (INVALID_REQUEST, as in KRaft's
 * ReplicationControlManager).
 */
export const decideDeleteTopic = (state: TopicsState, target: DeleteTopicTarget): E.Either<KafkaError, DeleteTopicOutcome> => {
  const name = 'name' in target ? target.name : state.nameById.get(target.topicId);
  const topic = name === undefined ? undefined : state.topics.get(name);
  if (topic === undefined) {
    return 'name' in target
      ? E.left(kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${target.name}' does not exist.`))
      : E.left(kafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${target.topicId} does not exist.`));
  }
  if (isInternalTopic(topic.name)) {
    return E.left(kafkaError(ErrorCode.INVALID_REQUEST, `Deletion of internal topic ${topic.name} is prohibited.`));
  }
  return E.right({ name: topic.name, topicId: topic.topicId, events: [{ type: 'TopicDeleted', topic: topic.name }] });
};
