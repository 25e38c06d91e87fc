/**
 * PE-13: each group's story, a projection folded from the same events as the aggregate (never a
 * second source of truth). For each of the last `group.history.max.generations` generations: when
 * its rebalance started and ended, what triggered it, protocol, leader, and its members with the
 * number of partitions each was assigned. Snapshots keep this bounded history, not the raw events.
 */
import type { ClassicGroup } from './classic-group';
import type { GroupEvent, MemberLeftReason, RebalanceTrigger } from './events';
import type { Group } from './groups-state';
import { consumerGroupState, type ConsumerGroup } from './consumer/consumer-group';
import type { ConsumerGroupEvent, ConsumerLeftReason, EpochTrigger } from './consumer/consumer-events';
import { partitionCount } from './consumer/assignment';
import { column, columnsOf, storeHistory, storedRecord, type MemberFields, type StoredHistory, type StoredRecord } from './history-storage';
export { expandHistory, expandRecord, recordMembers, storeHistory, type MemberColumn, type StoredHistory, type StoredRecord } from './history-storage';

export interface HistoryMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Partitions the leader assigned it in this generation; null until synced or when unknown. */
  readonly partitions: number | null;
}

/**
 * `stable`: synced; `empty`: the join phase ended with no members; `in-progress`: joined, not yet
 * synced; `abandoned`: a new rebalance or a restart (PE-11) overtook it before it was synced.
 */
export type GenerationOutcome = 'stable' | 'empty' | 'in-progress' | 'abandoned';

export interface GenerationRecord {
  readonly generation: number;
  /** When the rebalance that produced this generation started; null when unknown (older logs). */
  readonly startedAt: number | null;
  /** When the join phase completed (GenerationBumped). */
  readonly joinedAt: number;
  /** When the generation became Stable (or Empty); null while in progress or when abandoned. */
  readonly endedAt: number | null;
  readonly outcome: GenerationOutcome;
  readonly trigger: RebalanceTrigger | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string | null;
  readonly members: readonly HistoryMember[];
  /** Members of this generation that were not in the previous one. */
  readonly joined: readonly string[];
  /** Members removed while this generation's rebalance ran, and why. */
  readonly left: ReadonlyArray<{ readonly memberId: string; readonly reason: MemberLeftReason; readonly at: number }>;
}

/** Changes that are not generations: a restart's normalization, a static member's new id. */
export type HistoryNote =
  | { readonly kind: 'GroupRecovered'; readonly at: number; readonly fromState: string; readonly fromGeneration: number; readonly generation: number }
  | { readonly kind: 'StaticMemberReplaced'; readonly at: number | null; readonly instanceId: string; readonly oldMemberId: string; readonly newMemberId: string };

export interface GroupHistory {
  readonly groupId: string;
  /** Oldest first, at most `maxGenerations`. */
  readonly generations: readonly GenerationRecord[];
  /** Members that left since the last generation was formed (they belong to the next record). */
  readonly leftSinceGeneration: GenerationRecord['left'];
  /** Start of the rebalance in progress, if any. */
  readonly openedAt: number | null;
  readonly notes: readonly HistoryNote[];
}

export type HistoryState = Map<string, StoredHistory>;

export const initialHistoryState = (): HistoryState => new Map();

const emptyHistory = (groupId: string): StoredHistory => ({ groupId, generations: [], leftSinceGeneration: [], openedAt: null, notes: [] });


/**
 * `filter` grows its result with spare capacity (a 5-id list held ~150 B); records live for up to
 * `maxGenerations` rebalances, so they keep an exact-size copy (issue 14, C5).
 */
const exactCopy = <T>(list: T[]): T[] => list.slice();

const bounded = <T>(list: readonly T[], item: T, max: number): T[] => {
  const out = [...list, item];
  return out.length > max ? out.slice(out.length - max) : out;
};

const replaceLast = (h: StoredHistory, predicate: (r: StoredRecord) => boolean, f: (r: StoredRecord) => StoredRecord): StoredRecord[] | null => {
  for (let i = h.generations.length - 1; i >= 0; i--) {
    if (predicate(h.generations[i]!)) {
      const out = [...h.generations];
      out[i] = f(out[i]!);
      return out;
    }
  }
  return null;
};

const abandonInProgress = (h: StoredHistory): readonly StoredRecord[] =>
  h.generations.some((r) => r.outcome === 'in-progress')
    ? h.generations.map((r) => (r.outcome === 'in-progress' ? { ...r, outcome: 'abandoned', endedAt: null } : r))
    : h.generations;

const membersOf = (group: ClassicGroup | undefined, ids: readonly string[]): MemberFields => {
  const ms = ids.map((id) => group?.members.get(id));
  return {
    memberIds: ids.slice(),
    instanceIds: column(ms.map((m) => m?.instanceId ?? null), null),
    clientIds: column(ms.map((m) => m?.clientId ?? ''), ''),
    clientHosts: column(ms.map((m) => m?.clientHost ?? ''), ''),
    partitions: null,
  };
};

/** `r` with its partitions column set from `partitions` (memberId → count). */
const withPartitions = (r: StoredRecord, partitions: ReadonlyMap<string, number | null>): MemberFields => ({
  memberIds: r.memberIds,
  instanceIds: r.instanceIds,
  clientIds: r.clientIds,
  clientHosts: r.clientHosts,
  partitions: column(r.memberIds.map((id) => partitions.get(id) ?? null), null),
});

/**
 * Folds one event into the history of its group. `group` is the aggregate after the same event
 * was folded (it supplies member details). Pure apart from replacing the group's entry in `state`.
 */
export const evolveHistory = (state: HistoryState, event: GroupEvent, group: Group | undefined, maxGenerations: number): HistoryState => {
  // Offset events never change a history; returning before the lookup spares C4's replay an empty
  // history object per OffsetCommitted of a group without one (issue 14).
  if (event.type === 'OffsetCommitted' || event.type === 'OffsetDeleted' || event.type === 'OffsetsExpired') return state;
  if (event.type === 'GroupDeleted') {
    state.delete(event.groupId);
    return state;
  }
  if (event.type === 'GroupSnapshot' || event.type === 'ConsumerGroupSnapshot') {
    if (event.history !== null) state.set(event.groupId, storeHistory(event.history));
    return state;
  }
  const h = state.get(event.groupId) ?? emptyHistory(event.groupId);
  const next = group?.kind === 'consumer' ? foldConsumerHistory(h, event, group, maxGenerations) : foldHistory(h, event, group, maxGenerations);
  if (next !== h) state.set(event.groupId, next);
  return state;
};

const foldHistory = (h: StoredHistory, e: GroupEvent, group: ClassicGroup | undefined, max: number): StoredHistory => {
  switch (e.type) {
    case 'GroupCreated':
      return h;
    case 'MemberLeft':
      return { ...h, leftSinceGeneration: [...h.leftSinceGeneration, { memberId: e.memberId, reason: e.reason, at: e.at }] };
    case 'RebalanceStarted':
      return { ...h, openedAt: e.at, generations: abandonInProgress(h) };
    case 'GenerationBumped': {
      const previous = h.generations[h.generations.length - 1];
      const before = new Set(previous?.memberIds ?? []);
      const empty = e.memberIds.length === 0;
      const record = storedRecord(
        {
          generation: e.generation,
          startedAt: h.openedAt,
          joinedAt: e.at,
          endedAt: empty ? e.at : null,
          outcome: empty ? 'empty' : 'in-progress',
          trigger: e.trigger,
          protocolType: e.protocolType,
          protocolName: e.protocolName,
          leaderId: e.leaderId,
          joined: exactCopy(e.memberIds.filter((id) => !before.has(id))),
          left: h.leftSinceGeneration,
        },
        membersOf(group, e.memberIds),
      );
      return { ...h, generations: bounded(abandonInProgress(h), record, max), leftSinceGeneration: [], openedAt: null };
    }
    case 'AssignmentsSynced': {
      const partitions = new Map(e.members.map((m) => [m.memberId, m.assignedPartitions ?? null] as const));
      const synced = replaceLast(
        h,
        (r) => r.generation === e.generation && r.outcome === 'in-progress',
        (r) => storedRecord({ ...r, outcome: 'stable', endedAt: e.at }, withPartitions(r, partitions)),
      );
      if (synced !== null) return { ...h, generations: synced };
      // A record of a release before the event core: the generation is known only from here.
      const members = columnsOf(e.members.map((m) => ({ memberId: m.memberId, instanceId: m.instanceId, clientId: m.clientId, clientHost: m.clientHost, partitions: partitions.get(m.memberId) ?? null })));
      const record = storedRecord(
        {
          generation: e.generation, startedAt: null, joinedAt: e.at, endedAt: e.at, outcome: 'stable', trigger: null,
          protocolType: e.protocolType, protocolName: e.protocolName, leaderId: e.leaderId, joined: [], left: [],
        },
        members,
      );
      return { ...h, generations: bounded(h.generations, record, max) };
    }
    case 'GroupEmptied': {
      const record = storedRecord(
        {
          generation: e.generation, startedAt: null, joinedAt: e.at ?? 0, endedAt: e.at, outcome: 'empty', trigger: null,
          protocolType: e.protocolType, protocolName: null, leaderId: null, joined: [], left: h.leftSinceGeneration,
        },
        columnsOf([]),
      );
      return { ...h, generations: bounded(h.generations, record, max), leftSinceGeneration: [], openedAt: null };
    }
    case 'StaticMemberReplaced':
      return {
        ...h,
        notes: bounded(h.notes, { kind: 'StaticMemberReplaced', at: e.at ?? null, instanceId: e.instanceId, oldMemberId: e.oldMemberId, newMemberId: e.newMemberId }, max),
      };
    case 'GroupRecovered':
      return {
        ...h,
        generations: abandonInProgress(h),
        leftSinceGeneration: [],
        openedAt: null,
        notes: bounded(h.notes, { kind: 'GroupRecovered', at: e.at, fromState: e.fromState, fromGeneration: e.fromGeneration, generation: e.generation }, max),
      };
    default:
      return h;
  }
};

const LEFT_REASONS: Record<ConsumerLeftReason, MemberLeftReason> = {
  Leave: 'LeaveGroup',
  LeaveGroup: 'LeaveGroup',
  SessionTimeout: 'SessionTimeout',
  RebalanceTimeout: 'RebalanceTimeout',
  JoinTimeout: 'JoinTimeout',
  SyncTimeout: 'SyncTimeout',
};

const epochTrigger = (t: EpochTrigger): RebalanceTrigger => {
  switch (t.kind) {
    case 'MemberJoined':
      return { kind: 'MemberJoined', memberId: t.memberId, replacedMemberId: null };
    case 'SubscriptionChanged':
      return { kind: 'MemberUpdated', memberId: t.memberId, change: 'metadata' };
    case 'MemberLeft':
      return { kind: 'MemberLeft', memberId: t.memberId, reason: LEFT_REASONS[t.reason] };
    case 'MetadataChanged':
      return t;
  }
};

const consumerMembers = (g: ConsumerGroup, withPartitions: boolean): MemberFields =>
  columnsOf(
    [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      partitions: withPartitions ? partitionCount(m.assigned) : null,
    })),
  );

/**
 * PE-13 for KIP-848 groups: a "generation" is a group epoch. It starts when the epoch is bumped and
 * ends (`stable`) when every member has reconciled to it (KC-3 Stable); a newer epoch abandons it.
 */
const foldConsumerHistory = (h: StoredHistory, e: GroupEvent, g: ConsumerGroup, max: number): StoredHistory => {
  const ce = e as ConsumerGroupEvent | GroupEvent;
  switch (ce.type) {
    case 'ConsumerMemberLeft':
      return { ...h, leftSinceGeneration: [...h.leftSinceGeneration, { memberId: ce.memberId, reason: LEFT_REASONS[ce.reason], at: ce.at }] };
    case 'ConsumerMemberReplaced':
      return {
        ...h,
        notes: bounded(h.notes, { kind: 'StaticMemberReplaced', at: ce.at, instanceId: g.members.get(ce.newMemberId)?.instanceId ?? '', oldMemberId: ce.oldMemberId, newMemberId: ce.newMemberId }, max),
      };
    case 'GroupEpochBumped': {
      const previous = h.generations[h.generations.length - 1];
      const before = new Set(previous?.memberIds ?? []);
      const members = consumerMembers(g, false);
      const empty = members.memberIds.length === 0;
      const record = storedRecord(
        {
          generation: ce.epoch, startedAt: ce.at, joinedAt: ce.at, endedAt: empty ? ce.at : null, outcome: empty ? 'empty' : 'in-progress',
          trigger: epochTrigger(ce.trigger), protocolType: 'consumer', protocolName: g.assignor, leaderId: null,
          joined: exactCopy(members.memberIds.filter((id) => !before.has(id))), left: h.leftSinceGeneration,
        },
        members,
      );
      return { ...h, generations: bounded(abandonInProgress(h), record, max), leftSinceGeneration: [], openedAt: null };
    }
    case 'TargetAssignmentComputed': {
      const named = replaceLast(h, (r) => r.generation === ce.assignmentEpoch, (r) => storedRecord({ ...r, protocolName: ce.assignor }, r));
      return named === null ? h : { ...h, generations: named };
    }
    case 'MemberReconciled': {
      if (ce.state !== 'STABLE' || ce.memberEpoch !== g.assignmentEpoch || consumerGroupState(g) !== 'Stable') return h;
      const done = replaceLast(
        h,
        (r) => r.generation === g.assignmentEpoch && r.outcome === 'in-progress',
        (r) => storedRecord({ ...r, outcome: 'stable', endedAt: ce.at }, consumerMembers(g, true)),
      );
      return done === null ? h : { ...h, generations: done };
    }
    default:
      return h;
  }
};
