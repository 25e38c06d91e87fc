import type { CredentialMechanism } from './security-state';

/**
 * Security events in the MetaLog (security.md SP-1; Kafka's UserScramCredentialRecord,
 * RemoveUserScramCredentialRecord, AccessControlEntryRecord, RemoveAccessControlEntryRecord).
 * No password or salted password is ever part of an event (SP-2).
 */
export type SecurityEvent =
  | {
      readonly type: 'ScramCredentialUpserted';
      readonly name: string;
      readonly mechanism: CredentialMechanism;
      readonly salt: Uint8Array;
      readonly storedKey: Uint8Array;
      readonly serverKey: Uint8Array;
      readonly iterations: number;
    }
  | { readonly type: 'ScramCredentialRemoved'; readonly name: string; readonly mechanism: CredentialMechanism }
  | {
      readonly type: 'AclCreated';
      readonly id: string;
      readonly resourceType: number;
      readonly resourceName: string;
      readonly patternType: number;
      readonly principal: string;
      readonly host: string;
      readonly operation: number;
      readonly permission: number;
    }
  | { readonly type: 'AclRemoved'; readonly id: string };

const SECURITY_EVENT_TYPES: ReadonlySet<string> = new Set(['ScramCredentialUpserted', 'ScramCredentialRemoved', 'AclCreated', 'AclRemoved']);

/** Routes a MetaLog event to the security fold (recovery dispatch). */
export const isSecurityEvent = (event: { readonly type: string }): event is SecurityEvent => SECURITY_EVENT_TYPES.has(event.type);
