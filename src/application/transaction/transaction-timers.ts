import { decideExpiredTxnIds, decideTimedOutAborts } from '../../domain/transaction/decide-txn-requests';
import { isExpirable } from '../../domain/transaction/txn-metadata';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Scheduler } from '../../ports/scheduler';
import type { TransactionCompletion } from './transaction-completion';
import type { TransactionCoordinator } from './transaction-coordinator';

const ABORT_KEY = 'txn-abort-timed-out';
const EXPIRE_KEY = 'txn-remove-expired';
const PRODUCER_EXPIRY_KEY = 'producer-id-expiration';

/**
 * The coordinator's two jobs: abort transactions past their timeout (TX-59, with an epoch fence)
 * and forget transactional ids idle longer than transactional.id.expiration.ms (TX-60).
 */
export class TransactionTimers {
  private stopped = false;

  constructor(
    private readonly coordinator: TransactionCoordinator,
    private readonly completion: TransactionCompletion,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** PS-10: the partition writer's producer-state expiry, run every `everyMs`. */
    private readonly producerExpiry: { readonly everyMs: number; run(): void } | null = null,
  ) {}

  start(): void {
    this.stopped = false;
    this.arm(ABORT_KEY, this.coordinator.config.abortTimedOutIntervalMs, () => this.abortTimedOut());
    this.arm(EXPIRE_KEY, this.coordinator.config.removeExpiredIntervalMs, () => this.removeExpired());
    const expiry = this.producerExpiry;
    if (expiry !== null) this.arm(PRODUCER_EXPIRY_KEY, expiry.everyMs, async () => expiry.run());
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.cancel(ABORT_KEY);
    this.scheduler.cancel(EXPIRE_KEY);
    this.scheduler.cancel(PRODUCER_EXPIRY_KEY);
  }

  private arm(key: string, everyMs: number, job: () => Promise<void>): void {
    this.scheduler.schedule(key, everyMs, () => {
      void job()
        .catch((err: Error) => this.log.error({ err: err.message, job: key }, 'transaction job failed'))
        .finally(() => {
          if (!this.stopped) this.arm(key, everyMs, job);
        });
    });
  }

  /** TX-59: one pass of the timeout-abort job. */
  async abortTimedOut(): Promise<void> {
    if (!this.coordinator.isActive()) return;
    const events = decideTimedOutAborts({ txns: this.coordinator.txns, producerIdEnd: 0n }, this.clock.now(), (id) => this.coordinator.isPending(id));
    for (const e of events) {
      if (e.type !== 'TxnAbortPrepared') continue;
      const current = this.coordinator.txn(e.txnId);
      if (current?.state !== 'Ongoing' || this.coordinator.isPending(e.txnId)) continue; // changed meanwhile: next tick
      const ok = await this.coordinator.withPending(e.txnId, async () => {
        await this.coordinator.write([e]);
        return true;
      }, () => false);
      if (ok) {
        this.log.info({ txnId: e.txnId }, 'transaction timed out: aborting');
        this.completion.start(e.txnId);
      }
    }
  }

  /** TX-60: one pass of the transactional-id expiration job. */
  async removeExpired(): Promise<void> {
    if (!this.coordinator.isActive()) return;
    const events = decideExpiredTxnIds({ txns: this.coordinator.txns, producerIdEnd: 0n }, this.clock.now(), this.coordinator.config.idExpirationMs, (id) => this.coordinator.isPending(id));
    for (const e of events) {
      if (e.type !== 'TxnIdExpired') continue;
      const current = this.coordinator.txn(e.txnId);
      if (current === undefined || !isExpirable(current) || this.coordinator.isPending(e.txnId)) continue;
      await this.coordinator.withPending(e.txnId, async () => {
        await this.coordinator.write([e]);
        return true;
      }, () => false);
    }
  }
}
