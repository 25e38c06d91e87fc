import { ErrorCode } from '../../../domain/error-code';
import { AclOperation as Op, CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { isInternalTopic } from '../../../domain/topic/topic-name';
import { API_KEY, defaultMessage } from '../protocol';
import type { AuthorizationRule } from './authorization-rule';
import { deniedTopicsMerged, everyTopicDenied, perTopic, type TopicShape } from './per-topic-rule';

const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;

/** AZ-23 EndTxn (and the first check of AZ-22): TRANSACTIONAL_ID:WRITE, else the whole response. */
const txnWrite = (responseName: string): AuthorizationRule => async (request, rc, next) =>
  rc.authz.can(RT.TRANSACTIONAL_ID, request.transactionalId, Op.WRITE) ? next(request) : { ...defaultMessage(responseName), errorCode: TXN_DENIED };

/** AZ-22 AddOffsetsToTxn: TRANSACTIONAL_ID:WRITE, then GROUP:READ on the group. */
const addOffsetsToTxn: AuthorizationRule = async (request, rc, next) => {
  if (!rc.authz.can(RT.TRANSACTIONAL_ID, request.transactionalId, Op.WRITE)) return { throttleTimeMs: 0, errorCode: TXN_DENIED };
  if (!rc.authz.can(RT.GROUP, request.groupId, Op.READ)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  return next(request);
};

/**
 * AZ-21/AZ-21a AddPartitionsToTxn. v0–3 (clients): TRANSACTIONAL_ID:WRITE (every partition 53), then
 * per topic WRITE — internal topics always fail — and existence; if any partition fails, the others are
 * OPERATION_NOT_ATTEMPTED and nothing is added. v4+ (broker to broker): CLUSTER:CLUSTER_ACTION.
 */
const addPartitionsToTxn: AuthorizationRule = async (request, rc, next) => {
  if (rc.version >= 4) {
    return rc.authz.can(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.CLUSTER_ACTION)
      ? next(request)
      : { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] };
  }
  const topics: { name: string; partitions: number[] }[] = request.v3AndBelowTopics;
  const answer = (codeOf: (topic: string) => number) => ({
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name) })) })),
  });
  if (!rc.authz.can(RT.TRANSACTIONAL_ID, request.v3AndBelowTransactionalId, Op.WRITE)) return answer(() => TXN_DENIED);
  const failure = new Map<string, number>();
  for (const t of topics) {
    if (isInternalTopic(t.name) || !rc.authz.can(RT.TOPIC, t.name, Op.WRITE)) failure.set(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    else if (rc.deps.topics.get(t.name) === undefined) failure.set(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (failure.size === 0) return next(request);
  return answer((name) => failure.get(name) ?? ErrorCode.OPERATION_NOT_ATTEMPTED);
};

const txnOffsetCommitShape: TopicShape = {
  requestTopics: 'topics',
  responseTopics: 'topics',
  nameOf: (t) => t.name,
  partitionsOf: (t) => t.partitions,
  deniedTopic: (t, code) => ({ name: t.name, partitions: t.partitions.map((p: { partitionIndex: number }) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }),
  answer: (_request, topics) => ({ throttleTimeMs: 0, topics }),
};

/** AZ-24 TxnOffsetCommit: TRANSACTIONAL_ID:WRITE and GROUP:READ (whole), then TOPIC:READ per topic. */
const txnOffsetCommit: AuthorizationRule = async (request, rc, next) => {
  if (!rc.authz.can(RT.TRANSACTIONAL_ID, request.transactionalId, Op.WRITE)) return everyTopicDenied(txnOffsetCommitShape, request, TXN_DENIED, rc);
  if (!rc.authz.can(RT.GROUP, request.groupId, Op.READ)) return everyTopicDenied(txnOffsetCommitShape, request, ErrorCode.GROUP_AUTHORIZATION_FAILED, rc);
  return deniedTopicsMerged(txnOffsetCommitShape, request, rc, next, (t) => rc.authz.can(RT.TOPIC, t.name, Op.READ));
};

/** AZ-39 DescribeProducers: TOPIC:READ per topic (READ, not DESCRIBE); every requested partition carries the denial. */
const describeProducers = perTopic({
  requestTopics: 'topics',
  responseTopics: 'topics',
  nameOf: (t) => t.name,
  partitionsOf: (t) => t.partitionIndexes,
  deniedTopic: (t, code) => ({ name: t.name, partitions: t.partitionIndexes.map((p: number) => ({ partitionIndex: p, errorCode: code, errorMessage: null, activeProducers: [] })) }),
  answer: (_request, topics) => ({ throttleTimeMs: 0, topics }),
}, Op.READ);

/** AZ-40 DescribeTransactions: TRANSACTIONAL_ID:DESCRIBE per id; topics the principal cannot describe are removed from each state. */
const describeTransactions: AuthorizationRule = async (request, rc, next) => {
  const ids: string[] = request.transactionalIds;
  const allowed = ids.filter((id) => rc.authz.can(RT.TRANSACTIONAL_ID, id, Op.DESCRIBE));
  const denied = ids.filter((id) => !allowed.includes(id)).map((transactionalId) => ({
    errorCode: TXN_DENIED, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [],
  }));
  const states = allowed.length > 0 ? (await next({ ...request, transactionalIds: allowed })).transactionStates : [];
  const visible = states.map((s: { topics: { topic: string }[] }) => ({ ...s, topics: s.topics.filter((t) => rc.authz.canQuietly(RT.TOPIC, t.topic, Op.DESCRIBE)) }));
  return { throttleTimeMs: 0, transactionStates: [...denied, ...visible] };
};

/** AZ-41 ListTransactions: transactions whose id is not describable are dropped silently; never an error. */
const listTransactions: AuthorizationRule = async (request, rc, next) => {
  const response = await next(request);
  return { ...response, transactionStates: response.transactionStates.filter((s: { transactionalId: string }) => rc.authz.canQuietly(RT.TRANSACTIONAL_ID, s.transactionalId, Op.DESCRIBE)) };
};

/**
 * Rows for the transaction and producer APIs (AZ-21..AZ-24, AZ-39..AZ-41, AZ-44), ready for when their handlers are registered.
 * Produce (AZ-1: TRANSACTIONAL_ID:WRITE for transactional batches), InitProducerId (AZ-19) and
 * FindCoordinator key type 1 (AZ-7: TRANSACTIONAL_ID:DESCRIBE) already check transactional ids.
 */
export const TRANSACTION_RULES: ReadonlyArray<readonly [number, AuthorizationRule]> = [
  [API_KEY.AddPartitionsToTxn, addPartitionsToTxn],
  [API_KEY.AddOffsetsToTxn, addOffsetsToTxn],
  [API_KEY.EndTxn, txnWrite('EndTxnResponse')],
  [API_KEY.TxnOffsetCommit, txnOffsetCommit],
  [API_KEY.DescribeProducers, describeProducers],
  [API_KEY.DescribeTransactions, describeTransactions],
  [API_KEY.ListTransactions, listTransactions],
];
