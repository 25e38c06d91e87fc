import {
  AclOperation as Op, PatternType, PermissionType, ResourceType, decideCreateAcls, decideDeleteAcls, describeAcls,
  evolveSecurity, initialSecurity, replaySecurity, securitySnapshotEvents, type AclBinding, type AclFilter, type SecurityEvent, type SecurityState,
} from '../../../src/domain/security';

const acl = (over: Partial<AclBinding> = {}): AclBinding => ({
  resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*',
  operation: Op.READ, permission: PermissionType.ALLOW, ...over,
});
const any: AclFilter = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: Op.ANY, permission: PermissionType.ANY };
let n = 0;
const newId = () => `acl-${n++}`;
const fold = (state: SecurityState, events: readonly SecurityEvent[]) => events.reduce(evolveSecurity, state);

describe('CreateAcls / DescribeAcls / DeleteAcls decisions (security.md CR-11..CR-17)', () => {
  it('CR-11 validation messages', () => {
    const r = decideCreateAcls(initialSecurity, [
      acl({ resourceType: ResourceType.CLUSTER, resourceName: 'c' }),
      acl({ resourceName: '' }),
      acl({ resourceType: ResourceType.ANY }),
      acl({ patternType: PatternType.MATCH }),
      acl({ operation: Op.ANY }),
      acl({ permission: PermissionType.ANY }),
      acl({ principal: 'alice' }),
      acl({ resourceType: 99 }),
    ], newId);
    expect(r.results.map((e) => [e?.code, e?.message])).toEqual([
      [42, 'The only valid name for the CLUSTER resource is kafka-cluster'],
      [42, 'Invalid empty resource name'],
      [42, 'Invalid resourceType ANY'],
      [42, 'Invalid patternType MATCH'],
      [42, 'Invalid operation ANY'],
      [42, 'Invalid permissionType ANY'],
      [42, 'Could not parse principal from `alice` (no colon is present separating the principal type from the principal name)'],
      [42, 'Invalid resourceType UNKNOWN'],
    ]);
    expect(r.events).toEqual([]);
  });

  it('CR-12 an identical ACL (live or earlier in the request) succeeds and writes nothing', () => {
    const first = decideCreateAcls(initialSecurity, [acl(), acl()], newId);
    expect(first.results).toEqual([null, null]);
    expect(first.events).toHaveLength(1);
    const state = fold(initialSecurity, first.events);
    const again = decideCreateAcls(state, [acl(), acl({ operation: Op.WRITE })], newId);
    expect(again.results).toEqual([null, null]);
    expect(again.events).toHaveLength(1);
  });

  it('CR-14 filters: exact pattern types, ANY, MATCH (literal, * and prefixes), exact operation', () => {
    const d = decideCreateAcls(initialSecurity, [
      acl(), acl({ resourceName: '*' }), acl({ resourceName: 'ord', patternType: PatternType.PREFIXED }), acl({ resourceName: 'other' }),
      acl({ operation: Op.DESCRIBE }),
    ], newId);
    const s = fold(initialSecurity, d.events);
    const names = (f: Partial<AclFilter>) => describeAcls(s, { ...any, ...f }).map((a) => `${a.resourceName}/${a.patternType}/${a.operation}`).sort();
    expect(names({})).toHaveLength(5);
    expect(names({ resourceName: 'orders', patternType: PatternType.LITERAL })).toEqual(['orders/3/3', 'orders/3/8']);
    expect(names({ resourceName: 'orders', patternType: PatternType.MATCH })).toEqual(['*/3/3', 'ord/4/3', 'orders/3/3', 'orders/3/8']);
    expect(names({ resourceName: 'ord', patternType: PatternType.ANY })).toEqual(['ord/4/3']);
    expect(names({ operation: Op.DESCRIBE })).toEqual(['orders/3/8']);
    expect(names({ principal: 'User:bob' })).toEqual([]);
  });

  it('CR-16 an ACL matched by two filters is removed once and reported under both; UNKNOWN filters fail alone', () => {
    const s = fold(initialSecurity, decideCreateAcls(initialSecurity, [acl(), acl({ resourceName: 'x' })], newId).events);
    const d = decideDeleteAcls(s, [
      { ...any, resourceName: 'orders' },
      { ...any, principal: 'User:alice' },
      { ...any, resourceType: 0 },
      { ...any, operation: 0 },
    ]);
    expect(d.results.map((r) => r.matches.length)).toEqual([1, 2, 0, 0]);
    expect(d.results[2]!.error?.message).toBe('Unknown patternFilter.');
    expect(d.results[3]!.error?.message).toBe('Unknown entryFilter.');
    expect(d.events).toHaveLength(2);
    expect(fold(s, d.events).acls.size).toBe(0);
  });

  it('SP-5 a snapshot of the state restores exactly the same ACLs and credentials', () => {
    const events = decideCreateAcls(initialSecurity, [acl(), acl({ patternType: PatternType.PREFIXED, resourceName: 'o' })], newId).events;
    const s = fold(initialSecurity, [
      ...events,
      { type: 'ScramCredentialUpserted', name: 'u', mechanism: 'SCRAM-SHA-256', salt: new Uint8Array([1]), storedKey: new Uint8Array([2]), serverKey: new Uint8Array([3]), iterations: 4096 },
    ]);
    const restored = replaySecurity(initialSecurity, securitySnapshotEvents(s));
    expect([...restored.acls.values()]).toEqual([...s.acls.values()]);
    expect(restored.credentials).toEqual(s.credentials);
    expect(restored.literal).toEqual(s.literal);
    expect(restored.prefixed).toEqual(s.prefixed);
  });

  it('evolve keeps earlier states intact (persistent maps)', () => {
    const created = decideCreateAcls(initialSecurity, [acl()], newId).events;
    const s1 = fold(initialSecurity, created);
    const s2 = evolveSecurity(s1, { type: 'AclRemoved', id: (created[0] as { id: string }).id });
    expect(s1.acls.size).toBe(1);
    expect(s1.literal.size).toBe(1);
    expect(s2.acls.size).toBe(0);
    expect(s2.literal.size).toBe(0);
  });
});
