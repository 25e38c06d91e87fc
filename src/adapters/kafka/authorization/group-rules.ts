import { ErrorCode } from '../../../domain/error-code';
import { AclOperation as Op, CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../application/broker-identity';
import { API_KEY, defaultMessage } from '../protocol';
import { DENIAL_MESSAGE, mergePositional, partition, type AuthorizationRule } from './authorization-rule';

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

/** AZ-8..AZ-11, AZ-42: GROUP:READ, else the whole response is GROUP_AUTHORIZATION_FAILED (no member id is assigned). */
const groupRead = (responseName: string, extra: (version: number) => object = () => ({})): AuthorizationRule => async (request, rc, next) => {
  if (rc.authz.can(RT.GROUP, request.groupId, Op.READ)) return next(request);
  return { ...defaultMessage(responseName), ...extra(rc.version), errorCode: GROUP_DENIED };
};

/** AZ-12 DescribeGroups / AZ-43 ConsumerGroupDescribe: per group DESCRIBE; denied groups first, authorizedOperations from the ACLs (AC-12). */
const describeGroups = (idsField: 'groups' | 'groupIds', deniedGroup: (groupId: string) => object): AuthorizationRule => async (request, rc, next) => {
  const ids: string[] = request[idsField];
  const allowed = ids.filter((g) => rc.authz.can(RT.GROUP, g, Op.DESCRIBE));
  const denied = ids.filter((g) => !allowed.includes(g)).map(deniedGroup);
  const response = allowed.length > 0 ? await next({ ...request, [idsField]: allowed }) : { throttleTimeMs: 0, groups: [] };
  const groups = response.groups.map((g: { errorCode: number; groupId: string }) =>
    request.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE ? { ...g, authorizedOperations: rc.authz.operations(RT.GROUP, g.groupId) } : g);
  return { ...response, groups: [...denied, ...groups] };
};

/** AZ-5 OffsetCommit: GROUP:READ (whole), then TOPIC:READ per topic; the coordinator sees only what is left. */
const offsetCommit: AuthorizationRule = async (request, rc, next) => {
  const every = (code: number) => (t: { name: string; partitions: { partitionIndex: number }[] }) =>
    ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) });
  if (!rc.authz.can(RT.GROUP, request.groupId, Op.READ)) return { throttleTimeMs: 0, topics: request.topics.map(every(GROUP_DENIED)) };
  const { allowed, denied } = partition(request.topics as { name: string }[], (t) => rc.authz.can(RT.TOPIC, t.name, Op.READ));
  const deniedTopics = request.topics.filter((_: unknown, i: number) => denied.has(i)).map(every(TOPIC_DENIED));
  if (allowed.length === 0) return { throttleTimeMs: 0, topics: deniedTopics };
  const response = await next({ ...request, topics: allowed });
  return { ...response, topics: [...response.topics, ...deniedTopics] };
};

interface FetchTopic { name: string; partitionIndexes: number[] }

/** AZ-6b/AZ-6c: explicit topics without DESCRIBE answer -1 / TOPIC_AUTHORIZATION_FAILED; "all topics" hides them silently. */
const offsetFetchTopics = async (
  topics: FetchTopic[] | null,
  rc: Parameters<AuthorizationRule>[1],
  fetch: (topics: FetchTopic[] | null) => Promise<{ name: string }[]>,
): Promise<object[]> => {
  if (topics === null) return (await fetch(null)).filter((t) => rc.authz.canQuietly(RT.TOPIC, t.name, Op.DESCRIBE));
  const { allowed, denied } = partition(topics, (t) => rc.authz.can(RT.TOPIC, t.name, Op.DESCRIBE));
  const deniedTopics = topics.filter((_, i) => denied.has(i)).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: TOPIC_DENIED })),
  }));
  return [...(allowed.length > 0 || topics.length === 0 ? await fetch(allowed) : []), ...deniedTopics];
};

/** AZ-6 OffsetFetch: GROUP:DESCRIBE per group (v8+ per group; v0–7 the whole response), then TOPIC:DESCRIBE. */
const offsetFetch: AuthorizationRule = async (request, rc, next) => {
  if (rc.version >= 8) {
    const results = await Promise.all(request.groups.map(async (g: { groupId: string; topics: FetchTopic[] | null }) => {
      if (!rc.authz.can(RT.GROUP, g.groupId, Op.DESCRIBE)) return { groupId: g.groupId, topics: [], errorCode: GROUP_DENIED };
      let groupResult: { errorCode: number } = { errorCode: ErrorCode.NONE };
      const topics = await offsetFetchTopics(g.topics, rc, async (topics) => {
        const response = await next({ ...request, groups: [{ ...g, topics }] });
        groupResult = response.groups[0];
        return response.groups[0].topics;
      });
      return { ...groupResult, groupId: g.groupId, topics };
    }));
    return { throttleTimeMs: 0, groups: results };
  }
  const topicsOf = (t: FetchTopic[] | null) => (t === null && rc.version < 2 ? [] : t);
  if (!rc.authz.can(RT.GROUP, request.groupId, Op.DESCRIBE)) {
    // v0–1 have no top-level error: every requested partition carries it (OF-34).
    const topics = rc.version <= 1
      ? (request.topics ?? []).map((t: FetchTopic) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: GROUP_DENIED })) }))
      : [];
    return { throttleTimeMs: 0, topics, errorCode: GROUP_DENIED };
  }
  let errorCode = ErrorCode.NONE as number;
  const topics = await offsetFetchTopics(topicsOf(request.topics), rc, async (topics) => {
    const response = await next({ ...request, topics });
    errorCode = response.errorCode;
    return response.topics;
  });
  return { throttleTimeMs: 0, topics, errorCode };
};

/** AZ-35 OffsetDelete: GROUP:DELETE (whole, top-level), then TOPIC:READ per topic. */
const offsetDelete: AuthorizationRule = async (request, rc, next) => {
  if (!rc.authz.can(RT.GROUP, request.groupId, Op.DELETE)) return { errorCode: GROUP_DENIED, throttleTimeMs: 0, topics: [] };
  const { allowed, denied } = partition(request.topics as { name: string }[], (t) => rc.authz.can(RT.TOPIC, t.name, Op.READ));
  const response = await next({ ...request, topics: allowed });
  if (response.errorCode !== ErrorCode.NONE) return response;
  const deniedTopics = request.topics.filter((_: unknown, i: number) => denied.has(i))
    .map((t: { name: string; partitions: { partitionIndex: number }[] }) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED })) }));
  return { ...response, topics: [...response.topics, ...deniedTopics] };
};

/** AZ-7 FindCoordinator: DESCRIBE on the group (key type 0) or transactional id (1); node -1 when denied. */
const findCoordinator: AuthorizationRule = async (request, rc, next) => {
  const resource = request.keyType === 0 ? RT.GROUP : request.keyType === 1 ? RT.TRANSACTIONAL_ID : null;
  const code = request.keyType === 0 ? GROUP_DENIED : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  const ok = (key: string) => resource === null || rc.authz.can(resource, key, Op.DESCRIBE);
  const denial = { nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: DENIAL_MESSAGE[code]! };
  if (rc.version < 4) return ok(request.key) ? next(request) : { throttleTimeMs: 0, ...denial };
  const keys: string[] = request.coordinatorKeys;
  const { allowed, denied } = partition(keys, ok);
  const handled = allowed.length > 0 ? (await next({ ...request, coordinatorKeys: allowed })).coordinators : [];
  return { throttleTimeMs: 0, coordinators: mergePositional(keys, denied, handled, (key) => ({ key, ...denial })) };
};

/** AZ-13 ListGroups: CLUSTER:DESCRIBE shows every group; otherwise undescribable groups are dropped, never an error. */
const listGroups: AuthorizationRule = async (request, rc, next) => {
  const response = await next(request);
  if (rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.DESCRIBE)) return response;
  return { ...response, groups: response.groups.filter((g: { groupId: string }) => rc.authz.canQuietly(RT.GROUP, g.groupId, Op.DESCRIBE)) };
};

/** AZ-33 DeleteGroups: GROUP:DELETE per (deduplicated) group. */
const deleteGroups: AuthorizationRule = async (request, rc, next) => {
  const names = [...new Set<string>(request.groupsNames)];
  const allowed = names.filter((g) => rc.authz.can(RT.GROUP, g, Op.DELETE));
  const denied = names.filter((g) => !allowed.includes(g)).map((groupId) => ({ groupId, errorCode: GROUP_DENIED }));
  const results = allowed.length > 0 ? (await next({ ...request, groupsNames: allowed })).results : [];
  return { throttleTimeMs: 0, results: [...denied, ...results] };
};

/** Rows of the authorization table for group APIs (security.md AZ-5..AZ-13, AZ-33, AZ-35, AZ-42, AZ-43). */
export const GROUP_RULES: ReadonlyArray<readonly [number, AuthorizationRule]> = [
  [API_KEY.OffsetCommit, offsetCommit],
  [API_KEY.OffsetFetch, offsetFetch],
  [API_KEY.FindCoordinator, findCoordinator],
  // JoinGroup v0–v6 protocolName is not nullable: the denial carries "" there, null from v7.
  [API_KEY.JoinGroup, groupRead('JoinGroupResponse', (v) => ({ protocolName: v >= 7 ? null : '', memberId: '' }))],
  [API_KEY.Heartbeat, groupRead('HeartbeatResponse')],
  [API_KEY.LeaveGroup, groupRead('LeaveGroupResponse')],
  [API_KEY.SyncGroup, groupRead('SyncGroupResponse')],
  [API_KEY.DescribeGroups, describeGroups('groups', (groupId) => ({
    errorCode: GROUP_DENIED, errorMessage: null, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }))],
  [API_KEY.ListGroups, listGroups],
  [API_KEY.DeleteGroups, deleteGroups],
  [API_KEY.OffsetDelete, offsetDelete],
  [API_KEY.ConsumerGroupHeartbeat, groupRead('ConsumerGroupHeartbeatResponse')],
  [API_KEY.ConsumerGroupDescribe, describeGroups('groupIds', (groupId) => ({
    errorCode: GROUP_DENIED, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1,
    assignorName: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  }))],
];
