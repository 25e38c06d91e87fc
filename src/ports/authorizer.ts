import type { Action, Session } from '../domain/security/acl';

/**
 * Authorizer port (security.md §3): answers "may this session do this operation on this resource?"
 * the way Kafka's StandardAuthorizer does.
 *
 * Contract:
 * - `enabled` is false when no authorizer is configured (AC-10): request paths then skip every check,
 *   and the ACL APIs answer SECURITY_DISABLED.
 * - Answers come from acknowledged (durable) state only: an ACL or credential change is visible to
 *   every check that starts after its admin request was answered (CR-7).
 * - `ready()` resolves once the initial load (snapshot + MetaLog replay) is complete (AC-13); a check
 *   made before it would see an empty ACL set, so callers await it first.
 * - The methods are pure reads: they never throw for any input and never block.
 */
export interface Authorizer {
  readonly enabled: boolean;
  ready(): Promise<void>;
  /** AC-7..AC-9: super users, then DENY over ALLOW with AC-6 implications, then the no-ACL default. */
  authorize(session: Session, action: Action): boolean;
  /** AC-11: is some `op` ALLOW on a resource of this type not dominated by a DENY (KIP-679)? */
  authorizeByResourceType(session: Session, operation: number, resourceType: number): boolean;
  /** AC-12: the authorizedOperations bitfield of one literal resource. */
  authorizedOperations(session: Session, resourceType: number, resourceName: string): number;
}

/** DI symbol for the Authorizer port (kept beside the port; src/ports/symbols.ts is shared). */
export const AUTHORIZER = Symbol.for('Authorizer');
