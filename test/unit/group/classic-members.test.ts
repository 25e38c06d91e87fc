import fc from 'fast-check';
import { ClassicMembers, sharingWith, type ClassicGroup, type ClassicMember } from '../../../src/domain/group/classic-group';
import type { MemberProtocol } from '../../../src/domain/group/events';
import { evolve } from '../../../src/domain/group/evolve';
import { initialGroupsState } from '../../../src/domain/group/groups-state';

const member = (memberId: string, names: readonly string[]): ClassicMember => ({
  memberId,
  instanceId: null,
  clientId: 'c',
  clientHost: '/127.0.0.1',
  rebalanceTimeoutMs: 1000,
  sessionTimeoutMs: 1000,
  protocolType: 'consumer',
  protocols: names.map((name) => ({ name, metadata: new Uint8Array(0), topics: null })),
  assignmentLatin1: '',
  assignedPartitions: null,
});

type Op = { kind: 'set'; id: string; names: string[] } | { kind: 'delete'; id: string } | { kind: 'clear' };

const ids = fc.constantFrom('m1', 'm2', 'm3', 'm4');
const names = fc.array(fc.constantFrom('range', 'roundrobin', 'sticky'), { maxLength: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), id: ids, names }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: ids }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('ClassicMembers (CG-7: protocol support counted as members change)', () => {
  it('CG-7: supportCount(name) is always the number of members listing name, whatever the sequence of set / delete / clear', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const members = new ClassicMembers();
        for (const o of ops) {
          if (o.kind === 'set') members.set(o.id, member(o.id, o.names));
          else if (o.kind === 'delete') members.delete(o.id);
          else members.clear();
          for (const name of ['range', 'roundrobin', 'sticky']) {
            const expected = [...members.values()].filter((m) => m.protocols.some((p) => p.name === name)).length;
            expect(members.supportCount(name)).toBe(expected);
          }
        }
      }),
    );
  });

  it('issue 14: members listing the same names (any order) need no count table; one with other names switches to counting', () => {
    const members = new ClassicMembers();
    members.set('m1', member('m1', ['range', 'roundrobin']));
    members.set('m2', member('m2', ['roundrobin', 'range', 'range']));
    members.set('m3', member('m3', ['range', 'roundrobin']));
    expect([members.supportCount('range'), members.supportCount('roundrobin'), members.supportCount('sticky')]).toEqual([3, 3, 0]);
    members.set('m2', member('m2', ['sticky']));
    expect([members.supportCount('range'), members.supportCount('roundrobin'), members.supportCount('sticky')]).toEqual([2, 2, 1]);
    members.delete('m1');
    members.delete('m2');
    members.delete('m3');
    members.set('m4', member('m4', ['sticky']));
    expect([members.supportCount('range'), members.supportCount('sticky')]).toEqual([0, 1]);
  });

  it('CG-7: a member listing a name twice counts once', () => {
    const members = new ClassicMembers();
    members.set('m1', member('m1', ['range', 'range']));
    expect(members.supportCount('range')).toBe(1);
    members.delete('m1');
    expect(members.supportCount('range')).toBe(0);
  });
});

describe('sharingWith (issue 14: group-mates share equal protocols and strings)', () => {
  const withMetadata = (id: string, bytes: number[], topics: string[] | null, clientId = 'c'): ClassicMember => ({
    ...member(id, []),
    clientId: `${clientId}`,
    protocols: [{ name: 'range', metadata: Uint8Array.from(bytes), topics }],
  });

  it('reuses the mate\'s protocol list when names, bytes and topics are equal, and keeps every field', () => {
    const mate = withMetadata('m1', [1, 2, 3], ['t']);
    const m = withMetadata('m2', [1, 2, 3], ['t']);
    const shared = sharingWith(m, mate);
    expect(shared.protocols).toBe(mate.protocols);
    expect(shared).toEqual(m);
  });

  it('keeps its own list when the bytes or the topics differ', () => {
    const mate = withMetadata('m1', [1, 2, 3], ['t']);
    expect(sharingWith(withMetadata('m2', [1, 2, 4], ['t']), mate).protocols).not.toBe(mate.protocols);
    expect(sharingWith(withMetadata('m2', [1, 2, 3], ['u']), mate).protocols).not.toBe(mate.protocols);
    expect(sharingWith(withMetadata('m2', [1, 2, 3], null), mate).protocols).not.toBe(mate.protocols);
  });

  it('folded members of one group share their protocols (MemberJoined)', () => {
    const protocols = (): MemberProtocol[] => [{ name: 'range', metadata: Uint8Array.from([0, 1, 0, 0]), topics: ['t'] }];
    let state = evolve(initialGroupsState(), { type: 'GroupCreated', groupId: 'g', at: 0 });
    for (const [i, memberId] of ['a', 'b', 'c'].entries()) {
      state = evolve(state, {
        type: 'MemberJoined', groupId: 'g', memberId, instanceId: null, clientId: 'client', clientHost: '/127.0.0.1',
        protocolType: 'consumer', protocols: protocols(), sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, replacedMemberId: null, at: i,
      });
    }
    const g = state.groups.get('g') as ClassicGroup;
    const [a, b, c] = [...g.members.values()];
    expect(b!.protocols).toBe(a!.protocols);
    expect(c!.protocols).toBe(a!.protocols);
  });
});
