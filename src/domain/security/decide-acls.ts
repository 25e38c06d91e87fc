import type { KafkaError } from '../error-code';
import { ErrorCode, kafkaError } from '../error-code';
import type { AclBinding, StoredAcl } from './acl';
import { CLUSTER_RESOURCE_NAME, PatternType, ResourceType, parsePrincipal, sameBinding } from './acl';
import type { AclFilter } from './acl-filter';
import { filterProblem, isKnownOperation, isKnownPermission, isKnownResourceType, matchesFilter } from './acl-filter';
import type { SecurityEvent } from './events';
import type { SecurityState } from './security-state';
import { findIdentical } from './security-state';

/** CR-17: Kafka's MAX_RECORDS_PER_USER_OP, the most ACLs one DeleteAcls may remove. */
export const MAX_ACLS_PER_DELETE = 10000;

const name = (codes: Record<string, number>, code: number): string => Object.keys(codes).find((k) => codes[k] === code) ?? 'UNKNOWN';

/** CR-11: why a new ACL is refused (INVALID_REQUEST), or null. */
const validateNewAcl = (b: AclBinding): KafkaError | null => {
  const invalid = (message: string) => kafkaError(ErrorCode.INVALID_REQUEST, message);
  if (!isKnownResourceType(b.resourceType) || b.resourceType === ResourceType.ANY) return invalid(`Invalid resourceType ${name(ResourceType, b.resourceType)}`);
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return invalid(`Invalid patternType ${name(PatternType, b.patternType)}`);
  if (!isKnownOperation(b.operation) || b.operation === 1) return invalid(`Invalid operation ${b.operation === 1 ? 'ANY' : 'UNKNOWN'}`);
  if (!isKnownPermission(b.permission) || b.permission === 1) return invalid(`Invalid permissionType ${b.permission === 1 ? 'ANY' : 'UNKNOWN'}`);
  if (b.resourceName === '') return invalid('Invalid empty resource name');
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_RESOURCE_NAME) {
    return invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`);
  }
  if (parsePrincipal(b.principal) === null) {
    return invalid(`Could not parse principal from \`${b.principal}\` (no colon is present separating the principal type from the principal name)`);
  }
  if (b.host === '') return invalid('Invalid empty host');
  return null;
};

/** CreateAcls outcome: one result per creation, in order (CR-13), and the events of the accepted ones. */
export interface CreateAclsDecision {
  readonly results: readonly (KafkaError | null)[];
  readonly events: readonly SecurityEvent[];
}

/**
 * CreateAcls (CR-11..CR-13): each creation is validated alone; one identical to a live ACL, or to an
 * earlier creation of the same request, succeeds without writing anything (CR-12).
 */
export const decideCreateAcls = (state: SecurityState, creations: readonly AclBinding[], newId: () => string): CreateAclsDecision => {
  const results: (KafkaError | null)[] = [];
  const events: SecurityEvent[] = [];
  const accepted: AclBinding[] = [];
  for (const b of creations) {
    const problem = validateNewAcl(b);
    results.push(problem);
    if (problem !== null || findIdentical(state, b) !== undefined || accepted.some((a) => sameBinding(a, b))) continue;
    accepted.push(b);
    let id = newId();
    while (state.acls.has(id)) id = newId();
    events.push({ type: 'AclCreated', id, ...pick(b) });
  }
  return { results, events };
};

const pick = (b: AclBinding): AclBinding => ({
  resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, principal: b.principal,
  host: b.host, operation: b.operation, permission: b.permission,
});

/** One DeleteAcls filter's outcome: an error, or the ACLs it matched (CR-16). */
export interface DeleteAclsFilterResult {
  readonly error: KafkaError | null;
  readonly matches: readonly StoredAcl[];
}

/**
 * DeleteAcls (CR-16, CR-17): every filter reports every ACL it matches; an ACL matched twice is
 * removed once; the whole request is one atomic batch, refused past MAX_ACLS_PER_DELETE removals.
 */
export const decideDeleteAcls = (state: SecurityState, filters: readonly AclFilter[]): { results: DeleteAclsFilterResult[]; events: SecurityEvent[] } => {
  const removed = new Set<string>();
  const results = filters.map((f): DeleteAclsFilterResult => {
    const problem = filterProblem(f);
    if (problem !== null) return { error: kafkaError(ErrorCode.INVALID_REQUEST, problem === 'pattern' ? 'Unknown patternFilter.' : 'Unknown entryFilter.'), matches: [] };
    const matches = [...state.acls.values()].filter((a) => matchesFilter(a, f));
    for (const a of matches) removed.add(a.id);
    return { error: null, matches };
  });
  if (removed.size > MAX_ACLS_PER_DELETE) {
    const error = kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Cannot remove more than ${MAX_ACLS_PER_DELETE} acls in a single delete operation.`);
    return { results: filters.map(() => ({ error, matches: [] })), events: [] };
  }
  return { results, events: [...removed].map((id): SecurityEvent => ({ type: 'AclRemoved', id })) };
};
