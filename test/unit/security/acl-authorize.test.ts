import {
  AclOperation as Op, PatternType, PermissionType, ResourceType, authorize, authorizeByResourceType, authorizedOperations,
  decideCreateAcls, initialSecurity, replaySecurity, type AclBinding, type AuthorizerSettings, type SecurityState,
} from '../../../src/domain/security';

const settings = (over: Partial<AuthorizerSettings> = {}): AuthorizerSettings => ({ superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false, ...over });
const alice = { principal: 'User:alice', host: '127.0.0.1' };
let ids = 0;
const withAcls = (...acls: Partial<AclBinding>[]): SecurityState => {
  const bindings = acls.map((a) => ({
    resourceType: ResourceType.TOPIC, resourceName: 't', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*',
    operation: Op.READ, permission: PermissionType.ALLOW, ...a,
  }));
  const d = decideCreateAcls(initialSecurity, bindings, () => `id-${ids++}`);
  expect(d.results.every((r) => r === null)).toBe(true);
  return replaySecurity(initialSecurity, d.events as any);
};
const can = (state: SecurityState, op: number, name = 't', type: number = ResourceType.TOPIC, s = settings(), session = alice) =>
  authorize(state, s, session, { resourceType: type, resourceName: name, operation: op });

describe('ACL decisions (security.md AC-3..AC-12, StandardAuthorizerTest)', () => {
  it('AC-8 no ACL at all: the default decides (allow.everyone.if.no.acl.found)', () => {
    expect(can(initialSecurity, Op.READ)).toBe(false);
    expect(can(initialSecurity, Op.READ, 't', ResourceType.TOPIC, settings({ allowEveryoneIfNoAclFound: true }))).toBe(true);
  });

  it('AC-8 an ACL on the resource for someone else denies even with allow.everyone.if.no.acl.found', () => {
    const s = withAcls({ principal: 'User:bob' });
    expect(can(s, Op.READ, 't', ResourceType.TOPIC, settings({ allowEveryoneIfNoAclFound: true }))).toBe(false);
  });

  it('AC-9 super users pass everything, DENY ACLs included', () => {
    const s = withAcls({ principal: 'User:admin', operation: Op.ALL, permission: PermissionType.DENY });
    expect(can(s, Op.WRITE, 't', ResourceType.TOPIC, settings(), { principal: 'User:admin', host: '1.2.3.4' })).toBe(true);
  });

  it('AC-3 literal, wildcard and prefixed patterns apply; a prefix is case-sensitive and may equal the name', () => {
    expect(can(withAcls({ resourceName: '*' }), Op.READ, 'anything')).toBe(true);
    const p = withAcls({ resourceName: 'orders-', patternType: PatternType.PREFIXED });
    expect(can(p, Op.READ, 'orders-eu')).toBe(true);
    expect(can(p, Op.READ, 'orders-')).toBe(true);
    expect(can(p, Op.READ, 'Orders-eu')).toBe(false);
    expect(can(p, Op.READ, 'order')).toBe(false);
    expect(can(withAcls({ resourceName: 'x' }), Op.READ, 't')).toBe(false);
  });

  it('AC-6 READ, WRITE, DELETE, ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; nothing else implies', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) expect(can(withAcls({ operation: op }), Op.DESCRIBE)).toBe(true);
    expect(can(withAcls({ operation: Op.ALTER_CONFIGS }), Op.DESCRIBE_CONFIGS)).toBe(true);
    expect(can(withAcls({ operation: Op.WRITE }), Op.READ)).toBe(false);
    expect(can(withAcls({ operation: Op.CREATE }), Op.DESCRIBE)).toBe(false);
    expect(can(withAcls({ operation: Op.DESCRIBE }), Op.READ)).toBe(false);
  });

  it('AC-6/AC-7 DENY wins over ALLOW, DENY ALL denies everything, and DENY READ does not deny DESCRIBE', () => {
    const s = withAcls({ operation: Op.ALL }, { operation: Op.WRITE, permission: PermissionType.DENY });
    expect(can(s, Op.READ)).toBe(true);
    expect(can(s, Op.WRITE)).toBe(false);
    expect(can(withAcls({ operation: Op.ALL, permission: PermissionType.DENY }, { operation: Op.READ }), Op.READ)).toBe(false);
    const denyRead = withAcls({ operation: Op.READ, permission: PermissionType.DENY }, { operation: Op.DESCRIBE });
    expect(can(denyRead, Op.DESCRIBE)).toBe(true);
    expect(can(denyRead, Op.READ)).toBe(false);
    // A wildcard DENY beats a literal ALLOW, and a prefixed DENY beats a literal ALLOW.
    expect(can(withAcls({ resourceName: '*', permission: PermissionType.DENY }, {}), Op.READ)).toBe(false);
    expect(can(withAcls({ resourceName: 't', patternType: PatternType.PREFIXED, permission: PermissionType.DENY }, {}), Op.READ)).toBe(false);
  });

  it('AC-4 principal matches exactly or through User:*; AC-5 host matches exactly or through *', () => {
    expect(can(withAcls({ principal: 'User:*' }), Op.READ)).toBe(true);
    expect(can(withAcls({ principal: 'Group:*' }), Op.READ)).toBe(false);
    expect(can(withAcls({ host: '127.0.0.1' }), Op.READ)).toBe(true);
    expect(can(withAcls({ host: '10.0.0.1' }), Op.READ)).toBe(false);
    const denyOtherHost = withAcls({}, { host: '10.0.0.1', permission: PermissionType.DENY });
    expect(can(denyOtherHost, Op.READ)).toBe(true);
  });

  it('AC-11 authorizeByResourceType: any undominated ALLOW (even prefixed) passes; a wildcard or dominating DENY fails', () => {
    const byType = (s: SecurityState) => authorizeByResourceType(s, settings(), alice, Op.WRITE, ResourceType.TOPIC);
    expect(byType(initialSecurity)).toBe(false);
    expect(byType(withAcls({ operation: Op.WRITE, resourceName: 'a', patternType: PatternType.PREFIXED }))).toBe(true);
    expect(byType(withAcls({ operation: Op.WRITE }, { operation: Op.WRITE, permission: PermissionType.DENY }))).toBe(false);
    expect(byType(withAcls({ operation: Op.WRITE, resourceName: 'abc' }, { operation: Op.WRITE, resourceName: 'ab', patternType: PatternType.PREFIXED, permission: PermissionType.DENY }))).toBe(false);
    expect(byType(withAcls({ operation: Op.WRITE, resourceName: 'x' }, { operation: Op.WRITE, resourceName: '*', permission: PermissionType.DENY }))).toBe(false);
    expect(byType(withAcls({ operation: Op.READ }))).toBe(false);
    expect(authorizeByResourceType(initialSecurity, settings({ allowEveryoneIfNoAclFound: true }), alice, Op.WRITE, ResourceType.TOPIC)).toBe(true);
  });

  it('AC-12 authorizedOperations sets one bit per allowed supported operation', () => {
    const s = withAcls({ operation: Op.READ });
    expect(authorizedOperations(s, settings(), alice, ResourceType.TOPIC, 't')).toBe((1 << Op.READ) | (1 << Op.DESCRIBE));
    expect(authorizedOperations(s, settings(), alice, ResourceType.TOPIC, 'other')).toBe(0);
  });
});
