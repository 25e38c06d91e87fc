import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import type { TopicEvent } from './events';
import type { TopicIdGenerator } from './topic-id';
import { isInternalTopic, unifyCollisionChars, validateTopicName } from './topic-name';
import type { TopicsState } from './topic-state';
import { validateTopicConfigs } from './topic-configs';

/** One CreatableTopic of a CreateTopics request. */
export interface CreateTopicCommand {
  readonly name: string;
  /** -1: the broker's `num.partitions` (KIP-464). */
  readonly numPartitions: number;
  /** -1: the broker's `default.replication.factor` (KIP-464). */
  readonly replicationFactor: number;
  readonly assignments: ReadonlyArray<{ readonly partitionIndex: number; readonly brokerIds: ReadonlyArray<number> }>;
  readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string | null }>;
  readonly validateOnly: boolean;
}

/** What the decision needs from the broker: its defaults, its id, the time and an id source. */
export interface CreateTopicContext {
  readonly defaultNumPartitions: number;
  readonly defaultReplicationFactor: number;
  /** The ids of the live brokers (a single node here). */
  readonly brokerIds: ReadonlyArray<number>;
  readonly now: number;
  readonly newTopicId: TopicIdGenerator;
}

/** The CreateTopics v5+ result fields and the events to persist (none when validate_only). */
export interface CreateTopicOutcome {
  readonly topicId: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly events: ReadonlyArray<TopicEvent>;
}

const fail = (code: ErrorCode, message: string): E.Either<KafkaError, never> => E.left(kafkaError(code, message));

/** Manual assignments (ReplicationControlManager.createTopic): partitions 0..n-1, one same-size replica set each, known brokers. */
const checkAssignments = (
  cmd: CreateTopicCommand,
  ctx: CreateTopicContext,
): E.Either<KafkaError, { numPartitions: number; replicationFactor: number }> => {
  if (cmd.numPartitions !== -1 || cmd.replicationFactor !== -1) {
    return fail(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions or replicationFactor was not set to -1.');
  }
  const sorted = [...cmd.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  const rf = sorted[0].brokerIds.length;
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (a.partitionIndex !== i) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
    }
    if (a.brokerIds.length === 0 || a.brokerIds.length !== rf) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions should have the same number of replicas');
    }
    if (new Set(a.brokerIds).size !== a.brokerIds.length) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes duplicate broker ids for partition ${i}`);
    }
    const unknown = a.brokerIds.find((id) => !ctx.brokerIds.includes(id));
    if (unknown !== undefined) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
    }
  }
  return E.right({ numPartitions: sorted.length, replicationFactor: rf });
};

/** Partition and replica counts from the request or the broker defaults (KIP-464), checked as KRaft does. */
const checkCounts = (
  cmd: CreateTopicCommand,
  ctx: CreateTopicContext,
): E.Either<KafkaError, { numPartitions: number; replicationFactor: number }> => {
  if (cmd.assignments.length > 0) return checkAssignments(cmd, ctx);
  const replicationFactor = cmd.replicationFactor === -1 ? ctx.defaultReplicationFactor : cmd.replicationFactor;
  const numPartitions = cmd.numPartitions === -1 ? ctx.defaultNumPartitions : cmd.numPartitions;
  if (replicationFactor <= 0) {
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
  }
  if (numPartitions <= 0) {
    return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
  }
  if (replicationFactor > ctx.brokerIds.length) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${ctx.brokerIds.length} broker(s) are registered.`,
    );
  }
  return E.right({ numPartitions, replicationFactor });
};

/**
 * CreateTopics for one topic, in KRaft's order: name (Topic.validate), existence, configs, counts,
 * then the '.'/'_' collision check. With validate_only every check runs and no event is produced.
 */
export const decideCreateTopic = (
  state: TopicsState,
  cmd: CreateTopicCommand,
  ctx: CreateTopicContext,
): E.Either<KafkaError, CreateTopicOutcome> =>
  pipe(
    validateTopicName(cmd.name),
    E.chain(() =>
      state.topics.has(cmd.name)
        ? fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${cmd.name}' already exists.`)
        : isInternalTopic(cmd.name)
          ? fail(ErrorCode.INVALID_REQUEST, `Creation of internal topic ${cmd.name} is prohibited.`)
          : E.right(undefined),
    ),
    E.chain(() => validateTopicConfigs(cmd.configs)),
    E.chain((configs) =>
      pipe(
        checkCounts(cmd, ctx),
        E.map((counts) => ({ ...counts, configs })),
      ),
    ),
    E.chain((r) => {
      const unified = unifyCollisionChars(cmd.name);
      const clash = [...state.topics.keys()].find((existing) => unifyCollisionChars(existing) === unified);
      return clash !== undefined
        ? fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${cmd.name}' collides with existing topic: ${clash}`)
        : E.right(r);
    }),
    E.map(({ numPartitions, replicationFactor, configs }) => {
      const topicId = ctx.newTopicId();
      const events: TopicEvent[] = cmd.validateOnly
        ? []
        : [{ type: 'TopicCreated', topic: cmd.name, topicId, partitions: numPartitions, configs, createdAt: ctx.now }];
      return { topicId, numPartitions, replicationFactor, configs, events };
    }),
  );
