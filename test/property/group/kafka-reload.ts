/**
 * The test oracle for PE-11: what Apache Kafka reloads from the hard-state records of a log prefix
 * (PE-1…PE-8), written independently of `evolve`: only GroupCreated, AssignmentsSynced, a
 * member-less GenerationBumped (Kafka's empty GroupMetadata record), StaticMemberReplaced, the
 * offset records and GroupDeleted count; every membership event is ignored, as Kafka never wrote it.
 */
import type { GroupEvent } from '../../../src/domain/group/events';
import type { GroupsState } from '../../../src/domain/group/groups-state';
import { listCommittedOffsets } from '../../../src/domain/group/committed-offsets';
import { memberAssignment } from '../../../src/domain/group/classic-group';

export interface ReloadedMember {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** PE-7: a reloaded member supports only the selected protocol. */
  protocols: Array<{ name: string; metadata: number[] }>;
  assignment: number[];
}

export interface ReloadedGroup {
  state: string;
  generation: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  stateTimestamp: number | null;
  members: ReloadedMember[];
  offsets: Array<[string, number, number, string]>;
}

type Reload = Map<string, ReloadedGroup>;

const fresh = (at: number | null): ReloadedGroup => ({
  state: 'Empty', generation: 0, protocolType: null, protocolName: null, leaderId: null, stateTimestamp: at, members: [], offsets: [],
});

const bytes = (b: Uint8Array): number[] => [...b];

/** Kafka's reload of the hard records in `events`. */
export const kafkaReload = (events: readonly GroupEvent[]): Reload => {
  const groups: Reload = new Map();
  const get = (id: string, at: number | null) => {
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = fresh(at)));
    return g;
  };
  const setOffset = (g: ReloadedGroup, topic: string, partition: number, offset: number | null, metadata = '') => {
    g.offsets = g.offsets.filter(([t, p]) => !(t === topic && p === partition));
    if (offset !== null) g.offsets.push([topic, partition, offset, metadata]);
  };
  for (const e of events) {
    switch (e.type) {
      case 'GroupCreated':
        Object.assign(get(e.groupId, e.at), { ...fresh(e.at), offsets: get(e.groupId, e.at).offsets });
        break;
      case 'AssignmentsSynced': {
        const g = get(e.groupId, e.at);
        g.state = e.members.length > 0 ? 'Stable' : 'Empty';
        g.generation = e.generation;
        g.protocolType = e.protocolType === '' ? null : e.protocolType;
        g.protocolName = e.protocolName;
        g.leaderId = e.leaderId;
        g.stateTimestamp = e.at;
        g.members = e.members.map((m) => ({
          memberId: m.memberId, instanceId: m.instanceId, clientId: m.clientId, clientHost: m.clientHost,
          sessionTimeoutMs: m.sessionTimeoutMs, rebalanceTimeoutMs: m.rebalanceTimeoutMs, protocolType: e.protocolType,
          protocols: [{ name: e.protocolName, metadata: bytes(m.subscription) }], assignment: bytes(m.assignment),
        }));
        break;
      }
      case 'GenerationBumped':
        if (e.memberIds.length === 0) {
          const g = get(e.groupId, e.at);
          Object.assign(g, { state: 'Empty', generation: e.generation, protocolType: e.protocolType, protocolName: null, leaderId: null, stateTimestamp: e.at, members: [] });
        }
        break;
      case 'StaticMemberReplaced': {
        const g = groups.get(e.groupId);
        if (g === undefined) break;
        const old = g.members.find((m) => m.memberId === e.oldMemberId);
        g.members = g.members.filter((m) => m.memberId !== e.oldMemberId);
        g.members.push({
          memberId: e.newMemberId, instanceId: e.instanceId, clientId: e.clientId, clientHost: e.clientHost,
          sessionTimeoutMs: e.sessionTimeoutMs, rebalanceTimeoutMs: e.rebalanceTimeoutMs, protocolType: g.protocolType ?? '',
          protocols: [{ name: g.protocolName ?? '', metadata: bytes(e.subscription) }], assignment: old?.assignment ?? [],
        });
        if (g.leaderId === e.oldMemberId) g.leaderId = e.newMemberId;
        break;
      }
      case 'OffsetCommitted':
        setOffset(get(e.groupId, null), e.topic, e.partition, e.offset, e.metadata);
        break;
      case 'OffsetDeleted': {
        const g = groups.get(e.groupId);
        if (g !== undefined) setOffset(g, e.topic, e.partition, null);
        break;
      }
      case 'OffsetsExpired': {
        const g = groups.get(e.groupId);
        if (g !== undefined) for (const p of e.partitions) setOffset(g, p.topic, p.partition, null);
        break;
      }
      case 'GroupDeleted':
      // KC-62: the classic GroupMetadata tombstone of an upgraded group.
      case 'ClassicGroupUpgraded':
        groups.delete(e.groupId);
        break;
      default:
        break;
    }
  }
  for (const g of groups.values()) {
    g.members.sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    g.offsets.sort();
  }
  return groups;
};

/** The same projection of a folded aggregate, for comparison with `kafkaReload`. */
export const projectForReload = (state: GroupsState): Reload => {
  const out: Reload = new Map();
  for (const g of state.groups.values()) {
    if (g.kind !== 'classic') continue;
    out.set(g.groupId, {
      state: g.state,
      generation: g.generation,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leaderId: g.leaderId,
      stateTimestamp: g.stateTimestamp,
      members: [...g.members.values()]
        .map((m) => ({
          memberId: m.memberId, instanceId: m.instanceId, clientId: m.clientId, clientHost: m.clientHost,
          sessionTimeoutMs: m.sessionTimeoutMs, rebalanceTimeoutMs: m.rebalanceTimeoutMs, protocolType: m.protocolType,
          protocols: m.protocols.map((p) => ({ name: p.name, metadata: bytes(p.metadata) })), assignment: bytes(memberAssignment(m)),
        }))
        .sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
      offsets: listCommittedOffsets(g.offsets).map((o) => [o.topic, o.partition, o.offset, o.metadata] as [string, number, number, string]).sort(),
    });
  }
  return out;
};
