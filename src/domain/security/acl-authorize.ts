import type { Action, Session, StoredAcl } from './acl';
import { AclOperation, PatternType, PermissionType, WILDCARD_HOST, WILDCARD_PRINCIPAL, WILDCARD_RESOURCE } from './acl';
import type { SecurityState } from './security-state';
import { literalKey } from './security-state';

/** The authorizer's configuration (AC-8, AC-9). */
export interface AuthorizerSettings {
  /** `super.users`, as `Type:name` strings. */
  readonly superUsers: ReadonlySet<string>;
  /** `allow.everyone.if.no.acl.found`. */
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** AC-6: an ALLOW on one of these operations also grants DESCRIBE / DESCRIBE_CONFIGS. Nothing else implies. */
const IMPLIES_DESCRIBE: ReadonlySet<number> = new Set([AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]);

const allowCovers = (aclOp: number, op: number): boolean =>
  aclOp === AclOperation.ALL || aclOp === op ||
  (op === AclOperation.DESCRIBE && IMPLIES_DESCRIBE.has(aclOp)) ||
  (op === AclOperation.DESCRIBE_CONFIGS && aclOp === AclOperation.ALTER_CONFIGS);

/** AC-6: DENY never implies; DENY ALL denies everything. */
const denyCovers = (aclOp: number, op: number): boolean => aclOp === AclOperation.ALL || aclOp === op;

const principalMatches = (acl: StoredAcl, session: Session): boolean => acl.principal === session.principal || acl.principal === WILDCARD_PRINCIPAL;
const hostMatches = (acl: StoredAcl, session: Session): boolean => acl.host === WILDCARD_HOST || acl.host === session.host;

/** Every ACL whose pattern applies to the literal resource (AC-3): equal name, `*`, or a prefix of the name. */
export const aclsForResource = (state: SecurityState, resourceType: number, resourceName: string): StoredAcl[] => {
  const out: StoredAcl[] = [];
  const exact = state.literal.get(literalKey(resourceType, resourceName));
  if (exact !== undefined) out.push(...exact);
  if (resourceName !== WILDCARD_RESOURCE) {
    const wildcard = state.literal.get(literalKey(resourceType, WILDCARD_RESOURCE));
    if (wildcard !== undefined) out.push(...wildcard);
  }
  for (const acl of state.prefixed.get(resourceType) ?? []) if (resourceName.startsWith(acl.resourceName)) out.push(acl);
  return out;
};

/**
 * Kafka's StandardAuthorizer decision (AC-7..AC-9): super users first; no ACL at all on the resource
 * → the default; a matching DENY wins over any ALLOW; else ALLOWED iff a matching ALLOW covers the
 * operation (with AC-6 implications).
 */
export const authorize = (state: SecurityState, settings: AuthorizerSettings, session: Session, action: Action): boolean => {
  if (settings.superUsers.has(session.principal)) return true;
  const acls = aclsForResource(state, action.resourceType, action.resourceName);
  if (acls.length === 0) return settings.allowEveryoneIfNoAclFound;
  let allowed = false;
  for (const acl of acls) {
    if (!principalMatches(acl, session) || !hostMatches(acl, session)) continue;
    if (acl.permission === PermissionType.DENY) {
      if (denyCovers(acl.operation, action.operation)) return false;
    } else if (acl.permission === PermissionType.ALLOW && allowCovers(acl.operation, action.operation)) {
      allowed = true;
    }
  }
  return allowed;
};

/**
 * AC-11 `authorizeByResourceType` (Kafka's Authorizer default method, used by InitProducerId for
 * KIP-679): ALLOWED when some ALLOW pattern for `op` on `resourceType` is not dominated by a DENY.
 */
export const authorizeByResourceType = (state: SecurityState, settings: AuthorizerSettings, session: Session, op: number, resourceType: number): boolean => {
  // Kafka asks about a hard-coded literal name first, so super users and the default rule pass.
  if (authorize(state, settings, session, { resourceType, resourceName: 'hardcode', operation: op })) return true;
  const denyLiteral = new Set<string>();
  const denyPrefixed = new Set<string>();
  const allowLiteral = new Set<string>();
  const allowPrefixed = new Set<string>();
  let wildcardAllow = false;
  for (const acl of state.acls.values()) {
    if (acl.resourceType !== resourceType || !hostMatches(acl, session) || !principalMatches(acl, session)) continue;
    if (acl.operation !== op && acl.operation !== AclOperation.ALL) continue;
    const literal = acl.patternType === PatternType.LITERAL;
    if (acl.permission === PermissionType.DENY) {
      if (literal && acl.resourceName === WILDCARD_RESOURCE) return false;
      (literal ? denyLiteral : denyPrefixed).add(acl.resourceName);
    } else if (acl.permission === PermissionType.ALLOW) {
      if (literal && acl.resourceName === WILDCARD_RESOURCE) wildcardAllow = true;
      else (literal ? allowLiteral : allowPrefixed).add(acl.resourceName);
    }
  }
  if (wildcardAllow) return true;
  const dominatedByPrefixDeny = (name: string): boolean => {
    for (let i = 1; i <= name.length; i++) if (denyPrefixed.has(name.slice(0, i))) return true;
    return false;
  };
  for (const name of allowLiteral) if (!denyLiteral.has(name) && !dominatedByPrefixDeny(name)) return true;
  for (const name of allowPrefixed) if (!dominatedByPrefixDeny(name)) return true;
  return false;
};

/** AC-12: operations reported in authorizedOperations bitfields, per resource type. */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly number[]>> = {
  2: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  3: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  4: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
  5: [AclOperation.DESCRIBE, AclOperation.WRITE],
};

/** AC-12: bit `1 << op` for each supported operation ALLOWED on the literal resource. */
export const authorizedOperations = (state: SecurityState, settings: AuthorizerSettings, session: Session, resourceType: number, resourceName: string): number => {
  let bits = 0;
  for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) {
    if (authorize(state, settings, session, { resourceType, resourceName, operation: op })) bits |= 1 << op;
  }
  return bits;
};
