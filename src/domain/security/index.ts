/** The security aggregate (ACLs and credentials): model, decisions, evolve, for the application layer. */
export * from './acl';
export type { SecurityEvent } from './events';
export { isSecurityEvent } from './events';
export { initialSecurity, type SecurityState, type StoredCredential, type CredentialMechanism } from './security-state';
export { evolveSecurity, replaySecurity, securitySnapshotEvents } from './evolve-security';
export { authorize, authorizeByResourceType, authorizedOperations, SUPPORTED_OPERATIONS, type AuthorizerSettings } from './acl-authorize';
export { describeAcls, filterProblem, matchesFilter, type AclFilter } from './acl-filter';
export { decideCreateAcls, decideDeleteAcls, MAX_ACLS_PER_DELETE, type CreateAclsDecision, type DeleteAclsFilterResult } from './decide-acls';
export {
  decideAlterScramCredentials, decideUpsertCredential, decideRemoveCredential, describeScramCredentials,
  SCRAM_MECHANISM_BY_CODE, SCRAM_CODE_BY_MECHANISM, MIN_ITERATIONS, MAX_ITERATIONS,
  type CredentialUpsert, type ScramAlteration, type ScramDescription,
} from './decide-credentials';
