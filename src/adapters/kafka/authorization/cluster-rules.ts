import { ErrorCode } from '../../../domain/error-code';
import { AclOperation as Op, CLUSTER_RESOURCE_NAME, ResourceType as RT } from '../../../domain/security/acl';
import { API_KEY, defaultMessage } from '../protocol';
import { DENIAL_MESSAGE, type AuthorizationRule } from './authorization-rule';
import { metadataRule } from './metadata-rule';

const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;

/** No check: ApiVersions and the SASL APIs (AZ-14, AZ-15, AZ-31). */
const none: AuthorizationRule = (request, _rc, next) => next(request);

/** AZ-0c: a cluster-level check whose denial is the API's whole-response error form. */
const clusterOp = (operation: number, denial: (request: any) => object): AuthorizationRule => async (request, rc, next) =>
  rc.authz.can(RT.CLUSTER, CLUSTER_RESOURCE_NAME, operation) ? next(request) : denial(request);

/** AZ-37: every user named in the request, once, sorted. */
const alterScramDenied = (request: { deletions: { name: string }[]; upsertions: { name: string }[] }) => ({
  throttleTimeMs: 0,
  results: [...new Set([...request.deletions, ...request.upsertions].map((e) => e.name))].sort()
    .map((user) => ({ user, errorCode: CLUSTER_DENIED, errorMessage: null })),
});

/** AZ-38 DescribeCluster: never denied; the cluster's authorized operations are 0 without DESCRIBE (AC-12). */
const describeCluster: AuthorizationRule = async (request, rc, next) => {
  const response = await next(request);
  if (!request.includeClusterAuthorizedOperations) return response;
  const ops = rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.DESCRIBE) ? rc.authz.operations(RT.CLUSTER, CLUSTER_RESOURCE_NAME) : 0;
  return { ...response, clusterAuthorizedOperations: ops };
};

/**
 * AZ-19 InitProducerId: with a transactional id TRANSACTIONAL_ID:WRITE; without one (idempotence)
 * CLUSTER:IDEMPOTENT_WRITE or WRITE on any topic pattern (KIP-679, AC-11).
 */
const initProducerId: AuthorizationRule = async (request, rc, next) => {
  const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
  const txn: string | null = request.transactionalId ?? null;
  if (txn !== null) return rc.authz.can(RT.TRANSACTIONAL_ID, txn, Op.WRITE) ? next(request) : answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const idempotent = rc.authz.canQuietly(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.IDEMPOTENT_WRITE) || rc.authz.canByResourceType(Op.WRITE, RT.TOPIC);
  return idempotent ? next(request) : answer(CLUSTER_DENIED);
};

/** Rows for cluster, ACL, credential and SASL APIs (AZ-4, AZ-14, AZ-15, AZ-19, AZ-25..AZ-27, AZ-30, AZ-31, AZ-36..AZ-38). */
export const CLUSTER_RULES: ReadonlyArray<readonly [number, AuthorizationRule]> = [
  [API_KEY.Metadata, metadataRule],
  [API_KEY.ApiVersions, none],
  [API_KEY.SaslHandshake, none],
  [API_KEY.SaslAuthenticate, none],
  [API_KEY.DescribeCluster, describeCluster],
  [API_KEY.InitProducerId, initProducerId],
  [API_KEY.DescribeAcls, clusterOp(Op.DESCRIBE, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIAL_MESSAGE[CLUSTER_DENIED], resources: [] }))],
  [API_KEY.CreateAcls, clusterOp(Op.ALTER, (r) => ({ throttleTimeMs: 0, results: r.creations.map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIAL_MESSAGE[CLUSTER_DENIED] })) }))],
  [API_KEY.DeleteAcls, clusterOp(Op.ALTER, (r) => ({
    throttleTimeMs: 0, filterResults: r.filters.map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIAL_MESSAGE[CLUSTER_DENIED], matchingAcls: [] })),
  }))],
  [API_KEY.DescribeUserScramCredentials, clusterOp(Op.DESCRIBE, () => ({ ...defaultMessage('DescribeUserScramCredentialsResponse'), errorCode: CLUSTER_DENIED, errorMessage: DENIAL_MESSAGE[CLUSTER_DENIED] }))],
  [API_KEY.AlterUserScramCredentials, clusterOp(Op.ALTER, alterScramDenied)],
  // AZ-30: v3+ a top-level error with no results; v0–2 have no error field, just an empty result list.
  [API_KEY.DescribeLogDirs, async (request, rc, next) =>
    rc.authz.can(RT.CLUSTER, CLUSTER_RESOURCE_NAME, Op.DESCRIBE) ? next(request) : { throttleTimeMs: 0, errorCode: rc.version >= 3 ? CLUSTER_DENIED : 0, results: [] }],
];
