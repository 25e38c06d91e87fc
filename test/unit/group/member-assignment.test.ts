import { latin1, latin1Bytes, memberAssignment, newClassicGroup, type ClassicMember } from '../../../src/domain/group/classic-group';
import { fromSnapshotData, toSnapshotData } from '../../../src/domain/group/group-snapshot';

/** Issue 14 (C5): a member keeps the leader's assignment as a one-byte string; snapshots keep bytes. */
describe('classic member assignment as a one-byte string', () => {
  test('every byte value, the empty assignment and one longer than a chunk read back as the same bytes', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(latin1Bytes(latin1(all))).toEqual(all);
    expect(latin1(all)).toHaveLength(256);
    expect(latin1(new Uint8Array(0))).toBe('');
    expect(latin1Bytes('')).toEqual(new Uint8Array(0));
    const big = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);
    expect(latin1Bytes(latin1(big))).toEqual(big);
  });

  test('snapshot data holds the assignment as bytes, in the member fields and order snapshots always had', () => {
    const g = newClassicGroup('g', 0);
    const m: ClassicMember = {
      memberId: 'a', instanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1,
      protocolType: 'consumer', protocols: [], assignmentLatin1: latin1(Uint8Array.of(0, 1, 200, 255)), assignedPartitions: 2,
    };
    g.members.set('a', m);
    g.state = 'Stable';
    const data = toSnapshotData(g);
    expect(Object.keys(data.members[0]!)).toEqual([
      'memberId', 'instanceId', 'clientId', 'clientHost', 'rebalanceTimeoutMs', 'sessionTimeoutMs', 'protocolType', 'protocols', 'assignment', 'assignedPartitions',
    ]);
    expect(data.members[0]!.assignment).toEqual(Uint8Array.of(0, 1, 200, 255));
    const back = fromSnapshotData('g', data);
    expect(back.members.get('a')).toEqual(m);
    expect(memberAssignment(back.members.get('a')!)).toEqual(Uint8Array.of(0, 1, 200, 255));
  });
});
