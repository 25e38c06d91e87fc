import type { StoredAcl } from './acl';
import { AclOperation, PatternType, PermissionType, ResourceType, WILDCARD_RESOURCE } from './acl';
import type { SecurityState } from './security-state';

/** An ACL filter as DescribeAcls and DeleteAcls send it (CR-14): null strings and ANY codes match everything. */
export interface AclFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permission: number;
}

const inRange = (code: number, max: number): boolean => Number.isInteger(code) && code > 0 && code <= max;

/** Codes outside Kafka's enums decode as UNKNOWN (`fromCode`), so both are "unknown" here. */
export const isKnownResourceType = (c: number): boolean => inRange(c, ResourceType.USER);
export const isKnownPatternType = (c: number): boolean => inRange(c, PatternType.PREFIXED);
export const isKnownOperation = (c: number): boolean => inRange(c, AclOperation.DESCRIBE_TOKENS);
export const isKnownPermission = (c: number): boolean => inRange(c, PermissionType.ALLOW);

/** CR-15/CR-16: which half of a filter holds an UNKNOWN value, or null when the filter is usable. */
export const filterProblem = (f: AclFilter): 'pattern' | 'entry' | null => {
  if (!isKnownResourceType(f.resourceType) || !isKnownPatternType(f.patternType)) return 'pattern';
  if (!isKnownOperation(f.operation) || !isKnownPermission(f.permission)) return 'entry';
  return null;
};

/** Kafka's ResourcePatternFilter.matches: LITERAL/PREFIXED exact, ANY any type, MATCH everything that would apply. */
const patternMatches = (acl: StoredAcl, f: AclFilter): boolean => {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== acl.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== acl.patternType) return false;
  if (f.resourceName === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === acl.patternType) return f.resourceName === acl.resourceName;
  // MATCH against the other pattern type: what would apply to a resource of that name.
  if (acl.patternType === PatternType.LITERAL) return f.resourceName === acl.resourceName || acl.resourceName === WILDCARD_RESOURCE;
  return f.resourceName.startsWith(acl.resourceName);
};

/** Kafka's AccessControlEntryFilter.matches: operation and permission compare exactly (CR-14: no implication). */
const entryMatches = (acl: StoredAcl, f: AclFilter): boolean =>
  (f.principal === null || f.principal === acl.principal) &&
  (f.host === null || f.host === acl.host) &&
  (f.operation === AclOperation.ANY || f.operation === acl.operation) &&
  (f.permission === PermissionType.ANY || f.permission === acl.permission);

export const matchesFilter = (acl: StoredAcl, f: AclFilter): boolean => patternMatches(acl, f) && entryMatches(acl, f);

/** Every live ACL matching the filter, in creation order (DescribeAcls). */
export const describeAcls = (state: SecurityState, f: AclFilter): StoredAcl[] => [...state.acls.values()].filter((a) => matchesFilter(a, f));
