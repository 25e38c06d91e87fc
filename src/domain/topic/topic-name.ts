import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';

/** Kafka's Topic.MAX_NAME_LENGTH: 249, so `<topic>-<partition>` fits a 255-byte file name. */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Kafka's Topic.validate: non-empty, not "." or "..", at most 249 chars of [a-zA-Z0-9._-] (INVALID_TOPIC_EXCEPTION). */
export const validateTopicName = (name: string): E.Either<KafkaError, string> => {
  if (name.length === 0) return E.left(kafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is illegal, it can\'t be empty'));
  if (name === '.' || name === '..') {
    return E.left(kafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."'));
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return E.left(kafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`));
  }
  if (!LEGAL.test(name)) {
    return E.left(kafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`));
  }
  return E.right(name);
};

/** Kafka's Topic.unifyCollisionChars: '.' and '_' collide in metric names, so "a.b" and "a_b" cannot coexist. */
export const unifyCollisionChars = (name: string): string => name.replace(/\./g, '_');

/** Internal topics (Topic.isInternal); clients may not create or delete them. */
export const isInternalTopic = (name: string): boolean => name === '__consumer_offsets' || name === '__transaction_state';
