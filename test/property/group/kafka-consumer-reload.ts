/**
 * The PE-11 oracle for KIP-848 groups: what Apache Kafka reloads from the consumer-group records of
 * a log prefix (PE-5, PE-6), written independently of `evolve` — each event read as the records
 * Kafka writes for it (a member removal = its three tombstones; a static replacement = the old
 * member's tombstones then the new member's records), latest value per key.
 */
import type { GroupEvent } from '../../../src/domain/group/events';
import type { GroupsState } from '../../../src/domain/group/groups-state';

interface Member {
  metadata: string;
  epoch: number;
  previous: number;
  state: string;
  assigned: string;
  pending: string;
}

interface Reloaded {
  groupEpoch: number;
  assignmentEpoch: number;
  metadata: string;
  regexes: Record<string, string[]>;
  members: Record<string, Member>;
  targets: Record<string, string>;
}

const canon = (v: unknown): string => JSON.stringify(v);
const meta = (m: object): string =>
  canon(Object.fromEntries(['instanceId', 'rackId', 'clientId', 'clientHost', 'subscribedTopicNames', 'subscribedTopicRegex', 'serverAssignor', 'rebalanceTimeoutMs', 'classic'].map((k) => [k, (m as Record<string, unknown>)[k] ?? null])));

/** Kafka's reload of the KIP-848 records in `events`: group id → reloaded consumer group. */
export const kafkaConsumerReload = (events: readonly GroupEvent[]): Map<string, Reloaded> => {
  const groups = new Map<string, Reloaded>();
  const get = (id: string): Reloaded => {
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { groupEpoch: 0, assignmentEpoch: 0, metadata: '[]', regexes: {}, members: {}, targets: {} }));
    return g;
  };
  const removeMember = (g: Reloaded, id: string) => {
    // PE-6: current assignment, target, metadata tombstones.
    delete g.members[id];
    delete g.targets[id];
  };
  for (const e of events) {
    switch (e.type) {
      case 'ConsumerMemberJoined':
      case 'ConsumerMemberUpdated': {
        const g = get(e.groupId);
        const old = g.members[e.memberId];
        g.members[e.memberId] = old === undefined
          ? { metadata: meta(e.member), epoch: 0, previous: 0, state: 'STABLE', assigned: '[]', pending: '[]' }
          : { ...old, metadata: meta(e.member) };
        break;
      }
      case 'ConsumerMemberReplaced': {
        const g = get(e.groupId);
        const old = g.members[e.oldMemberId];
        const target = g.targets[e.oldMemberId];
        removeMember(g, e.oldMemberId);
        g.members[e.newMemberId] = { metadata: meta(e.member), epoch: 0, previous: 0, state: 'STABLE', assigned: old?.assigned ?? '[]', pending: '[]' };
        if (target !== undefined) g.targets[e.newMemberId] = target;
        break;
      }
      case 'SubscriptionMetadataChanged':
        get(e.groupId).metadata = canon(e.topics);
        break;
      case 'RegexResolved': {
        const g = get(e.groupId);
        if (e.topics === null) delete g.regexes[e.regex];
        else g.regexes[e.regex] = [...e.topics];
        break;
      }
      case 'GroupEpochBumped':
        get(e.groupId).groupEpoch = e.epoch;
        break;
      case 'TargetAssignmentComputed': {
        const g = get(e.groupId);
        for (const m of e.members) g.targets[m.memberId] = canon(m.partitions);
        g.assignmentEpoch = e.assignmentEpoch;
        break;
      }
      case 'MemberReconciled': {
        const m = groups.get(e.groupId)?.members[e.memberId];
        if (m !== undefined) Object.assign(m, { epoch: e.memberEpoch, previous: e.previousMemberEpoch, state: e.state, assigned: canon(e.assigned), pending: canon(e.pendingRevocation) });
        break;
      }
      case 'ConsumerMemberLeft': {
        const g = groups.get(e.groupId);
        if (g !== undefined) removeMember(g, e.memberId);
        break;
      }
      case 'ClassicGroupUpgraded': {
        // KC-62: the classic GroupMetadata tombstone, then the new group's records.
        const g = get(e.groupId);
        Object.assign(g, { groupEpoch: e.epoch, assignmentEpoch: e.epoch });
        for (const m of e.members) {
          g.members[m.memberId] = { metadata: meta(m.member), epoch: e.epoch, previous: e.epoch, state: 'STABLE', assigned: canon(m.assigned), pending: '[]' };
          g.targets[m.memberId] = canon(m.assigned);
        }
        break;
      }
      // A classic group's records for the id: the KIP-848 group was converted (KC-62) or replaced (CG-21).
      case 'AssignmentsSynced':
      case 'GroupCreated':
      case 'GroupDeleted':
        groups.delete(e.groupId);
        break;
      default:
        break;
    }
  }
  return groups;
};

/** The same projection of a folded aggregate. */
export const projectConsumers = (state: GroupsState): Map<string, Reloaded> => {
  const out = new Map<string, Reloaded>();
  for (const g of state.groups.values()) {
    if (g.kind !== 'consumer') continue;
    const members: Record<string, Member> = {};
    for (const m of g.members.values()) {
      members[m.memberId] = { metadata: meta(m), epoch: m.memberEpoch, previous: m.previousMemberEpoch, state: m.state, assigned: canon(m.assigned), pending: canon(m.pendingRevocation) };
    }
    out.set(g.groupId, {
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      metadata: canon(g.subscriptionMetadata),
      regexes: Object.fromEntries([...g.regexes].map(([r, t]) => [r, [...t]])),
      members,
      targets: Object.fromEntries([...g.targets].map(([id, a]) => [id, canon(a)])),
    });
  }
  return out;
};
