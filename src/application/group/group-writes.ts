import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../../domain/error-code';
import { groupRebalanceTimeoutMs, memberAssignment } from '../../domain/group/classic-group';
import { decideJoinCompletion, initialDelayArm } from '../../domain/group/decide-join-completion';
import { leaderMemberList } from '../../domain/group/decide-join';
import { isHardEvent, type GroupEvent } from '../../domain/group/events';
import { joinError, syncError } from '../../domain/group/replies';
import type { Clock } from '../../ports/clock';
import { TYPES } from '../../ports/symbols';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupPlumbing } from './group-plumbing';
import { GroupStore } from './group-store';
import { GroupTimers } from './group-timers';

/** An appended batch (and the join-phase completion it caused, if any). */
export interface Write {
  /** Resolves true once every event of the write is durable, false if the MetaLog failed. */
  readonly durable: Promise<boolean>;
  /** Some event is hard state (PE-1…PE-4): a response that Kafka makes durable waits for `durable`. */
  readonly hard: boolean;
}

const NOTHING: Write = { durable: Promise.resolve(true), hard: false };

/**
 * The one way events enter the coordinator: fold and journal them (GroupStore), then let the
 * plumbing follow what happened — answer parked requests, arm and cancel timers — and finally ask
 * the domain whether a join phase can now complete (CG-30). Services decide; this applies.
 */
@injectable()
export class GroupWrites {
  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GroupPlumbing) private readonly plumbing: GroupPlumbing,
    @inject(GroupTimers) private readonly timers: GroupTimers,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {}

  write(events: readonly GroupEvent[]): Write {
    if (events.length === 0) return NOTHING;
    const durable = this.store.append(events);
    const groups = new Set<string>();
    for (const e of events) {
      groups.add(e.groupId);
      this.react(e, durable);
    }
    let result: Write = { durable, hard: events.some(isHardEvent) };
    for (const groupId of groups) {
      const next = this.completeJoinIfReady(groupId);
      if (next !== NOTHING) result = { durable: next.durable, hard: result.hard || next.hard };
    }
    return result;
  }

  /** CG-30: completes the group's join phase if everyone has rejoined and no pending id is out. */
  completeJoinIfReady(groupId: string): Write {
    const group = this.store.classicGroup(groupId);
    if (group === undefined || group.state !== 'PreparingRebalance') return NOTHING;
    return this.write(decideJoinCompletion(group, this.plumbing.hasPending(groupId), this.clock.now()));
  }

  private react(e: GroupEvent, durable: Promise<boolean>): void {
    switch (e.type) {
      case 'MemberJoined':
        if (e.replacedMemberId !== null) {
          this.fence(e.groupId, e.replacedMemberId, e.memberId);
          this.timers.armSession(e.groupId, e.memberId, e.sessionTimeoutMs);
        } else {
          // CG-47: a new member expires after the new-member join timeout even while parked.
          this.plumbing.markNew(e.groupId, e.memberId, true);
          this.timers.armSession(e.groupId, e.memberId, this.config.newMemberJoinTimeoutMs);
        }
        return;
      case 'StaticMemberReplaced':
        this.fence(e.groupId, e.oldMemberId, e.newMemberId);
        this.timers.armSession(e.groupId, e.newMemberId, e.sessionTimeoutMs);
        return;
      case 'MemberLeft': {
        const code = e.reason === 'GroupMaxSize' ? ErrorCode.GROUP_MAX_SIZE_REACHED : ErrorCode.UNKNOWN_MEMBER_ID;
        this.timers.cancelSession(e.groupId, e.memberId);
        this.plumbing.markNew(e.groupId, e.memberId, false);
        this.plumbing.answerJoin(e.groupId, e.memberId, joinError('', code));
        this.plumbing.answerSync(e.groupId, e.memberId, syncError(code));
        this.plumbing.synced(e.groupId, e.memberId);
        return;
      }
      case 'RebalanceStarted':
        this.onRebalanceStarted(e.groupId);
        return;
      case 'GenerationBumped':
        this.onGenerationBumped(e.groupId, e.generation, e.memberIds.length > 0);
        return;
      case 'AssignmentsSynced':
        this.onAssignmentsWritten(e.groupId, e.generation, durable);
        return;
      case 'ConsumerMemberLeft':
        this.timers.cancelConsumerSession(e.groupId, e.memberId);
        this.timers.cancelRebalance(e.groupId, e.memberId);
        return;
      case 'ConsumerMemberReplaced':
        this.timers.cancelConsumerSession(e.groupId, e.oldMemberId);
        this.timers.cancelRebalance(e.groupId, e.oldMemberId);
        return;
      case 'MemberReconciled': {
        // KC-26: entering UNREVOKED_PARTITIONS arms the member's rebalance timer; leaving it cancels it.
        const m = this.store.consumerGroup(e.groupId)?.members.get(e.memberId);
        if (m !== undefined && e.state === 'UNREVOKED_PARTITIONS' && e.memberEpoch >= 0) {
          this.timers.armRebalance(e.groupId, e.memberId, e.memberEpoch, Math.max(m.rebalanceTimeoutMs, 0));
        } else {
          this.timers.cancelRebalance(e.groupId, e.memberId);
        }
        return;
      }
      case 'ClassicGroupUpgraded': {
        // KC-62: parked classic requests learn of the new rebalance; the classic plumbing and timers
        // give way to the KIP-848 group's (each member keeps its classic session timeout).
        for (const id of this.plumbing.pendingIds(e.groupId)) this.timers.cancelPending(e.groupId, id);
        this.plumbing.dropGroup(e.groupId, joinError('', ErrorCode.REBALANCE_IN_PROGRESS), syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        this.timers.cancelJoin(e.groupId);
        this.timers.cancelSync(e.groupId);
        for (const m of e.members) {
          this.timers.cancelSession(e.groupId, m.memberId);
          this.timers.armConsumerSession(e.groupId, m.memberId, m.member.classic?.sessionTimeoutMs ?? this.config.consumerSessionTimeoutMs);
        }
        return;
      }
      case 'GroupDeleted':
        for (const id of this.plumbing.pendingIds(e.groupId)) this.timers.cancelPending(e.groupId, id);
        this.plumbing.dropGroup(e.groupId, joinError('', ErrorCode.UNKNOWN_MEMBER_ID), syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        this.timers.cancelJoin(e.groupId);
        this.timers.cancelSync(e.groupId);
        return;
      default:
        return;
    }
  }

  /** CG-60: requests parked under a replaced static member id are fenced. */
  private fence(groupId: string, oldId: string, newId: string): void {
    this.timers.cancelSession(groupId, oldId);
    this.plumbing.markNew(groupId, oldId, false);
    this.plumbing.answerJoin(groupId, oldId, joinError(oldId, ErrorCode.FENCED_INSTANCE_ID));
    this.plumbing.answerSync(groupId, oldId, syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.plumbing.replaceUnsynced(groupId, oldId, newId);
  }

  /** CG-27: parked syncs learn of the rebalance; the join timer (or KIP-134's initial delay) starts. */
  private onRebalanceStarted(groupId: string): void {
    const group = this.store.classicGroup(groupId)!;
    this.plumbing.answerAllSyncs(groupId, () => syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    this.plumbing.endGeneration(groupId);
    this.timers.cancelSync(groupId);
    const rebalanceTimeout = groupRebalanceTimeoutMs(group);
    if (group.previousState === 'Empty') {
      const delay = this.config.groupInitialRebalanceDelayMs;
      this.timers.armInitialDelay(groupId, delay, initialDelayArm(group, delay, rebalanceTimeout));
    } else {
      this.timers.armJoin(groupId, rebalanceTimeout);
    }
  }

  /** CG-33: every parked join is answered; sessions restart; the sync timer starts. */
  private onGenerationBumped(groupId: string, generation: number, withMembers: boolean): void {
    this.timers.cancelJoin(groupId);
    if (!withMembers) return;
    const group = this.store.classicGroup(groupId)!;
    const leaderMembers = leaderMemberList(group.members.values(), group.protocolName);
    for (const m of group.members.values()) {
      this.plumbing.answerJoin(groupId, m.memberId, {
        errorCode: ErrorCode.NONE,
        memberId: m.memberId,
        generationId: generation,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        members: m.memberId === group.leaderId ? leaderMembers : [],
      });
      this.timers.armSession(groupId, m.memberId, m.sessionTimeoutMs);
      this.plumbing.markNew(groupId, m.memberId, false);
    }
    this.plumbing.expectSyncs(groupId, generation, group.members.keys());
    this.timers.armSync(groupId, generation, groupRebalanceTimeoutMs(group));
  }

  /** CG-42: once the leader's assignments are durable, parked syncs of that generation get theirs. */
  private onAssignmentsWritten(groupId: string, generation: number, durable: Promise<boolean>): void {
    this.plumbing.recordAssignmentWrite(groupId, generation, durable);
    void durable.then((ok) => {
      // An unloaded or failed coordinator answers nothing more and arms no timer (CG-74).
      const group = this.store.status === 'active' ? this.store.classicGroup(groupId) : undefined;
      if (!ok || group === undefined || group.generation !== generation || group.state !== 'Stable') return;
      this.plumbing.answerAllSyncs(groupId, (memberId) => {
        const m = group.members.get(memberId);
        return m === undefined
          ? syncError(ErrorCode.UNKNOWN_MEMBER_ID)
          : { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: memberAssignment(m) };
      });
      for (const m of group.members.values()) this.timers.armSession(groupId, m.memberId, m.sessionTimeoutMs);
    });
  }
}
