import { ErrorCode } from '../../../domain/error-code';
import type { AclFilter } from '../../../domain/security/acl-filter';
import { filterProblem } from '../../../domain/security/acl-filter';
import type { StoredAcl } from '../../../domain/security/acl';
import type { SecurityService } from '../../../application/security-service';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** AC-10: the text Kafka sends when no authorizer is configured. */
const NO_AUTHORIZER = 'No Authorizer is configured.';

interface WireFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

const toFilter = (f: WireFilter): AclFilter => ({
  resourceType: f.resourceTypeFilter, resourceName: f.resourceNameFilter, patternType: f.patternTypeFilter,
  principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permission: f.permissionType,
});

/** CR-15: matching ACLs grouped by resource pattern. */
const groupByResource = (acls: readonly StoredAcl[]) => {
  const byPattern = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: object[] }>();
  for (const a of acls) {
    const key = `${a.resourceType}\u0000${a.patternType}\u0000${a.resourceName}`;
    let r = byPattern.get(key);
    if (r === undefined) byPattern.set(key, (r = { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType, acls: [] }));
    r.acls.push({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permission });
  }
  return [...byPattern.values()];
};

/** DescribeAcls v0–v3 (CR-14, CR-15; AC-10 SECURITY_DISABLED without an authorizer). */
export const describeAclsHandler = (security: SecurityService): ApiHandler => ({
  apiKey: API_KEY.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request: WireFilter) {
    if (!security.enabled) return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, resources: [] };
    const filter = toFilter(request);
    if (filterProblem(filter) !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'DescribeAclsRequest contains UNKNOWN elements', resources: [] };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: groupByResource(security.describeAcls(filter)) };
  },
});

/** CreateAcls v0–v3 (CR-10..CR-13): one result per creation, in order, after the new ACLs are durable. */
export const createAclsHandler = (security: SecurityService): ApiHandler => ({
  apiKey: API_KEY.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request: { creations: { resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number }[] }) {
    if (!security.enabled) {
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER })) };
    }
    const results = await security.createAcls(request.creations.map((c) => ({
      resourceType: c.resourceType, resourceName: c.resourceName, patternType: c.resourcePatternType, principal: c.principal,
      host: c.host, operation: c.operation, permission: c.permissionType,
    })));
    return { throttleTimeMs: 0, results: results.map((e) => ({ errorCode: e?.code ?? ErrorCode.NONE, errorMessage: e?.message ?? null })) };
  },
});

/** DeleteAcls v0–v3 (CR-16, CR-17): every filter lists what it removed; one atomic batch. */
export const deleteAclsHandler = (security: SecurityService): ApiHandler => ({
  apiKey: API_KEY.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request: { filters: WireFilter[] }) {
    if (!security.enabled) {
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER, matchingAcls: [] })) };
    }
    const results = await security.deleteAcls(request.filters.map(toFilter));
    return {
      throttleTimeMs: 0,
      filterResults: results.map((r) => ({
        errorCode: r.error?.code ?? ErrorCode.NONE,
        errorMessage: r.error?.message ?? null,
        matchingAcls: r.matches.map((a) => ({
          errorCode: ErrorCode.NONE, errorMessage: null, resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType,
          principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permission,
        })),
      })),
    };
  },
});
