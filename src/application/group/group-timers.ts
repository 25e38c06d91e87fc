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

/**
 * Every timer of the coordinator goes through the Scheduler port under one key scheme (Kafka's
 * `heartbeat-<group>-<member>` and friends). Timers are soft state (PE-10): nothing here survives a
 * restart; the loader re-arms sessions after replay (PE-11). The handlers are connected once, by
 * the service that implements them.
 */
@injectable()
export class GroupTimers {
  private handlers: GroupTimerHandlers | null = null;

  constructor(@inject(TYPES.Scheduler) private readonly scheduler: Scheduler) {}

  route(handlers: GroupTimerHandlers): void {
    this.handlers = handlers;
  }

  armSession(groupId: string, memberId: string, timeoutMs: number): void {
    this.scheduler.schedule(sessionKey(groupId, memberId), timeoutMs, () => this.handlers?.onSessionExpired(groupId, memberId));
  }

  cancelSession(groupId: string, memberId: string): void {
    this.scheduler.cancel(sessionKey(groupId, memberId));
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

/** The session timer key of a member (tests read its deadline). */
export const sessionKey = (groupId: string, memberId: string): string => `heartbeat-${groupId}-${memberId}`;

/** The session timer key of a KIP-848 member (tests read its deadline). */
export const consumerSessionKey = (groupId: string, memberId: string): string => `consumer-group-session-timeout-${groupId}-${memberId}`;
