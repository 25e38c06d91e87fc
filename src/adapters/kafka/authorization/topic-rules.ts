import { ErrorCode } from '../../../domain/error-code';
import { AclOperation as Op, CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { API_KEY, ZERO_UUID } from '../protocol';
import { mergePositional, partition, type AuthorizationRule, type RuleContext } from './authorization-rule';
import { everyTopicDenied, perTopic, type TopicShape } from './per-topic-rule';

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const EMPTY = Buffer.alloc(0);

const produceShape: TopicShape = {
  requestTopics: 'topicData',
  responseTopics: 'responses',
  nameOf: (t) => t.name,
  partitionsOf: (t) => t.partitionData,
  deniedTopic: (t, code) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p: { index: number }) => ({
      index: p.index, errorCode: code, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null,
    })),
  }),
  // AZ-1: acks=0 still drops silently.
  answer: (request, topics) => (request.acks === 0 ? null : { responses: topics, throttleTimeMs: 0 }),
};

/** AZ-1 Produce: TRANSACTIONAL_ID:WRITE for a transactional request (whole), then TOPIC:WRITE per topic. */
const produce: AuthorizationRule = async (request, rc, next) => {
  const txn: string | null = request.transactionalId ?? null;
  if (txn !== null && !rc.authz.can(RT.TRANSACTIONAL_ID, txn, Op.WRITE)) return everyTopicDenied(produceShape, request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, rc);
  return perTopic(produceShape, Op.WRITE)(request, rc, next);
};

const fetchShape: TopicShape = {
  requestTopics: 'topics',
  responseTopics: 'responses',
  // v13+ addresses topics by id: an unknown id is UNKNOWN_TOPIC_ID before authorization (AZ-2), so it passes.
  nameOf: (t, rc) => (rc.version >= 13 ? rc.deps.topics.getById(t.topicId)?.name ?? null : t.topic),
  partitionsOf: (t) => t.partitions,
  deniedTopic: (t, code) => ({
    topic: t.topic ?? '', topicId: t.topicId ?? ZERO_UUID,
    partitions: t.partitions.map((p: { partition: number }) => ({
      partitionIndex: p.partition, errorCode: code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
      abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
    })),
  }),
  answer: (request, topics) => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: topics }),
};

/** AZ-2 Fetch: a follower (replica id ≥ 0) needs CLUSTER:CLUSTER_ACTION for everything; a consumer TOPIC:READ per topic. */
const fetch: AuthorizationRule = async (request, rc, next) => {
  const replicaId: number = rc.version >= 15 ? (request.replicaState?.replicaId ?? -1) : (request.replicaId ?? -1);
  if (replicaId >= 0) {
    return rc.authz.can(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.CLUSTER_ACTION) ? next(request) : everyTopicDenied(fetchShape, request, TOPIC_DENIED, rc);
  }
  return perTopic(fetchShape, Op.READ)(request, rc, next);
};

/** AZ-3 ListOffsets: TOPIC:DESCRIBE per topic (v0 keeps its old-style layout). */
const listOffsets = perTopic({
  requestTopics: 'topics',
  responseTopics: 'topics',
  nameOf: (t) => t.name,
  partitionsOf: (t) => t.partitions,
  deniedTopic: (t, code) => ({
    name: t.name,
    partitions: t.partitions.map((p: { partitionIndex: number }) => ({ partitionIndex: p.partitionIndex, errorCode: code, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 })),
  }),
  answer: (_request, topics) => ({ throttleTimeMs: 0, topics }),
}, Op.DESCRIBE);

/** AZ-20 OffsetForLeaderEpoch: CLUSTER:CLUSTER_ACTION grants all, else TOPIC:DESCRIBE per topic. */
const offsetForLeaderEpoch = perTopic({
  requestTopics: 'topics',
  responseTopics: 'topics',
  nameOf: (t) => t.topic,
  partitionsOf: (t) => t.partitions,
  deniedTopic: (t, code) => ({ topic: t.topic, partitions: t.partitions.map((p: { partition: number }) => ({ errorCode: code, partition: p.partition, leaderEpoch: -1, endOffset: -1n })) }),
  answer: (_request, topics) => ({ throttleTimeMs: 0, topics }),
}, Op.DESCRIBE, Op.CLUSTER_ACTION);

/** AZ-18 DeleteRecords: TOPIC:DELETE per topic, low watermark -1 when denied. */
const deleteRecords = perTopic({
  requestTopics: 'topics',
  responseTopics: 'topics',
  nameOf: (t) => t.name,
  partitionsOf: (t) => t.partitions,
  deniedTopic: (t, code) => ({ name: t.name, partitions: t.partitions.map((p: { partitionIndex: number }) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: code })) }),
  answer: (_request, topics) => ({ throttleTimeMs: 0, topics }),
}, Op.DELETE);

/**
 * AZ-16/AZ-16a CreateTopics: duplicated names go to the handler unchecked (INVALID_REQUEST there);
 * CLUSTER:CREATE grants every name, else TOPIC:CREATE per name. A created topic without
 * TOPIC:DESCRIBE_CONFIGS gets its configs withheld (topic_config_error_code 29).
 */
const createTopics: AuthorizationRule = async (request, rc, next) => {
  const topics: { name: string }[] = request.topics;
  const counts = new Map<string, number>();
  for (const t of topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const cluster = rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.CREATE);
  const { allowed, denied } = partition(topics, (t) => counts.get(t.name)! > 1 || cluster || rc.authz.can(RT.TOPIC, t.name, Op.CREATE));
  const handled = allowed.length > 0 ? (await next({ ...request, topics: allowed })).topics : [];
  const results = mergePositional(topics, denied, handled, (t) => ({
    name: t.name, topicId: ZERO_UUID, errorCode: TOPIC_DENIED, errorMessage: 'Authorization failed.', topicConfigErrorCode: 0,
    numPartitions: -1, replicationFactor: -1, configs: null,
  }));
  return {
    throttleTimeMs: 0,
    topics: results.map((r: any) =>
      r.errorCode === ErrorCode.NONE && rc.version >= 5 && !rc.authz.canQuietly(RT.TOPIC, r.name, Op.DESCRIBE_CONFIGS)
        ? { ...r, topicConfigErrorCode: TOPIC_DENIED, configs: null }
        : r),
  };
};

/**
 * AZ-17/AZ-17a DeleteTopics: CLUSTER:DELETE grants all; by name, no DESCRIBE → denied (even if absent),
 * DESCRIBE but absent → the handler's UNKNOWN_TOPIC_OR_PARTITION, no DELETE → denied; by id (v6+), an
 * unknown id goes to the handler, a denied one names the topic only if it is describable.
 */
const deleteTopics: AuthorizationRule = async (request, rc, next) => {
  if (rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.DELETE)) return next(request);
  const byId = rc.version >= 6;
  const targets: { name: string | null; topicId?: string }[] = byId ? request.topics : request.topicNames.map((name: string) => ({ name }));
  const verdict = (t: { name: string | null; topicId?: string }): 'pass' | { name: string | null } => {
    if (t.name !== null) {
      if (!rc.authz.can(RT.TOPIC, t.name, Op.DESCRIBE)) return { name: t.name };
      if (rc.deps.topics.get(t.name) === undefined) return 'pass';
      return rc.authz.can(RT.TOPIC, t.name, Op.DELETE) ? 'pass' : { name: t.name };
    }
    const name = rc.deps.topics.getById(t.topicId!)?.name;
    if (name === undefined || rc.authz.can(RT.TOPIC, name, Op.DELETE)) return 'pass';
    return { name: rc.authz.canQuietly(RT.TOPIC, name, Op.DESCRIBE) ? name : null };
  };
  const verdicts = targets.map(verdict);
  const { allowed, denied } = partition(targets, (_t, i) => verdicts[i] === 'pass');
  const reduced = byId ? { ...request, topics: allowed } : { ...request, topicNames: allowed.map((t) => t.name) };
  const handled = allowed.length > 0 ? (await next(reduced)).responses : [];
  const responses = mergePositional(targets.map((t, i) => ({ t, i })), denied, handled, ({ t, i }) => ({
    name: (verdicts[i] as { name: string | null }).name, topicId: t.topicId ?? ZERO_UUID, errorCode: TOPIC_DENIED, errorMessage: null,
  }));
  return { throttleTimeMs: 0, responses };
};

/** AZ-32 CreatePartitions: TOPIC:ALTER per topic. */
const createPartitions: AuthorizationRule = async (request, rc, next) => {
  const topics: { name: string }[] = request.topics;
  const { allowed, denied } = partition(topics, (t) => rc.authz.can(RT.TOPIC, t.name, Op.ALTER));
  const handled = allowed.length > 0 ? (await next({ ...request, topics: allowed })).results : [];
  return { throttleTimeMs: 0, results: mergePositional(topics, denied, handled, (t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: null })) };
};

/** Config resource types (KIP-133, KIP-412, KIP-714, KIP-848) and what each needs (AZ-28, AZ-29, AZ-34). */
const configCheck = (resourceType: number, incremental: boolean, op: number): { resource: number; code: number } | null => {
  if (resourceType === 2) return { resource: RT.TOPIC, code: TOPIC_DENIED };
  if (resourceType === 4 || resourceType === 16 || (resourceType === 8 && (op === Op.DESCRIBE_CONFIGS || incremental))) {
    return { resource: RT.CLUSTER, code: ErrorCode.CLUSTER_AUTHORIZATION_FAILED };
  }
  if (resourceType === 32) return { resource: RT.GROUP, code: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  // Unknown (or BROKER_LOGGER in legacy AlterConfigs): the handler answers INVALID_REQUEST.
  return null;
};

/** Per config resource: DESCRIBE_CONFIGS or ALTER_CONFIGS on the topic, the cluster or the group. */
const perConfigResource = (op: number, incremental: boolean, resultsField: 'results' | 'responses'): AuthorizationRule => async (request, rc, next) => {
  const resources: { resourceType: number; resourceName: string }[] = request.resources;
  const denialOf = (r: { resourceType: number; resourceName: string }) => {
    const check = configCheck(r.resourceType, incremental, op);
    if (check === null) return null;
    const name = check.resource === RT.CLUSTER ? CLUSTER_RESOURCE_NAME : r.resourceName;
    return rc.authz.can(check.resource, name, op) ? null : check.code;
  };
  const codes = resources.map(denialOf);
  const { allowed, denied } = partition(resources, (_r, i) => codes[i] === null);
  const handled = allowed.length > 0 ? (await next({ ...request, resources: allowed }))[resultsField] : [];
  const merged = mergePositional(resources.map((r, i) => ({ r, i })), denied, handled, ({ r, i }) => ({
    errorCode: codes[i], errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, ...(resultsField === 'results' ? { configs: [] } : {}),
  }));
  return { throttleTimeMs: 0, [resultsField]: merged };
};

/** Rows of the authorization table for topic and config APIs (AZ-1..AZ-3, AZ-16..AZ-18, AZ-20, AZ-28, AZ-29, AZ-32, AZ-34). */
export const TOPIC_RULES: ReadonlyArray<readonly [number, AuthorizationRule]> = [
  [API_KEY.Produce, produce],
  [API_KEY.Fetch, fetch],
  [API_KEY.ListOffsets, listOffsets],
  [API_KEY.OffsetForLeaderEpoch, offsetForLeaderEpoch],
  [API_KEY.DeleteRecords, deleteRecords],
  [API_KEY.CreateTopics, createTopics],
  [API_KEY.DeleteTopics, deleteTopics],
  [API_KEY.CreatePartitions, createPartitions],
  [API_KEY.DescribeConfigs, perConfigResource(Op.DESCRIBE_CONFIGS, false, 'results')],
  [API_KEY.AlterConfigs, perConfigResource(Op.ALTER_CONFIGS, false, 'responses')],
  [API_KEY.IncrementalAlterConfigs, perConfigResource(Op.ALTER_CONFIGS, true, 'responses')],
];

export type { RuleContext };
