/**
 * Kafka's ACL model (security.md AC-1, AC-2): wire codes of the enums, an ACL binding, principals.
 * Codes are Kafka's int8 values so requests, events and decisions share one vocabulary.
 */

/** ResourceType (AC-1). */
export const ResourceType = {
  UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

/** PatternType (AC-1): ACLs are LITERAL or PREFIXED; ANY and MATCH exist only in filters. */
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

/** AclOperation (AC-1). */
export const AclOperation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

/** AclPermissionType (AC-1). */
export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;
export type PermissionType = (typeof PermissionType)[keyof typeof PermissionType];

/** The one name the CLUSTER resource has (AZ-0e). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A LITERAL ACL on this name applies to every resource of its type (AC-2). */
export const WILDCARD_RESOURCE = '*';
/** The only wildcard principal Kafka knows (AC-4). */
export const WILDCARD_PRINCIPAL = 'User:*';
/** A host of `*` matches every client address (AC-5). */
export const WILDCARD_HOST = '*';
/** The principal of PLAINTEXT connections and of SSL connections without a verified certificate (LS-8). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** One access control entry on one resource pattern (AC-2). Principals are `Type:name` strings. */
export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly patternType: number;
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permission: number;
}

/** A live ACL: the binding plus the id its creation event gave it (SP-1, AclCreated). */
export interface StoredAcl extends AclBinding {
  readonly id: string;
}

/** Who is asking and from where: the connection's principal and the client's IP address (AC-4, AC-5). */
export interface Session {
  readonly principal: string;
  readonly host: string;
}

/** What is asked: one operation on one literal resource (AC-3: authorization always asks about LITERAL names). */
export interface Action {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly operation: number;
}

/** Splits `Type:name` at its first colon; null when there is none or either side is empty (AC-9, CR-11). */
export const parsePrincipal = (text: string): { type: string; name: string } | null => {
  const i = text.indexOf(':');
  if (i <= 0 || i === text.length - 1) return null;
  return { type: text.slice(0, i), name: text.slice(i + 1) };
};

/** True when every field of `a` equals `b`'s (CR-12: creating an identical ACL writes nothing). */
export const sameBinding = (a: AclBinding, b: AclBinding): boolean =>
  a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType &&
  a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permission === b.permission;
