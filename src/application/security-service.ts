import type { Action, AclBinding, Session } from '../domain/security/acl';
import type { AclFilter } from '../domain/security/acl-filter';
import { describeAcls } from '../domain/security/acl-filter';
import type { AuthorizerSettings } from '../domain/security/acl-authorize';
import { SUPPORTED_OPERATIONS, authorize, authorizeByResourceType, authorizedOperations } from '../domain/security/acl-authorize';
import { decideCreateAcls, decideDeleteAcls, type DeleteAclsFilterResult } from '../domain/security/decide-acls';
import { decideAlterScramCredentials, describeScramCredentials, type ScramAlteration, type ScramDescription } from '../domain/security/decide-credentials';
import type { SecurityEvent } from '../domain/security/events';
import { evolveSecurity, securitySnapshotEvents } from '../domain/security/evolve-security';
import type { CredentialMechanism, SecurityState, StoredCredential } from '../domain/security/security-state';
import { initialSecurity } from '../domain/security/security-state';
import type { KafkaError } from '../domain/error-code';
import type { Authorizer } from '../ports/authorizer';
import type { MetaLog } from '../ports/meta-log';

export interface SecuritySettings extends AuthorizerSettings {
  /** `--authorizer-enabled`: false → every check passes and ACL APIs answer SECURITY_DISABLED (AC-10). */
  readonly enabled: boolean;
}

/**
 * ACLs and credentials as MetaLog events (SP-1), folded like topics: decisions see the live state,
 * authorization and logins see the durable state, and an admin request is answered only after its
 * events are durable (SP-3, CR-7). Implements the Authorizer port over the folded ACLs.
 */
export class SecurityService implements Authorizer {
  private live: SecurityState = initialSecurity;
  private durable: SecurityState = initialSecurity;
  private markReady!: () => void;
  private readonly loaded = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    private readonly metaLog: MetaLog,
    private readonly settings: SecuritySettings,
    private readonly newAclId: () => string,
  ) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Folds a replayed or snapshot event; during recovery live and durable are the same. */
  applyReplayed(event: SecurityEvent): void {
    this.live = evolveSecurity(this.live, event);
    this.durable = evolveSecurity(this.durable, event);
  }

  /** Recovery finished: checks and logins may now use the state (AC-13). */
  completeLoad(): void {
    this.markReady();
  }

  ready(): Promise<void> {
    return this.loaded;
  }

  snapshotEvents(): SecurityEvent[] {
    return securitySnapshotEvents(this.durable);
  }

  state(): SecurityState {
    return this.durable;
  }

  authorize(session: Session, action: Action): boolean {
    return !this.settings.enabled || authorize(this.durable, this.settings, session, action);
  }

  authorizeByResourceType(session: Session, operation: number, resourceType: number): boolean {
    return !this.settings.enabled || authorizeByResourceType(this.durable, this.settings, session, operation, resourceType);
  }

  authorizedOperations(session: Session, resourceType: number, resourceName: string): number {
    // AC-10: without an authorizer every supported operation is reported.
    if (!this.settings.enabled) return (SUPPORTED_OPERATIONS[resourceType] ?? []).reduce((bits, op) => bits | (1 << op), 0);
    return authorizedOperations(this.durable, this.settings, session, resourceType, resourceName);
  }

  /** A stored credential for a login (SA-14, SA-11), from acknowledged state. */
  credential(name: string, mechanism: CredentialMechanism): StoredCredential | undefined {
    return this.durable.credentials.get(name)?.get(mechanism);
  }

  /** CreateAcls (CR-10..13): one result per creation, after the accepted ones are durable. */
  async createAcls(creations: readonly AclBinding[]): Promise<readonly (KafkaError | null)[]> {
    const decision = decideCreateAcls(this.live, creations, this.newAclId);
    await this.commit(decision.events);
    return decision.results;
  }

  /** DeleteAcls (CR-16): every filter's matches, removed as one batch. */
  async deleteAcls(filters: readonly AclFilter[]): Promise<DeleteAclsFilterResult[]> {
    const decision = decideDeleteAcls(this.live, filters);
    await this.commit(decision.events);
    return decision.results;
  }

  describeAcls(filter: AclFilter): ReturnType<typeof describeAcls> {
    return describeAcls(this.durable, filter);
  }

  /** AlterUserScramCredentials (CR-4, CR-5). */
  async alterScramCredentials(alterations: readonly ScramAlteration[]): Promise<{ user: string; error: KafkaError | null }[]> {
    const decision = decideAlterScramCredentials(this.live, alterations);
    await this.commit(decision.events);
    return decision.results;
  }

  describeScramCredentials(users: readonly string[] | null): ScramDescription[] {
    return describeScramCredentials(this.durable, users);
  }

  /** Appends events made by an offline decision (the `users` command) and folds them. */
  async commit(events: readonly SecurityEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) this.live = evolveSecurity(this.live, e);
    await this.metaLog.append(events);
    for (const e of events) this.durable = evolveSecurity(this.durable, e);
  }
}
