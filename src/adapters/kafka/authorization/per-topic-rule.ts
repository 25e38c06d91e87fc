import { ErrorCode } from '../../../domain/error-code';
import { CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { partition, type AuthorizationRule, type RuleContext } from './authorization-rule';

/** How one topic-keyed API lays out its request and response (Produce, Fetch, ListOffsets…). */
export interface TopicShape {
  /** Request field with the topic list, and the response field that mirrors it. */
  readonly requestTopics: string;
  readonly responseTopics: string;
  /** The topic name an entry asks about; null passes it to the handler unchecked (an unknown topic id, AZ-2). */
  readonly nameOf: (topic: any, rc: RuleContext) => string | null;
  readonly partitionsOf: (topic: any) => readonly any[];
  /** A response topic whose every partition is denied with `code`. */
  readonly deniedTopic: (topic: any, code: number, rc: RuleContext) => object;
  /** The response when no topic reaches the handler (or null: Produce with acks=0 sends none). */
  readonly answer: (request: any, topics: object[], rc: RuleContext) => object | null;
}

/**
 * AZ-0b/AZ-0d "per item" for topic-keyed APIs: TOPIC:`operation` per topic (checked before existence,
 * so a denied unknown topic is TOPIC_AUTHORIZATION_FAILED, not UNKNOWN_TOPIC_OR_PARTITION); the
 * handler sees only allowed topics and the denied ones are added to its response. A cluster-level
 * operation, when given, grants every topic at once (AZ-20 CLUSTER_ACTION).
 */
export const perTopic = (shape: TopicShape, operation: number, clusterGrant?: number): AuthorizationRule => async (request, rc, next) => {
  if (clusterGrant !== undefined && rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, clusterGrant)) return next(request);
  return deniedTopicsMerged(shape, request, rc, next, (t) => {
    const name = shape.nameOf(t, rc);
    return name === null || rc.authz.can(RT.TOPIC, name, operation);
  });
};

/** The shared split/merge of `perTopic`, usable after API-specific checks (transactional id, group). */
export const deniedTopicsMerged = async (
  shape: TopicShape,
  request: any,
  rc: RuleContext,
  next: (request: any) => Promise<any>,
  allowedTopic: (topic: any) => boolean,
): Promise<object | null> => {
  const topics: any[] = request[shape.requestTopics];
  const { allowed, denied } = partition(topics, allowedTopic);
  const deniedTopics = topics.filter((_, i) => denied.has(i)).map((t) => shape.deniedTopic(t, ErrorCode.TOPIC_AUTHORIZATION_FAILED, rc));
  if (denied.size === 0) return next(request);
  if (allowed.length === 0) return shape.answer(request, deniedTopics, rc);
  const response = await next({ ...request, [shape.requestTopics]: allowed });
  if (response === null) return null;
  return { ...response, [shape.responseTopics]: [...response[shape.responseTopics], ...deniedTopics] };
};

/** Every partition of every topic denied with one code: a "whole" denial of a topic-keyed API (AZ-0b). */
export const everyTopicDenied = (shape: TopicShape, request: any, code: number, rc: RuleContext): object | null =>
  shape.answer(request, (request[shape.requestTopics] as any[]).map((t) => shape.deniedTopic(t, code, rc)), rc);
