import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { ErrorCode } from '../domain/error-code';
import {
  groupRebalanceTimeoutMs,
  metadataFor,
  newClassicGroup,
  sameProtocols,
  type ClassicGroup,
  type ClassicMember,
  type ClassicGroupState,
} from '../domain/group/classic-group';
import { decideHeartbeat } from '../domain/group/decide-heartbeat';
import { decideOffsetCommit } from '../domain/group/decide-offset-commit';
import { decideDeleteGroup } from '../domain/group/decide-delete-group';
import { decideOffsetDelete } from '../domain/group/decide-offset-delete';
import { decideOffsetExpiry } from '../domain/group/decide-offset-expiry';
import { decideLeaderSync, validateSync } from '../domain/group/decide-sync-group';
import { isGroupEvent, type GroupEvent } from '../domain/group/events';
import { evolve, replay } from '../domain/group/evolve';
import { initialGroupsState, offsetKey, type GroupsState } from '../domain/group/groups-state';
import { validateIdentity } from '../domain/group/member-identity';
import { computeSubscribedTopics, selectProtocol, supportsProtocols } from '../domain/group/protocol-selection';
import { snapshotEvents } from '../domain/group/snapshot-events';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { MetaLog } from '../ports/meta-log';
import type { Scheduler } from '../ports/scheduler';
import { TYPES } from '../ports/symbols';
import type {
  DeleteGroupsResult,
  DescribedGroup,
  HeartbeatCommand,
  JoinGroupCommand,
  JoinGroupResult,
  LeaveGroupCommand,
  LeaveGroupResult,
  ListGroupsQuery,
  ListGroupsResult,
  OffsetCommitCommand,
  OffsetCommitResult,
  OffsetDeleteCommand,
  OffsetDeleteResult,
  OffsetFetchCommand,
  OffsetFetchGroupResult,
  OffsetFetchResult,
  SyncGroupCommand,
  SyncGroupResult,
} from './group/group-api';

/** Section-6 settings of the classic coordinator and offsets. */
export interface GroupCoordinatorConfig {
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMaxSize: number;
  /** CG-47 (internal). */
  readonly newMemberJoinTimeoutMs: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  /** `offsets.commit.timeout.ms`: a commit not durable by then is answered COORDINATOR_NOT_AVAILABLE (GEN-3). */
  readonly offsetsCommitTimeoutMs: number;
  /** GEN-8: `<prefix>-<uuid v4>` where prefix is the instance id (static) or client id. */
  readonly generateMemberId: (prefix: string) => string;
}

/** DI symbol of `GroupCoordinatorConfig`. */
export const GROUP_COORDINATOR_CONFIG = Symbol.for('GroupCoordinatorConfig');

/** Section-6 defaults, overridable per field. */
export const defaultGroupCoordinatorConfig = (overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig => ({
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 2_147_483_647,
  newMemberJoinTimeoutMs: 300_000,
  offsetsRetentionMs: 10_080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  offsetsCommitTimeoutMs: 5000,
  generateMemberId: (prefix) => `${prefix}-${randomUUID()}`,
  ...overrides,
});

interface LiveMember extends ClassicMember {
  /** Parked JoinGroup response (CG-2 awaiting-join slot). */
  joinWaiter: ((r: JoinGroupResult) => void) | null;
  /** Parked SyncGroup response (CG-2 awaiting-sync slot). */
  syncWaiter: ((r: SyncGroupResult) => void) | null;
}

type LiveGroup = ClassicGroup<LiveMember>;

type Status = 'inactive' | 'loading' | 'active' | 'failed';

const EMPTY = new Uint8Array(0);
const EXPIRY_KEY = 'offsets-expiry';

const joinError = (memberId: string, errorCode: ErrorCode): JoinGroupResult => ({
  errorCode,
  memberId,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  skipAssignment: false,
  members: [],
});

const syncError = (errorCode: ErrorCode): SyncGroupResult => ({
  errorCode,
  protocolType: null,
  protocolName: null,
  assignment: EMPTY,
});

const parked = <T>(): { promise: Promise<T>; resolve: (v: T) => void } => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * The classic group coordinator and offset manager of one broker (all shards in one).
 *
 * Hard state is changed only by emitting GroupEvents (folded at once into `live`, and into
 * `durable` when the MetaLog append resolves); soft state (PE-10: rebalance phase, pending and
 * parked members, timers) lives in `groups`. Requests that write are answered once their events
 * are durable (GEN-5); reads see `durable` (GEN-6). A failed append puts the coordinator in a
 * failed state: parked and later requests get NOT_COORDINATOR (GEN-3, KAFKA_STORAGE_ERROR).
 */
@injectable()
export class GroupCoordinator {
  private status: Status = 'inactive';
  private live: GroupsState = initialGroupsState();
  private durable: GroupsState = initialGroupsState();
  private readonly groups = new Map<string, LiveGroup>();
  private writeSeq = 0;
  private writeTimeoutSeq = 0;
  private lastWrite: Promise<boolean> = Promise.resolve(true);
  private readonly log: Logger;

  constructor(
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Scheduler) private readonly scheduler: Scheduler,
    @inject(TYPES.MetaLog) private readonly metaLog: MetaLog,
    @inject(TYPES.Logger) logger: Logger,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
  ) {
    this.log = logger.child({ component: 'group-coordinator' });
  }

  // ------------------------------------------------------------------ loading (PE-7…PE-12)

  /** Replays the MetaLog from the start and activates the coordinator. */
  async start(): Promise<void> {
    this.beginLoad();
    await this.metaLog.replay(0, (event) => {
      if (isGroupEvent(event)) this.applyReplayed(event);
    });
    this.completeLoad();
  }

  /** Enters the loading state (GEN-2: group APIs answer COORDINATOR_LOAD_IN_PROGRESS). */
  beginLoad(): void {
    this.resetSoftState();
    this.status = 'loading';
    this.live = initialGroupsState();
    this.durable = initialGroupsState();
  }

  /** Folds one durable event read back from the log (or a snapshot). */
  applyReplayed(event: GroupEvent): void {
    this.live = evolve(this.live, event);
    this.durable = evolve(this.durable, event);
  }

  /**
   * PE-11: rebuilds the soft groups from the hard state — Stable with members, else Empty — arms
   * every member's session timer, rebalances over-capacity groups (CG-74) and schedules expiry.
   */
  completeLoad(): void {
    const now = this.clock.now();
    for (const record of this.live.groups.values()) {
      const group = newClassicGroup<LiveMember>(record.groupId, record.currentStateTimestamp);
      group.protocolType = record.protocolType;
      group.generation = record.generation;
      group.protocolName = record.protocolName;
      group.leaderId = record.leaderId;
      for (const m of record.members.values()) {
        group.members.set(m.memberId, {
          memberId: m.memberId,
          instanceId: m.instanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.sessionTimeoutMs,
          protocolType: record.protocolType ?? '',
          protocols: [{ name: record.protocolName ?? '', metadata: m.subscription, topics: m.subscribedTopics }],
          assignment: m.assignment,
          isNew: false,
          joinWaiter: null,
          syncWaiter: null,
        });
        if (m.instanceId !== null) group.staticMembers.set(m.instanceId, m.memberId);
      }
      if (group.members.size > 0) {
        group.state = 'Stable';
        group.previousState = 'Stable';
      }
      group.subscribedTopics = computeSubscribedTopics(group.protocolType, group.protocolName, group.members.values());
      this.groups.set(group.groupId, group);
    }
    this.status = 'active';
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) this.armSession(group, m, m.sessionTimeoutMs);
      if (group.members.size > this.config.groupMaxSize) this.prepareRebalance(group, now);
    }
    this.armExpiry();
  }

  /** CG-74: the shard is unloaded; parked requests get NOT_COORDINATOR, later ones too. */
  unload(): void {
    this.resetSoftState();
    this.status = 'inactive';
  }

  // ------------------------------------------------------------------ state views

  /** Hard state including events not yet durable (must equal replay of every appended event). */
  liveState(): GroupsState {
    return this.live;
  }

  /** Hard state as of the last durable event (GEN-6). */
  durableState(): GroupsState {
    return this.durable;
  }

  /** Soft view of one group (tests and admin). */
  groupView(groupId: string): Readonly<ClassicGroup> | undefined {
    return this.groups.get(groupId);
  }

  // ------------------------------------------------------------------ JoinGroup (CG-20…CG-34, CG-60)

  /** JoinGroup: resolves when Kafka would answer (possibly after the join phase completes). */
  async joinGroup(cmd: JoinGroupCommand): Promise<JoinGroupResult> {
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return joinError(cmd.memberId, unavailable);
    if (cmd.groupId === '') return joinError(cmd.memberId, ErrorCode.INVALID_GROUP_ID);
    if (
      cmd.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      cmd.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return joinError(cmd.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    this.log.debug({ groupId: cmd.groupId, memberId: cmd.memberId, reason: cmd.reason ?? 'not provided' }, 'join');
    const now = this.clock.now();
    const mark = this.writeSeq;
    let group = this.groups.get(cmd.groupId);
    let created = false;
    if (group === undefined) {
      if (cmd.memberId !== '') return joinError(cmd.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
      group = newClassicGroup<LiveMember>(cmd.groupId, now);
      this.groups.set(cmd.groupId, group);
      created = true;
    }
    const reply = this.join(group, cmd, now);
    if (created && this.writeSeq === mark) void this.emit([{ type: 'GroupCreated', groupId: cmd.groupId, at: now }]);
    if (reply instanceof Promise) return reply;
    if (this.writeSeq !== mark && !(await this.lastWrite)) return joinError('', ErrorCode.NOT_COORDINATOR);
    return reply;
  }

  private join(group: LiveGroup, cmd: JoinGroupCommand, now: number): JoinGroupResult | Promise<JoinGroupResult> {
    if (!this.acceptJoiningMember(group, cmd.memberId)) {
      // CG-23: the rejected id leaves the group (member or pending).
      group.pendingMembers.delete(cmd.memberId);
      this.scheduler.cancel(this.pendingKey(group, cmd.memberId));
      const m = group.members.get(cmd.memberId);
      if (m !== undefined) this.removeMember(group, m, ErrorCode.GROUP_MAX_SIZE_REACHED);
      return joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED);
    }
    return cmd.memberId === '' ? this.joinNewMember(group, cmd, now) : this.joinKnownMember(group, cmd, now);
  }

  /** CG-23 group.max.size. */
  private acceptJoiningMember(group: LiveGroup, memberId: string): boolean {
    const max = this.config.groupMaxSize;
    switch (group.state) {
      case 'Empty':
        return true;
      case 'PreparingRebalance': {
        const m = group.members.get(memberId);
        if (m !== undefined && m.joinWaiter !== null) return true;
        let awaiting = 0;
        for (const x of group.members.values()) if (x.joinWaiter !== null) awaiting++;
        return awaiting < max;
      }
      default:
        return group.members.has(memberId) || group.members.size < max;
    }
  }

  /** CG-24. */
  private joinNewMember(group: LiveGroup, cmd: JoinGroupCommand, now: number): JoinGroupResult | Promise<JoinGroupResult> {
    if (!supportsProtocols(group, cmd.protocolType, cmd.protocols.map((p) => p.name))) {
      return joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const newId = this.config.generateMemberId(cmd.groupInstanceId ?? cmd.clientId);
    if (cmd.groupInstanceId !== null) {
      const oldId = group.staticMembers.get(cmd.groupInstanceId);
      if (oldId !== undefined) return this.replaceStaticMember(group, cmd, oldId, newId, now);
      return this.addMemberAndRebalance(group, cmd, newId, now);
    }
    if (cmd.apiVersion >= 4) {
      // KIP-394: the client must come back with this id; the group is not touched.
      group.pendingMembers.add(newId);
      this.scheduler.schedule(this.pendingKey(group, newId), cmd.sessionTimeoutMs, () =>
        this.onPendingMemberExpired(group.groupId, newId),
      );
      return joinError(newId, ErrorCode.MEMBER_ID_REQUIRED);
    }
    return this.addMemberAndRebalance(group, cmd, newId, now);
  }

  /** CG-25. */
  private joinKnownMember(group: LiveGroup, cmd: JoinGroupCommand, now: number): JoinGroupResult | Promise<JoinGroupResult> {
    if (!supportsProtocols(group, cmd.protocolType, cmd.protocols.map((p) => p.name))) {
      return joinError(cmd.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    if (group.pendingMembers.has(cmd.memberId)) {
      group.pendingMembers.delete(cmd.memberId);
      this.scheduler.cancel(this.pendingKey(group, cmd.memberId));
      return this.addMemberAndRebalance(group, cmd, cmd.memberId, now);
    }
    const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
    if (E.isLeft(identity)) return joinError(cmd.memberId, identity.left.code);
    const member = group.members.get(cmd.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, cmd, now);
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, cmd.protocols)) return this.currentGenerationReply(group, member, true);
        return this.updateMemberAndRebalance(group, member, cmd, now);
      case 'Stable':
        if (group.leaderId === member.memberId || !sameProtocols(member.protocols, cmd.protocols)) {
          // The leader's rejoin always rebalances: it lets the leader react to metadata changes.
          return this.updateMemberAndRebalance(group, member, cmd, now);
        }
        return this.currentGenerationReply(group, member, false);
      default:
        return joinError(cmd.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  /** CG-25: answer at once with the current generation (members only to the leader in CompletingRebalance). */
  private currentGenerationReply(group: LiveGroup, member: LiveMember, membersToLeader: boolean): JoinGroupResult {
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: ErrorCode.NONE,
      memberId: member.memberId,
      generationId: group.generation,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      members: membersToLeader && isLeader ? this.memberList(group) : [],
    };
  }

  private memberList(group: LiveGroup): JoinGroupResult['members'] {
    return [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      metadata: metadataFor(m, group.protocolName).metadata,
    }));
  }

  /** CG-26. */
  private addMemberAndRebalance(group: LiveGroup, cmd: JoinGroupCommand, memberId: string, now: number): Promise<JoinGroupResult> {
    const waiter = parked<JoinGroupResult>();
    const member: LiveMember = {
      memberId,
      instanceId: cmd.groupInstanceId,
      clientId: cmd.clientId,
      clientHost: cmd.clientHost,
      rebalanceTimeoutMs: cmd.rebalanceTimeoutMs ?? cmd.sessionTimeoutMs,
      sessionTimeoutMs: cmd.sessionTimeoutMs,
      protocolType: cmd.protocolType,
      protocols: cmd.protocols,
      assignment: EMPTY,
      isNew: true,
      joinWaiter: waiter.resolve,
      syncWaiter: null,
    };
    // CG-7: the protocol type is (re)set by the first member of a member-less group.
    if (group.members.size === 0) group.protocolType = cmd.protocolType;
    group.members.set(memberId, member);
    if (member.instanceId !== null) group.staticMembers.set(member.instanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.state === 'PreparingRebalance' && group.previousState === 'Empty') group.newMemberAdded = true;
    // CG-47: a new member is expired after the new-member join timeout even while parked.
    this.armSession(group, member, this.config.newMemberJoinTimeoutMs);
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group, now);
    else this.prepareRebalance(group, now);
    return waiter.promise;
  }

  private updateMemberAndRebalance(group: LiveGroup, member: LiveMember, cmd: JoinGroupCommand, now: number): Promise<JoinGroupResult> {
    const waiter = parked<JoinGroupResult>();
    member.protocols = cmd.protocols;
    member.protocolType = cmd.protocolType;
    member.rebalanceTimeoutMs = cmd.rebalanceTimeoutMs ?? cmd.sessionTimeoutMs;
    member.sessionTimeoutMs = cmd.sessionTimeoutMs;
    member.clientId = cmd.clientId;
    member.clientHost = cmd.clientHost;
    const previous = member.joinWaiter;
    // A duplicate join while parked: both requests get the phase's answer.
    member.joinWaiter = previous === null ? waiter.resolve : (r) => (previous(r), waiter.resolve(r));
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group, now);
    else this.prepareRebalance(group, now);
    return waiter.promise;
  }

  /** CG-60 static member replacement. */
  private replaceStaticMember(
    group: LiveGroup,
    cmd: JoinGroupCommand,
    oldId: string,
    newId: string,
    now: number,
  ): JoinGroupResult | Promise<JoinGroupResult> {
    const old = group.members.get(oldId)!;
    const leaderBefore = group.leaderId;
    old.joinWaiter?.(joinError(oldId, ErrorCode.FENCED_INSTANCE_ID));
    old.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.scheduler.cancel(this.heartbeatKey(group, oldId));
    const member: LiveMember = {
      ...old,
      memberId: newId,
      clientId: cmd.clientId,
      clientHost: cmd.clientHost,
      protocolType: cmd.protocolType,
      protocols: cmd.protocols,
      rebalanceTimeoutMs: cmd.rebalanceTimeoutMs ?? cmd.sessionTimeoutMs,
      sessionTimeoutMs: cmd.sessionTimeoutMs,
      joinWaiter: null,
      syncWaiter: null,
    };
    group.members.delete(oldId);
    group.members.set(newId, member);
    group.staticMembers.set(cmd.groupInstanceId!, newId);
    if (group.leaderId === oldId) group.leaderId = newId;
    if (group.pendingSync.delete(oldId)) group.pendingSync.add(newId);
    this.armSession(group, member, member.sessionTimeoutMs);
    switch (group.state) {
      case 'Stable': {
        if (selectProtocol(group.members.values(), group.leaderId) === group.protocolName) {
          void this.emit([
            {
              type: 'StaticMemberReplaced',
              groupId: group.groupId,
              instanceId: cmd.groupInstanceId!,
              oldMemberId: oldId,
              newMemberId: newId,
              clientId: member.clientId,
              clientHost: member.clientHost,
              rebalanceTimeoutMs: member.rebalanceTimeoutMs,
              sessionTimeoutMs: member.sessionTimeoutMs,
              subscription: metadataFor(member, group.protocolName).metadata,
              subscribedTopics: metadataFor(member, group.protocolName).topics,
            },
          ]);
          const isLeader = group.leaderId === newId;
          const kip814 = cmd.apiVersion >= 9;
          return {
            errorCode: ErrorCode.NONE,
            memberId: newId,
            generationId: group.generation,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            // Before KIP-814 an old client must never believe it is the leader.
            leader: (kip814 ? group.leaderId : leaderBefore) ?? '',
            skipAssignment: kip814 && isLeader,
            members: kip814 && isLeader ? this.memberList(group) : [],
          };
        }
        return this.updateMemberAndRebalance(group, member, cmd, now);
      }
      default:
        // CompletingRebalance: the leader may already hold assignments for the old id → rebalance.
        // PreparingRebalance: the new id simply joins the phase.
        return this.updateMemberAndRebalance(group, member, cmd, now);
    }
  }

  /** CG-27. */
  private prepareRebalance(group: LiveGroup, now: number): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const w = m.syncWaiter;
        m.syncWaiter = null;
        w?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    group.pendingSync.clear();
    this.scheduler.cancel(this.syncKey(group));
    const initial = group.state === 'Empty';
    this.transition(group, 'PreparingRebalance', now);
    if (initial) {
      // KIP-134 initial delay (CG-31).
      const delay = this.config.groupInitialRebalanceDelayMs;
      group.newMemberAdded = false;
      this.armInitialDelay(group, delay, Math.max(groupRebalanceTimeoutMs(group) - delay, 0));
      return;
    }
    this.scheduler.schedule(this.joinKey(group), groupRebalanceTimeoutMs(group), () => this.onJoinTimer(group.groupId));
    this.maybeCompleteJoin(group, now);
  }

  private armInitialDelay(group: LiveGroup, delay: number, remaining: number): void {
    this.scheduler.schedule(this.joinKey(group), delay, () => {
      const g = this.activeGroup(group.groupId);
      if (g === undefined || g.state !== 'PreparingRebalance') return;
      const d = this.config.groupInitialRebalanceDelayMs;
      if (g.newMemberAdded && remaining > 0) {
        g.newMemberAdded = false;
        this.armInitialDelay(g, Math.min(d, remaining), Math.max(remaining - d, 0));
      } else {
        this.completeJoin(g, this.clock.now());
      }
    });
  }

  private onJoinTimer(groupId: string): void {
    const g = this.activeGroup(groupId);
    if (g !== undefined && g.state === 'PreparingRebalance') this.completeJoin(g, this.clock.now());
  }

  /** CG-30: complete only outside the initial rebalance, when everyone joined and nobody is pending. */
  private maybeCompleteJoin(group: LiveGroup, now: number): void {
    if (group.state !== 'PreparingRebalance' || group.previousState === 'Empty') return;
    if (group.pendingMembers.size > 0) return;
    for (const m of group.members.values()) if (m.joinWaiter === null) return;
    this.completeJoin(group, now);
  }

  /** CG-32 / CG-33. */
  private completeJoin(group: LiveGroup, now: number): void {
    this.scheduler.cancel(this.joinKey(group));
    for (const m of [...group.members.values()]) {
      // CG-61: static members that did not rejoin are kept.
      if (m.joinWaiter === null && m.instanceId === null) this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    if (group.members.size > 0) {
      const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
      if (leader === undefined || leader.joinWaiter === null) {
        const joined = [...group.members.values()].find((m) => m.joinWaiter !== null);
        if (joined === undefined) {
          // Only non-rejoined static members remain: wait another rebalance timeout (TS-41).
          this.scheduler.schedule(this.joinKey(group), groupRebalanceTimeoutMs(group), () => this.onJoinTimer(group.groupId));
          return;
        }
        group.leaderId = joined.memberId;
      }
    }
    group.generation += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.subscribedTopics = new Set();
      this.transition(group, 'Empty', now);
      void this.emit([
        { type: 'GroupEmptied', groupId: group.groupId, generation: group.generation, protocolType: group.protocolType, at: now },
      ]);
      return;
    }
    group.protocolName = selectProtocol(group.members.values(), group.leaderId);
    group.subscribedTopics = computeSubscribedTopics(group.protocolType, group.protocolName, group.members.values());
    this.transition(group, 'CompletingRebalance', now);
    const leaderMembers = this.memberList(group);
    for (const m of group.members.values()) {
      const w = m.joinWaiter;
      m.joinWaiter = null;
      w?.({
        errorCode: ErrorCode.NONE,
        memberId: m.memberId,
        generationId: group.generation,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        members: m.memberId === group.leaderId ? leaderMembers : [],
      });
      this.armSession(group, m, m.sessionTimeoutMs);
      m.isNew = false;
      group.pendingSync.add(m.memberId);
    }
    const generation = group.generation;
    const expire = () => this.onSyncTimer(group.groupId, generation);
    // Kafka's pending-sync timer of 0 ms fires before any member can send SyncGroup (issue 13 item 5): expire deterministically.
    if (groupRebalanceTimeoutMs(group) <= 0) queueMicrotask(expire);
    else this.scheduler.schedule(this.syncKey(group), groupRebalanceTimeoutMs(group), expire);
  }

  // ------------------------------------------------------------------ SyncGroup (CG-40…CG-43)

  /** SyncGroup: resolves when the assignment is known and durable, or with an error. */
  async syncGroup(cmd: SyncGroupCommand): Promise<SyncGroupResult> {
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return syncError(unavailable);
    if (cmd.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(cmd.groupId);
    const valid = validateSync(cmd, group);
    if (E.isLeft(valid)) return syncError(valid.left.code);
    const g = group!;
    const member = g.members.get(cmd.memberId)!;
    if (g.state === 'PreparingRebalance') return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    if (g.state === 'Stable') {
      this.removePendingSync(g, member.memberId);
      return { errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: member.assignment };
    }
    // CompletingRebalance: park until the leader's assignment is durable.
    const waiter = parked<SyncGroupResult>();
    const previous = member.syncWaiter;
    member.syncWaiter = previous === null ? waiter.resolve : (r) => (previous(r), waiter.resolve(r));
    this.removePendingSync(g, member.memberId);
    // A leader resending while its assignment write is in flight just waits for that write.
    if (g.leaderId === member.memberId && previous === null) {
      const event = decideLeaderSync(g, cmd.assignments);
      const generation = g.generation;
      void this.emit([event]).then((ok) => {
        if (ok) this.onAssignmentsDurable(g.groupId, generation, event);
      });
    }
    return waiter.promise;
  }

  private onAssignmentsDurable(groupId: string, generation: number, event: GroupEvent): void {
    const g = this.activeGroup(groupId);
    if (event.type !== 'AssignmentsSynced' || g === undefined) return;
    if (g.state !== 'CompletingRebalance' || g.generation !== generation) return;
    const byId = new Map(event.members.map((m) => [m.memberId, m.assignment] as const));
    for (const m of g.members.values()) {
      m.assignment = byId.get(m.memberId) ?? EMPTY;
      const w = m.syncWaiter;
      m.syncWaiter = null;
      w?.({ errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment });
      this.armSession(g, m, m.sessionTimeoutMs);
    }
    this.transition(g, 'Stable', this.clock.now());
  }

  private removePendingSync(group: LiveGroup, memberId: string): void {
    if (group.pendingSync.delete(memberId) && group.pendingSync.size === 0) this.scheduler.cancel(this.syncKey(group));
  }

  // ------------------------------------------------------------------ Heartbeat (CG-45)

  /** Heartbeat: NONE while loading (GEN-2); re-arms the session on success or REBALANCE_IN_PROGRESS. */
  async heartbeat(cmd: HeartbeatCommand): Promise<{ errorCode: ErrorCode }> {
    if (this.status === 'loading') return { errorCode: ErrorCode.NONE };
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return { errorCode: unavailable };
    if (cmd.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const group = this.groups.get(cmd.groupId);
    const decision = decideHeartbeat(cmd, group);
    if (E.isLeft(decision)) return { errorCode: decision.left.code };
    const member = group!.members.get(cmd.memberId)!;
    this.armSession(group!, member, member.sessionTimeoutMs);
    return { errorCode: decision.right };
  }

  // ------------------------------------------------------------------ LeaveGroup (CG-52, CG-53)

  /** LeaveGroup batch; per-member errors, top-level folded for v0–v2 (CG-52). */
  async leaveGroup(cmd: LeaveGroupCommand): Promise<LeaveGroupResult> {
    const unavailable = this.writeUnavailable();
    const all = (code: ErrorCode): LeaveGroupResult => ({
      errorCode: code,
      members: cmd.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code })),
    });
    if (unavailable !== null) return all(unavailable);
    if (cmd.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(cmd.groupId);
    if (group === undefined) {
      const r = all(ErrorCode.UNKNOWN_MEMBER_ID);
      return cmd.apiVersion >= 3 ? { ...r, errorCode: ErrorCode.NONE } : r;
    }
    if (group.state === 'Dead') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const now = this.clock.now();
    const mark = this.writeSeq;
    let removed = false;
    let pendingRemoved = false;
    const members = cmd.members.map((req) => {
      this.log.debug({ groupId: cmd.groupId, memberId: req.memberId, reason: req.reason ?? 'not provided' }, 'leave');
      const answer = (errorCode: ErrorCode) => ({ memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode });
      if (req.memberId === '') {
        // KIP-345 admin removal by instance id.
        const mapped = req.groupInstanceId === null ? undefined : group.staticMembers.get(req.groupInstanceId);
        if (mapped === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
        this.removeMember(group, group.members.get(mapped)!, ErrorCode.UNKNOWN_MEMBER_ID);
        removed = true;
        return answer(ErrorCode.NONE);
      }
      if (group.pendingMembers.delete(req.memberId)) {
        this.scheduler.cancel(this.pendingKey(group, req.memberId));
        pendingRemoved = true;
        return answer(ErrorCode.NONE);
      }
      const identity = validateIdentity(group, req.memberId, req.groupInstanceId);
      if (E.isLeft(identity)) return answer(identity.left.code);
      this.removeMember(group, group.members.get(req.memberId)!, ErrorCode.UNKNOWN_MEMBER_ID);
      removed = true;
      return answer(ErrorCode.NONE);
    });
    if (removed && (group.state === 'Stable' || group.state === 'CompletingRebalance')) this.prepareRebalance(group, now);
    else if (removed || pendingRemoved) this.maybeCompleteJoin(group, now);
    if (this.writeSeq !== mark && !(await this.lastWrite)) return all(ErrorCode.NOT_COORDINATOR);
    const errorCode = cmd.apiVersion >= 3 ? ErrorCode.NONE : (members[0]?.errorCode ?? ErrorCode.NONE);
    return { errorCode, members };
  }

  // ------------------------------------------------------------------ timers (CG-46…CG-50)

  private armSession(group: LiveGroup, member: LiveMember, timeoutMs: number): void {
    const memberId = member.memberId;
    this.scheduler.schedule(this.heartbeatKey(group, memberId), timeoutMs, () => this.onSessionExpired(group.groupId, memberId));
  }

  /** CG-46: a member awaiting join or sync is alive unless still new; others are removed. */
  private onSessionExpired(groupId: string, memberId: string): void {
    const g = this.activeGroup(groupId);
    const m = g?.members.get(memberId);
    if (g === undefined || m === undefined) return;
    if (!m.isNew && (m.joinWaiter !== null || m.syncWaiter !== null)) return;
    this.log.info({ groupId, memberId }, 'member session expired');
    const now = this.clock.now();
    this.removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    if (g.state === 'Stable' || g.state === 'CompletingRebalance') this.prepareRebalance(g, now);
    else this.maybeCompleteJoin(g, now);
  }

  /** CG-48. */
  private onPendingMemberExpired(groupId: string, memberId: string): void {
    const g = this.activeGroup(groupId);
    if (g === undefined || !g.pendingMembers.delete(memberId)) return;
    this.maybeCompleteJoin(g, this.clock.now());
  }

  /** CG-49. */
  private onSyncTimer(groupId: string, generation: number): void {
    const g = this.activeGroup(groupId);
    if (g === undefined || g.generation !== generation) return;
    if (g.state !== 'CompletingRebalance' && g.state !== 'Stable') return;
    if (g.pendingSync.size === 0) return;
    for (const id of [...g.pendingSync]) {
      const m = g.members.get(id);
      if (m !== undefined) this.removeMember(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    this.prepareRebalance(g, this.clock.now());
  }

  /** Removes a member from the soft group (CG-5 leader re-election); its parked requests get `code`. */
  private removeMember(group: LiveGroup, member: LiveMember, code: ErrorCode): void {
    this.scheduler.cancel(this.heartbeatKey(group, member.memberId));
    const jw = member.joinWaiter;
    const sw = member.syncWaiter;
    member.joinWaiter = null;
    member.syncWaiter = null;
    jw?.(joinError('', code));
    sw?.(syncError(code));
    group.members.delete(member.memberId);
    if (member.instanceId !== null && group.staticMembers.get(member.instanceId) === member.memberId) {
      group.staticMembers.delete(member.instanceId);
    }
    group.pendingSync.delete(member.memberId);
    if (group.leaderId === member.memberId) {
      const next = group.members.keys().next();
      group.leaderId = next.done === true ? null : next.value;
    }
  }

  // ------------------------------------------------------------------ offsets (OF-1…OF-41)

  /** OffsetCommit for classic and simple groups; answered once the commits are durable (OF-7). */
  async offsetCommit(cmd: OffsetCommitCommand): Promise<OffsetCommitResult> {
    const all = (code: ErrorCode): OffsetCommitResult => ({
      topics: cmd.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return all(unavailable);
    const now = this.clock.now();
    const group = this.groups.get(cmd.groupId);
    const decision = decideOffsetCommit(cmd, group, now, this.config.offsetMetadataMaxBytes);
    if (E.isLeft(decision)) return all(decision.left.code);
    const { events, topics, createsSimpleGroup } = decision.right;
    if (createsSimpleGroup && events.length > 0) this.groups.set(cmd.groupId, newClassicGroup<LiveMember>(cmd.groupId, null));
    if (group !== undefined && (group.state === 'Stable' || group.state === 'PreparingRebalance')) {
      const m = group.members.get(cmd.memberId);
      if (m !== undefined) this.armSession(group, m, m.sessionTimeoutMs); // OF-8
    }
    if (events.length > 0) {
      const outcome = await this.withWriteTimeout(this.emit(events), this.config.offsetsCommitTimeoutMs);
      if (outcome === 'failed') return all(ErrorCode.NOT_COORDINATOR);
      // GEN-3: REQUEST_TIMED_OUT maps to COORDINATOR_NOT_AVAILABLE; the client retries. The write
      // itself goes on: if it lands, the commit is durable but was not acknowledged (allowed).
      if (outcome === 'timeout') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    return { topics };
  }

  /** Races a write against a Scheduler timer (`offsets.commit.timeout.ms`). */
  private withWriteTimeout(write: Promise<boolean>, timeoutMs: number): Promise<'durable' | 'failed' | 'timeout'> {
    const key = `write-timeout-${++this.writeTimeoutSeq}`;
    return new Promise((resolve) => {
      this.scheduler.schedule(key, timeoutMs, () => resolve('timeout'));
      void write.then((ok) => {
        this.scheduler.cancel(key);
        resolve(ok ? 'durable' : 'failed');
      });
    });
  }

  /** OffsetFetch for one or more groups (OF-30…OF-34); committed reads unless requireStable. */
  async offsetFetch(cmd: OffsetFetchCommand): Promise<OffsetFetchResult> {
    const unavailable = this.readUnavailable();
    if (unavailable !== null) {
      return { groups: cmd.groups.map((g) => ({ groupId: g.groupId, errorCode: unavailable, topics: [] })) };
    }
    // OF-33: a stable fetch is write-ordered: it waits for earlier in-flight commits.
    if (cmd.requireStable) await this.lastWrite;
    return { groups: cmd.groups.map((g) => this.fetchGroup(g.groupId, g.topics)) };
  }

  private fetchGroup(groupId: string, topics: OffsetFetchCommand['groups'][number]['topics']): OffsetFetchGroupResult {
    const record = this.durable.groups.get(groupId);
    const absent = (p: number) => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE as ErrorCode });
    if (topics === null) {
      const byTopic = new Map<string, OffsetFetchGroupResult['topics'][number]['partitions'][number][]>();
      for (const o of record?.offsets.values() ?? []) {
        const list = byTopic.get(o.topic) ?? [];
        list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE });
        byTopic.set(o.topic, list);
      }
      return { groupId, errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
    }
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const o = record?.offsets.get(offsetKey(t.name, p));
          return o === undefined
            ? absent(p)
            : { partitionIndex: p, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
        }),
      })),
    };
  }

  /** OffsetDelete (KIP-496, OF-40/41). */
  async offsetDelete(cmd: OffsetDeleteCommand): Promise<OffsetDeleteResult> {
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return { errorCode: unavailable, topics: [] };
    if (cmd.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const decision = decideOffsetDelete(cmd, this.groups.get(cmd.groupId), this.live.groups.get(cmd.groupId));
    if (E.isLeft(decision)) return { errorCode: decision.left.code, topics: [] };
    if (decision.right.events.length > 0 && !(await this.emit(decision.right.events))) {
      return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    }
    return { errorCode: ErrorCode.NONE, topics: decision.right.topics };
  }

  /** CG-73 / OF-20: one pass of the retention job (also run by its timer). */
  async expireOffsets(): Promise<void> {
    if (this.status !== 'active') return;
    const now = this.clock.now();
    const events: GroupEvent[] = [];
    for (const g of [...this.groups.values()]) {
      const record = this.live.groups.get(g.groupId);
      if (record === undefined) continue;
      const decided = decideOffsetExpiry(g, record, now, this.config.offsetsRetentionMs);
      if (decided.some((e) => e.type === 'GroupDeleted')) this.dropGroup(g);
      events.push(...decided);
    }
    if (events.length > 0) await this.emit(events);
  }

  /** OF-22: offsets of deleted topics are tombstoned as soon as the deletion is observed. */
  async onTopicsDeleted(topics: readonly string[]): Promise<void> {
    if (this.status !== 'active') return;
    const deleted = new Set(topics);
    const events: GroupEvent[] = [];
    for (const record of this.live.groups.values()) {
      for (const o of record.offsets.values()) {
        if (deleted.has(o.topic)) events.push({ type: 'OffsetDeleted', groupId: record.groupId, topic: o.topic, partition: o.partition });
      }
    }
    if (events.length > 0) await this.emit(events);
  }

  private armExpiry(): void {
    this.scheduler.schedule(EXPIRY_KEY, this.config.offsetsRetentionCheckIntervalMs, () => {
      if (this.status !== 'active') return;
      void this.expireOffsets();
      this.armExpiry();
    });
  }

  // ------------------------------------------------------------------ admin (CG-70…CG-72)

  /** DescribeGroups (CG-70): committed view; a group whose creation is not durable is Dead. */
  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    const unavailable = this.readUnavailable();
    return groupIds.map((groupId): DescribedGroup => {
      const g = this.groups.get(groupId);
      const dead: DescribedGroup = {
        errorCode: unavailable ?? (apiVersion >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE),
        errorMessage: unavailable === null && apiVersion >= 6 ? `Group ${groupId} not found.` : null,
        groupId,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
      if (unavailable !== null || g === undefined || !this.durable.groups.has(groupId)) return dead;
      const stable = g.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.instanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? metadataFor(m, g.protocolName).metadata : EMPTY,
          assignment: m.assignment,
        })),
      };
    });
  }

  /** ListGroups (CG-71) with case-insensitive state and type filters. */
  listGroups(query: ListGroupsQuery): ListGroupsResult {
    const unavailable = this.readUnavailable();
    if (unavailable !== null) return { errorCode: unavailable, groups: [] };
    const states = new Set(query.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(query.typesFilter.map((s) => s.toLowerCase()));
    const groups: ListGroupsResult['groups'][number][] = [];
    for (const g of this.groups.values()) {
      if (!this.durable.groups.has(g.groupId)) continue;
      if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
    }
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** DeleteGroups (CG-72): per group; answered once the tombstones are durable. */
  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupsResult> {
    const unavailable = this.writeUnavailable();
    if (unavailable !== null) return { results: groupIds.map((groupId) => ({ groupId, errorCode: unavailable })) };
    const events: GroupEvent[] = [];
    const results = groupIds.map((groupId) => {
      const g = this.groups.get(groupId);
      const decision = decideDeleteGroup(groupId, g);
      if (E.isLeft(decision)) return { groupId, errorCode: decision.left.code };
      this.dropGroup(g!);
      events.push(...decision.right);
      return { groupId, errorCode: ErrorCode.NONE as ErrorCode };
    });
    if (events.length > 0 && !(await this.emit(events))) {
      return { results: results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode === ErrorCode.NONE ? ErrorCode.NOT_COORDINATOR : r.errorCode })) };
    }
    return { results };
  }

  private dropGroup(group: LiveGroup): void {
    for (const m of [...group.members.values()]) this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
    for (const id of group.pendingMembers) this.scheduler.cancel(this.pendingKey(group, id));
    this.scheduler.cancel(this.joinKey(group));
    this.scheduler.cancel(this.syncKey(group));
    this.groups.delete(group.groupId);
  }

  // ------------------------------------------------------------------ persistence (GEN-3, GEN-5)

  /** Folds `events` into the live hard state and appends them; resolves false if the write failed. */
  private emit(events: GroupEvent[]): Promise<boolean> {
    for (const e of events) this.live = evolve(this.live, e);
    this.writeSeq++;
    const write = this.metaLog.append(events).then(
      () => {
        for (const e of events) this.durable = evolve(this.durable, e);
        return true;
      },
      (err: unknown) => {
        this.failWrites(err);
        return false;
      },
    );
    this.lastWrite = write;
    return write;
  }

  /**
   * The MetaLog is fail-stop: after a failed append nothing more can become durable, so the
   * coordinator stops writing, answers everything parked with NOT_COORDINATOR (GEN-3 mapping of
   * KAFKA_STORAGE_ERROR) and reverts its live hard state to the durable one (GEN-5).
   */
  private failWrites(err: unknown): void {
    if (this.status === 'failed') return;
    this.log.error({ err }, 'group metadata write failed; coordinator stops accepting writes');
    this.resetSoftState();
    this.status = 'failed';
    this.live = replay(snapshotEvents(this.durable));
  }

  private resetSoftState(): void {
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        const jw = m.joinWaiter;
        const sw = m.syncWaiter;
        m.joinWaiter = null;
        m.syncWaiter = null;
        jw?.(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        sw?.(syncError(ErrorCode.NOT_COORDINATOR));
        this.scheduler.cancel(this.heartbeatKey(g, m.memberId));
      }
      for (const id of g.pendingMembers) this.scheduler.cancel(this.pendingKey(g, id));
      this.scheduler.cancel(this.joinKey(g));
      this.scheduler.cancel(this.syncKey(g));
    }
    this.scheduler.cancel(EXPIRY_KEY);
    this.groups.clear();
  }

  // ------------------------------------------------------------------ helpers

  private writeUnavailable(): ErrorCode | null {
    switch (this.status) {
      case 'inactive':
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case 'loading':
        return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      case 'failed':
        return ErrorCode.NOT_COORDINATOR;
      default:
        return null;
    }
  }

  /** Reads follow the same availability rules (GEN-2); after a write failure the shard is gone. */
  private readUnavailable(): ErrorCode | null {
    return this.writeUnavailable();
  }

  private activeGroup(groupId: string): LiveGroup | undefined {
    return this.status === 'active' ? this.groups.get(groupId) : undefined;
  }

  private transition(group: LiveGroup, to: ClassicGroupState, now: number): void {
    group.previousState = group.state;
    group.state = to;
    group.stateTimestamp = now;
  }

  private heartbeatKey(group: LiveGroup, memberId: string): string {
    return `heartbeat-${group.groupId}-${memberId}`;
  }
  private pendingKey(group: LiveGroup, memberId: string): string {
    return `pending-${group.groupId}-${memberId}`;
  }
  private joinKey(group: LiveGroup): string {
    return `join-${group.groupId}`;
  }
  private syncKey(group: LiveGroup): string {
    return `sync-${group.groupId}`;
  }
}
