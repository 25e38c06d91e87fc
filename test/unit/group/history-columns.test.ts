import type { ClassicGroup, ClassicMember } from '../../../src/domain/group/classic-group';
import { newClassicGroup } from '../../../src/domain/group/classic-group';
import type { GroupEvent } from '../../../src/domain/group/events';
import { evolveHistory, expandHistory, initialHistoryState, storeHistory, type GroupHistory } from '../../../src/domain/group/history';

/** Issue 14 (C5): history records keep member columns; reports and snapshots read them expanded, as before. */
const history: GroupHistory = {
  groupId: 'g',
  generations: [
    {
      generation: 1, startedAt: 1_000, joinedAt: 1_200, endedAt: 1_300, outcome: 'stable',
      trigger: { kind: 'MemberJoined', memberId: 'a', replacedMemberId: null },
      protocolType: 'consumer', protocolName: 'range', leaderId: 'a',
      members: [
        { memberId: 'a', instanceId: null, clientId: 'c', clientHost: '/h', partitions: 3 },
        { memberId: 'b', instanceId: null, clientId: 'c', clientHost: '/h', partitions: 3 },
      ],
      joined: ['a', 'b'], left: [],
    },
    {
      generation: 2, startedAt: 2_000, joinedAt: 2_100, endedAt: null, outcome: 'in-progress',
      trigger: { kind: 'MemberLeft', memberId: 'b', reason: 'SessionTimeout' },
      protocolType: 'consumer', protocolName: 'range', leaderId: 'a',
      members: [
        { memberId: 'a', instanceId: 'i1', clientId: 'c', clientHost: '/h', partitions: null },
        { memberId: 'd', instanceId: null, clientId: 'other', clientHost: '/h2', partitions: 6 },
      ],
      joined: ['d'], left: [{ memberId: 'b', reason: 'SessionTimeout', at: 1_900 }],
    },
    {
      generation: 3, startedAt: null, joinedAt: 3_000, endedAt: 3_000, outcome: 'empty', trigger: null,
      protocolType: 'consumer', protocolName: null, leaderId: null, members: [], joined: [], left: [],
    },
  ],
  leftSinceGeneration: [{ memberId: 'd', reason: 'LeaveGroup', at: 3_500 }],
  openedAt: 3_400,
  notes: [{ kind: 'GroupRecovered', at: 3_000, fromState: 'PreparingRebalance', fromGeneration: 3, generation: 2 }],
};

const member = (memberId: string, clientId: string): ClassicMember => ({
  memberId, instanceId: null, clientId, clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1, protocolType: 'consumer',
  protocols: [], assignmentLatin1: '', assignedPartitions: null,
});

describe('PE-13 history records as member columns (issue 14)', () => {
  test('expandHistory(storeHistory(h)) is h, field for field and in the same key order (snapshot bytes unchanged)', () => {
    const back = expandHistory(storeHistory(history));
    expect(back).toStrictEqual(history);
    expect(Object.keys(back.generations[0]!)).toEqual(Object.keys(history.generations[0]!));
    expect(Object.keys(back.generations[1]!.members[0]!)).toEqual(['memberId', 'instanceId', 'clientId', 'clientHost', 'partitions']);
  });

  test('a column shared by every member of a record is one value; differing members keep one value each', () => {
    const [first, second, empty] = storeHistory(history).generations;
    expect(first).toMatchObject({ memberIds: ['a', 'b'], instanceIds: null, clientIds: 'c', clientHosts: '/h', partitions: 3 });
    expect(first!.joined).toBe(first!.memberIds); // every member joined: one list
    expect(second).toMatchObject({ instanceIds: ['i1', null], clientIds: ['c', 'other'], clientHosts: ['/h', '/h2'], partitions: [null, 6] });
    expect(empty).toMatchObject({ memberIds: [], instanceIds: null, clientIds: '', partitions: null });
    expect(first).not.toHaveProperty('members');
  });

  test('folds: GenerationBumped stores the members from the group, AssignmentsSynced their partitions; a GroupSnapshot is stored', () => {
    const group: ClassicGroup = newClassicGroup('g', 0);
    group.members.set('a', member('a', 'c'));
    group.members.set('b', member('b', 'c'));
    const events: GroupEvent[] = [
      { type: 'RebalanceStarted', groupId: 'g', trigger: { kind: 'MemberJoined', memberId: 'a', replacedMemberId: null }, at: 10 },
      { type: 'GenerationBumped', groupId: 'g', generation: 1, protocolType: 'consumer', protocolName: 'range', leaderId: 'a', memberIds: ['a', 'b'], trigger: { kind: 'MemberJoined', memberId: 'a', replacedMemberId: null }, at: 20 },
      {
        type: 'AssignmentsSynced', groupId: 'g', generation: 1, protocolType: 'consumer', protocolName: 'range', leaderId: 'a', at: 30,
        members: ['a', 'b'].map((memberId, i) => ({
          memberId, instanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1,
          subscription: new Uint8Array(0), subscribedTopics: null, assignment: new Uint8Array(0), assignedPartitions: i + 1,
        })),
      },
    ];
    let state = initialHistoryState();
    for (const e of events) state = evolveHistory(state, e, group, 10);
    const stored = state.get('g')!;
    expect(stored.generations[0]).toMatchObject({ memberIds: ['a', 'b'], clientIds: 'c', partitions: [1, 2], outcome: 'stable' });
    const expanded = expandHistory(stored);
    expect(expanded.generations[0]!.members).toEqual([
      { memberId: 'a', instanceId: null, clientId: 'c', clientHost: '/h', partitions: 1 },
      { memberId: 'b', instanceId: null, clientId: 'c', clientHost: '/h', partitions: 2 },
    ]);
    expect(expanded).toMatchObject({ groupId: 'g', openedAt: null, leftSinceGeneration: [] });
    expect(expanded.generations[0]).toMatchObject({ startedAt: 10, joinedAt: 20, endedAt: 30, joined: ['a', 'b'] });

    const restored = evolveHistory(initialHistoryState(), { type: 'GroupSnapshot', groupId: 'g', group: null as never, history: expanded }, undefined, 10);
    expect(restored.get('g')).toEqual(stored);
  });
});
