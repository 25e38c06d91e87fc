import { ErrorCode } from '../../../domain/error-code';
import { AclOperation as Op, CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../application/broker-identity';
import { ZERO_UUID } from '../protocol';
import type { AuthorizationRule } from './authorization-rule';

interface RequestedTopic {
  topicId: string;
  name: string | null;
}

const denied = (name: string | null, topicId: string) => ({
  errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
});

/**
 * AZ-4 Metadata. All topics (AZ-4b): undescribable ones are left out silently. Named topics (AZ-4a):
 * no DESCRIBE → TOPIC_AUTHORIZATION_FAILED whether or not the topic exists. By id (AZ-4c): an unknown id
 * goes to the handler (UNKNOWN_TOPIC_ID), a known undescribable one is denied with a null name. A
 * missing topic that would be auto-created needs CLUSTER:CREATE or TOPIC:CREATE (AZ-4d). Authorized
 * operations come from the ACLs (AZ-4e, AC-12).
 */
export const metadataRule: AuthorizationRule = async (request, rc, next) => {
  const version = rc.version;
  const { authz, deps } = rc;
  const wantsAll = request.topics === null || (version === 0 && request.topics.length === 0);
  let response: any;
  if (wantsAll) {
    response = await next(request);
    response = { ...response, topics: response.topics.filter((t: { name: string }) => authz.canQuietly(RT.TOPIC, t.name, Op.DESCRIBE)) };
  } else {
    const autoCreate = (version < 4 || request.allowAutoTopicCreation) && deps.topics.autoCreateEnabled();
    let clusterCreate: boolean | null = null;
    const mayCreate = (name: string) => (clusterCreate ??= authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.CREATE)) || authz.can(RT.TOPIC, name, Op.CREATE);
    const allowed: RequestedTopic[] = [];
    const refused: object[] = [];
    for (const t of request.topics as RequestedTopic[]) {
      if (t.name === null || t.name === undefined) {
        const known = t.topicId === ZERO_UUID ? undefined : deps.topics.getById(t.topicId);
        if (known !== undefined && !authz.can(RT.TOPIC, known.name, Op.DESCRIBE)) refused.push(denied(null, t.topicId));
        else allowed.push(t);
      } else if (!authz.can(RT.TOPIC, t.name, Op.DESCRIBE)) {
        refused.push(denied(t.name, ZERO_UUID));
      } else if (autoCreate && deps.topics.get(t.name) === undefined && !mayCreate(t.name)) {
        refused.push(denied(t.name, ZERO_UUID));
      } else {
        allowed.push(t);
      }
    }
    // v0 reads an empty list as "all topics": ask for nothing and drop what comes back.
    const nothingAllowedAtV0 = version === 0 && allowed.length === 0;
    response = await next({ ...request, topics: allowed });
    response = { ...response, topics: [...(nothingAllowedAtV0 ? [] : response.topics), ...refused] };
  }
  if (version >= 8 && request.includeTopicAuthorizedOperations) {
    response.topics = response.topics.map((t: { errorCode: number; name: string }) =>
      t.errorCode === ErrorCode.NONE ? { ...t, topicAuthorizedOperations: authz.operations(RT.TOPIC, t.name) } : t);
  }
  if (version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations) {
    // AC-12: 0 when DESCRIBE on the cluster is denied.
    response.clusterAuthorizedOperations = authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.DESCRIBE) ? authz.operations(RT.CLUSTER, CLUSTER_RESOURCE_NAME) : 0;
  }
  return response;
};
