import fc from 'fast-check';
import { ClassicMembers, type ClassicMember } from '../../../src/domain/group/classic-group';

const member = (memberId: string, names: readonly string[]): ClassicMember => ({
  memberId,
  instanceId: null,
  clientId: 'c',
  clientHost: '/127.0.0.1',
  rebalanceTimeoutMs: 1000,
  sessionTimeoutMs: 1000,
  protocolType: 'consumer',
  protocols: names.map((name) => ({ name, metadata: new Uint8Array(0), topics: null })),
  assignment: new Uint8Array(0),
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

  it('CG-7: a member listing a name twice counts once', () => {
    const members = new ClassicMembers();
    members.set('m1', member('m1', ['range', 'range']));
    expect(members.supportCount('range')).toBe(1);
    members.delete('m1');
    expect(members.supportCount('range')).toBe(0);
  });
});
