import type { SecurityEvent } from './events';
import type { StoredAcl } from './acl';
import { PatternType } from './acl';
import type { CredentialMechanism, SecurityState, StoredCredential } from './security-state';
import { literalKey } from './security-state';

interface Mutable {
  acls: Map<string, StoredAcl>;
  literal: Map<string, readonly StoredAcl[]>;
  prefixed: Map<number, readonly StoredAcl[]>;
  credentials: Map<string, ReadonlyMap<CredentialMechanism, StoredCredential>>;
}

const copy = (s: SecurityState): Mutable => ({
  acls: new Map(s.acls),
  literal: new Map(s.literal),
  prefixed: new Map(s.prefixed),
  credentials: new Map(s.credentials),
});

/** Replaces (never mutates) one index bucket, so a copied outer map is a persistent snapshot. */
const updateBucket = <K>(index: Map<K, readonly StoredAcl[]>, key: K, f: (bucket: readonly StoredAcl[]) => readonly StoredAcl[]): void => {
  const next = f(index.get(key) ?? []);
  if (next.length === 0) index.delete(key);
  else index.set(key, next);
};

const applyInPlace = (m: Mutable, event: SecurityEvent): void => {
  switch (event.type) {
    case 'AclCreated': {
      const acl: StoredAcl = {
        id: event.id, resourceType: event.resourceType, resourceName: event.resourceName, patternType: event.patternType,
        principal: event.principal, host: event.host, operation: event.operation, permission: event.permission,
      };
      const old = m.acls.get(acl.id);
      if (old !== undefined) applyInPlace(m, { type: 'AclRemoved', id: old.id });
      m.acls.set(acl.id, acl);
      if (acl.patternType === PatternType.LITERAL) updateBucket(m.literal, literalKey(acl.resourceType, acl.resourceName), (b) => [...b, acl]);
      else updateBucket(m.prefixed, acl.resourceType, (b) => [...b, acl]);
      return;
    }
    case 'AclRemoved': {
      // SP-4: Kafka treats an unknown id as corruption; evolve never fails (decide validated), so it is ignored.
      const acl = m.acls.get(event.id);
      if (acl === undefined) return;
      m.acls.delete(acl.id);
      const drop = (b: readonly StoredAcl[]) => b.filter((a) => a.id !== acl.id);
      if (acl.patternType === PatternType.LITERAL) updateBucket(m.literal, literalKey(acl.resourceType, acl.resourceName), drop);
      else updateBucket(m.prefixed, acl.resourceType, drop);
      return;
    }
    case 'ScramCredentialUpserted': {
      const byMechanism = new Map(m.credentials.get(event.name) ?? []);
      // Copies the key material: decoded bytes must not alias a buffer that is reused later.
      byMechanism.set(event.mechanism, {
        name: event.name, mechanism: event.mechanism, iterations: event.iterations,
        salt: event.salt.slice(), storedKey: event.storedKey.slice(), serverKey: event.serverKey.slice(),
      });
      m.credentials.set(event.name, byMechanism);
      return;
    }
    case 'ScramCredentialRemoved': {
      const current = m.credentials.get(event.name);
      if (current === undefined || !current.has(event.mechanism)) return;
      const byMechanism = new Map(current);
      byMechanism.delete(event.mechanism);
      if (byMechanism.size === 0) m.credentials.delete(event.name);
      else m.credentials.set(event.name, byMechanism);
      return;
    }
  }
};

/** Folds one security event (live appends): copies the top-level maps, so earlier states stay valid. */
export const evolveSecurity = (state: SecurityState, event: SecurityEvent): SecurityState => {
  const m = copy(state);
  applyInPlace(m, event);
  return m;
};

/** Folds many events with one copy (recovery, snapshots). */
export const replaySecurity = (state: SecurityState, events: Iterable<SecurityEvent>): SecurityState => {
  const m = copy(state);
  for (const e of events) applyInPlace(m, e);
  return m;
};

/** Events that rebuild `state` from the initial state (SP-5: snapshots restore the same decisions). */
export const securitySnapshotEvents = (state: SecurityState): SecurityEvent[] => [
  ...[...state.credentials.values()].flatMap((byMechanism) =>
    [...byMechanism.values()].map((c): SecurityEvent => ({
      type: 'ScramCredentialUpserted', name: c.name, mechanism: c.mechanism, salt: c.salt, storedKey: c.storedKey, serverKey: c.serverKey, iterations: c.iterations,
    })),
  ),
  ...[...state.acls.values()].map((a): SecurityEvent => ({
    type: 'AclCreated', id: a.id, resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType,
    principal: a.principal, host: a.host, operation: a.operation, permission: a.permission,
  })),
];
