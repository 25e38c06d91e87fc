import type { AclBinding, StoredAcl } from './acl';
import { PatternType } from './acl';

/** Mechanisms a stored credential can serve (SA-17; PLAIN logins are checked against salted keys too). */
export type CredentialMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';

/**
 * A salted credential (SA-17): never the password, never the salted password. For PLAIN the same
 * form is kept (PBKDF2-HMAC-SHA-512 keys), so a PLAIN login re-derives and compares StoredKey.
 */
export interface StoredCredential {
  readonly name: string;
  readonly mechanism: CredentialMechanism;
  readonly salt: Uint8Array;
  readonly storedKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly iterations: number;
}

/**
 * Security state folded from the MetaLog (SP-1): live ACLs by id, an index for matching (AC-3), and
 * credentials by user then mechanism.
 */
export interface SecurityState {
  readonly acls: ReadonlyMap<string, StoredAcl>;
  /** LITERAL ACLs by `type NUL name` (the wildcard `*` is just another name). */
  readonly literal: ReadonlyMap<string, readonly StoredAcl[]>;
  /** PREFIXED ACLs by resource type: few in practice, matched with startsWith. */
  readonly prefixed: ReadonlyMap<number, readonly StoredAcl[]>;
  readonly credentials: ReadonlyMap<string, ReadonlyMap<CredentialMechanism, StoredCredential>>;
}

export const initialSecurity: SecurityState = { acls: new Map(), literal: new Map(), prefixed: new Map(), credentials: new Map() };

/** Index key of a LITERAL pattern. */
export const literalKey = (resourceType: number, name: string): string => `${resourceType}\u0000${name}`;

/** True when some live ACL has exactly these seven fields (CR-12). */
export const findIdentical = (state: SecurityState, b: AclBinding): StoredAcl | undefined => {
  const bucket = b.patternType === PatternType.LITERAL ? state.literal.get(literalKey(b.resourceType, b.resourceName)) : state.prefixed.get(b.resourceType);
  return bucket?.find(
    (a) => a.resourceName === b.resourceName && a.patternType === b.patternType && a.principal === b.principal &&
      a.host === b.host && a.operation === b.operation && a.permission === b.permission,
  );
};
