/**
 * PE-13 as operators read it: one group's history with durations and plain-language triggers. The
 * same report backs `cohort-server groups history --json`, `GET /groups/<group>/history` and the
 * timeline page, so the three always agree.
 */
import type { MemberLeftReason, RebalanceTrigger } from '../../domain/group/events';
import type { GenerationRecord, GroupHistory, HistoryNote } from '../../domain/group/history';
import type { GroupSummary } from './group-admin-service';

export interface TriggerReport {
  readonly kind: RebalanceTrigger['kind'];
  readonly memberId: string | null;
  /** LeaveGroup, SessionTimeout, JoinTimeout, SyncTimeout, GroupMaxSize; metadata / leader-rejoin; over-capacity. */
  readonly reason: string | null;
  readonly replacedMemberId: string | null;
  readonly description: string;
}

export interface GenerationReport {
  readonly generation: number;
  readonly outcome: GenerationRecord['outcome'];
  readonly rebalanceStartedAt: string | null;
  readonly rebalanceEndedAt: string | null;
  /** From the rebalance's start (or the join phase's end when the start is unknown) to its end. */
  readonly durationMs: number | null;
  readonly trigger: TriggerReport | null;
  readonly protocolType: string | null;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly members: ReadonlyArray<{
    readonly memberId: string;
    readonly instanceId: string | null;
    readonly clientId: string;
    readonly host: string;
    readonly partitions: number | null;
  }>;
  readonly joined: readonly string[];
  readonly left: ReadonlyArray<{ readonly memberId: string; readonly reason: MemberLeftReason; readonly description: string; readonly at: string }>;
}

export interface NoteReport {
  readonly kind: HistoryNote['kind'];
  readonly at: string | null;
  readonly description: string;
}

export interface HistoryReport {
  readonly group: GroupSummary & { readonly lastRebalance: string | null };
  readonly generations: readonly GenerationReport[];
  readonly notes: readonly NoteReport[];
}

const REASONS: Record<MemberLeftReason, string> = {
  LeaveGroup: 'sent LeaveGroup',
  SessionTimeout: 'session timeout',
  JoinTimeout: 'did not rejoin before the rebalance timeout',
  SyncTimeout: 'never sent SyncGroup (sync timeout)',
  GroupMaxSize: 'group.max.size reached',
  RebalanceTimeout: 'did not revoke its partitions before its rebalance timeout',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The trigger in words: which member joined, left or changed, and why. */
export const describeTrigger = (t: RebalanceTrigger): TriggerReport => {
  switch (t.kind) {
    case 'MemberJoined':
      return {
        kind: t.kind, memberId: t.memberId, reason: null, replacedMemberId: t.replacedMemberId,
        description: t.replacedMemberId === null
          ? `member ${t.memberId} joined`
          : `static member rejoined as ${t.memberId}, fencing ${t.replacedMemberId}`,
      };
    case 'MemberUpdated':
      return {
        kind: t.kind, memberId: t.memberId, reason: t.change, replacedMemberId: null,
        description: t.change === 'leader-rejoin' ? `leader ${t.memberId} rejoined` : `member ${t.memberId} rejoined with changed metadata`,
      };
    case 'MemberLeft':
      return { kind: t.kind, memberId: t.memberId, reason: t.reason, replacedMemberId: null, description: `member ${t.memberId} left: ${REASONS[t.reason]}` };
    case 'GroupRecovered':
      return { kind: t.kind, memberId: null, reason: t.reason, replacedMemberId: null, description: 'restart recovery: the group was over group.max.size' };
    case 'MetadataChanged':
      return { kind: t.kind, memberId: null, reason: null, replacedMemberId: null, description: 'subscribed topics were created, deleted or grew' };
  }
};

const describeNote = (n: HistoryNote): NoteReport =>
  n.kind === 'GroupRecovered'
    ? {
        kind: n.kind,
        at: iso(n.at),
        description:
          n.fromGeneration === n.generation && n.fromState === 'Stable'
            ? `restart recovery: generation ${n.generation} kept`
            : `restart recovery: ${n.fromState} at generation ${n.fromGeneration}, back to generation ${n.generation}`,
      }
    : { kind: n.kind, at: iso(n.at), description: `static member ${n.instanceId} restarted: ${n.oldMemberId} replaced by ${n.newMemberId} without a rebalance` };

const generationReport = (r: GenerationRecord): GenerationReport => {
  const start = r.startedAt ?? r.joinedAt;
  return {
    generation: r.generation,
    outcome: r.outcome,
    rebalanceStartedAt: iso(r.startedAt),
    rebalanceEndedAt: iso(r.endedAt),
    durationMs: r.endedAt === null ? null : r.endedAt - start,
    trigger: r.trigger === null ? null : describeTrigger(r.trigger),
    protocolType: r.protocolType,
    protocol: r.protocolName,
    leader: r.leaderId,
    members: r.members.map((m) => ({ memberId: m.memberId, instanceId: m.instanceId, clientId: m.clientId, host: m.clientHost, partitions: m.partitions })),
    joined: r.joined,
    left: r.left.map((l) => ({ memberId: l.memberId, reason: l.reason, description: `member ${l.memberId} left: ${REASONS[l.reason]}`, at: iso(l.at)! })),
  };
};

/** The report of one group. */
export const historyReport = (summary: GroupSummary, history: GroupHistory): HistoryReport => ({
  group: { ...summary, lastRebalance: iso(summary.lastRebalanceAt) },
  generations: history.generations.map(generationReport),
  notes: history.notes.map(describeNote),
});
