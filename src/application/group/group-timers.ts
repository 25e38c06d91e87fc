import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import type { InitialDelayArm } from '../../domain/group/decide-join-completion';
import type { Scheduler } from '../../ports/scheduler';
import { TYPES } from '../../ports/symbols';

/** What happens when a timer of the classic protocol fires (CG-46…CG-50, OF-20). */
export interface GroupTimerHandlers {
  onSessionExpired(groupId: string, memberId: string): void;
  onPendingExpired(groupId: string, memberId: string): void;
  onJoinDeadline(groupId: string): void;
  onInitialDelay(groupId: string, armed: InitialDelayArm): void;
  onSyncDeadline(groupId: string, generation: number): void;
  onExpiryCheck(): void;
  /** KC-28: a KIP-848 member's session expired. */
  onConsumerSessionExpired(groupId: string, memberId: string): void;
  /** KC-26: a KIP-848 member did not revoke within its rebalance timeout (armed at `epoch`). */
  onRebalanceExpired(groupId: string, memberId: string, epoch: number): void;
  /** KC-62: a classic member of a KIP-848 group told to rejoin did not (join) or did not sync after joining. */
  onClassicMemberDeadline(groupId: string, memberId: string, phase: 'JoinTimeout' | 'SyncTimeout'): void;
}

const EXPIRY_KEY = 'offsets-expiry';

/** One group's classic session deadlines (memberId → deadline on the Scheduler's clock) behind one timer. */
interface SessionTable {
  readonly deadlines: Map<string, number>;
  /** Deadline the group's sweep timer is armed for; Infinity when none is. */
  armedAt: number;
}

/**
 * Every timer of the coordinator goes through the Scheduler port under one key scheme (Kafka's
 * `heartbeat-<group>-<member>` and friends). Timers are soft state (PE-10): nothing here survives a
 * restart; the loader re-arms sessions after replay (PE-11). The handlers are connected once, by
 * the service that implements them.
 */
@injectable()
export class GroupTimers {
  private handlers: GroupTimerHandlers | null = null;
  /** Classic session deadlines by group (soft state, PE-10: re-armed by the loader after replay). */
  private readonly sessions = new Map<string, SessionTable>();

  constructor(@inject(TYPES.Scheduler) private readonly scheduler: Scheduler) {}

  route(handlers: GroupTimerHandlers): void {
    this.handlers = handlers;
  }

  /**
   * CG-46: (re)arms a classic member's session. The deadline goes into its group's session table, and
   * the group's one Scheduler timer is pulled earlier when this deadline is the group's first (issue
   * 14, C5: a Scheduler timer per member held a key string, an entry, a closure and its context,
   * ~300 B per member; a table slot is a Map entry and a number).
   */
  armSession(groupId: string, memberId: string, timeoutMs: number): void {
    let table = this.sessions.get(groupId);
    if (table === undefined) {
      table = { deadlines: new Map(), armedAt: Infinity };
      this.sessions.set(groupId, table);
    }
    const now = this.scheduler.now();
    // Whole milliseconds, rounded up (never earlier than the timeout): the monotonic clock is
    // fractional, and a fractional number in a Map slot is a 16-byte heap number per member, made
    // again on every heartbeat; a whole one is stored in the slot itself (issue 14, C5).
    const deadline = Math.ceil(now + Math.max(0, timeoutMs));
    // Set in place (no delete + set): a Map that churns on every heartbeat doubles its table.
    table.deadlines.set(memberId, deadline);
    if (deadline < table.armedAt) this.armSweep(groupId, table, deadline, now);
  }

  cancelSession(groupId: string, memberId: string): void {
    const table = this.sessions.get(groupId);
    if (table === undefined || !table.deadlines.delete(memberId)) return;
    // A later first deadline needs no re-arming: an early sweep finds nothing due and re-arms.
    if (table.deadlines.size === 0) {
      this.sessions.delete(groupId);
      this.scheduler.cancel(sessionSweepKey(groupId));
    }
  }

  /** The session deadline of a classic member on the Scheduler's clock, or undefined if none is armed (tests). */
  sessionDeadline(groupId: string, memberId: string): number | undefined {
    return this.sessions.get(groupId)?.deadlines.get(memberId);
  }

  private armSweep(groupId: string, table: SessionTable, deadline: number, now: number): void {
    table.armedAt = deadline;
    this.scheduler.schedule(sessionSweepKey(groupId), deadline - now, () => this.sweepSessions(groupId));
  }

  /** The group's first session deadline came: expire every member due, earliest first; re-arm for the rest. */
  private sweepSessions(groupId: string): void {
    const table = this.sessions.get(groupId);
    if (table === undefined) return;
    table.armedAt = Infinity;
    const now = this.scheduler.now();
    const due: Array<{ memberId: string; deadline: number }> = [];
    for (const [memberId, deadline] of table.deadlines) if (deadline <= now) due.push({ memberId, deadline });
    due.sort((a, b) => a.deadline - b.deadline); // stable: equal deadlines in the order members were first armed
    for (const d of due) {
      // An earlier expiry's handler may have re-armed (a new deadline) or cancelled this session.
      const t = this.sessions.get(groupId);
      if (t === undefined || t.deadlines.get(d.memberId) !== d.deadline) continue;
      t.deadlines.delete(d.memberId);
      if (t.deadlines.size === 0) {
        this.sessions.delete(groupId);
        this.scheduler.cancel(sessionSweepKey(groupId));
      }
      this.handlers?.onSessionExpired(groupId, d.memberId);
    }
    const rest = this.sessions.get(groupId);
    if (rest === undefined) return;
    let next = Infinity;
    for (const deadline of rest.deadlines.values()) if (deadline < next) next = deadline;
    if (next < rest.armedAt) this.armSweep(groupId, rest, next, this.scheduler.now());
  }

  armPending(groupId: string, memberId: string, timeoutMs: number): void {
    this.scheduler.schedule(`pending-${groupId}-${memberId}`, timeoutMs, () => this.handlers?.onPendingExpired(groupId, memberId));
  }

  cancelPending(groupId: string, memberId: string): void {
    this.scheduler.cancel(`pending-${groupId}-${memberId}`);
  }

  armJoin(groupId: string, delayMs: number): void {
    this.scheduler.schedule(`join-${groupId}`, delayMs, () => this.handlers?.onJoinDeadline(groupId));
  }

  armInitialDelay(groupId: string, delayMs: number, armed: InitialDelayArm): void {
    this.scheduler.schedule(`join-${groupId}`, delayMs, () => this.handlers?.onInitialDelay(groupId, armed));
  }

  cancelJoin(groupId: string): void {
    this.scheduler.cancel(`join-${groupId}`);
  }

  armSync(groupId: string, generation: number, delayMs: number): void {
    this.scheduler.schedule(`sync-${groupId}`, delayMs, () => this.handlers?.onSyncDeadline(groupId, generation));
  }

  cancelSync(groupId: string): void {
    this.scheduler.cancel(`sync-${groupId}`);
  }

  /** KC-28: Kafka's `consumer-group-session-timeout-<group>-<member>`. */
  armConsumerSession(groupId: string, memberId: string, timeoutMs: number): void {
    this.scheduler.schedule(consumerSessionKey(groupId, memberId), timeoutMs, () => this.handlers?.onConsumerSessionExpired(groupId, memberId));
  }

  cancelConsumerSession(groupId: string, memberId: string): void {
    this.scheduler.cancel(consumerSessionKey(groupId, memberId));
  }

  /** KC-26: Kafka's `consumer-group-rebalance-timeout-<group>-<member>`. */
  armRebalance(groupId: string, memberId: string, epoch: number, timeoutMs: number): void {
    this.scheduler.schedule(`consumer-group-rebalance-timeout-${groupId}-${memberId}`, timeoutMs, () => this.handlers?.onRebalanceExpired(groupId, memberId, epoch));
  }

  cancelRebalance(groupId: string, memberId: string): void {
    this.scheduler.cancel(`consumer-group-rebalance-timeout-${groupId}-${memberId}`);
  }

  /** KC-62: Kafka's `consumer-group-join-timeout-…` (armed only if absent) and `consumer-group-sync-timeout-…`. */
  armClassicMemberDeadline(groupId: string, memberId: string, phase: 'JoinTimeout' | 'SyncTimeout', timeoutMs: number, onlyIfAbsent = false): void {
    const key = `consumer-group-${phase === 'JoinTimeout' ? 'join' : 'sync'}-timeout-${groupId}-${memberId}`;
    if (onlyIfAbsent && this.scheduler.isScheduled(key)) return;
    this.scheduler.schedule(key, timeoutMs, () => this.handlers?.onClassicMemberDeadline(groupId, memberId, phase));
  }

  cancelClassicMemberDeadline(groupId: string, memberId: string, phase: 'JoinTimeout' | 'SyncTimeout'): void {
    this.scheduler.cancel(`consumer-group-${phase === 'JoinTimeout' ? 'join' : 'sync'}-timeout-${groupId}-${memberId}`);
  }

  armExpiryCheck(intervalMs: number): void {
    this.scheduler.schedule(EXPIRY_KEY, intervalMs, () => this.handlers?.onExpiryCheck());
  }

  cancelExpiryCheck(): void {
    this.scheduler.cancel(EXPIRY_KEY);
  }
}

/** The key of a group's session sweep: the timer of its members' sessions (Kafka arms `heartbeat-<group>-<member>` per member). */
export const sessionSweepKey = (groupId: string): string => `heartbeat-${groupId}`;

/** The session timer key of a KIP-848 member (tests read its deadline). */
export const consumerSessionKey = (groupId: string, memberId: string): string => `consumer-group-session-timeout-${groupId}-${memberId}`;
