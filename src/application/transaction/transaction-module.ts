import { ContainerModule } from 'inversify';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetaLog } from '../../ports/meta-log';
import type { Scheduler } from '../../ports/scheduler';
import { TYPES } from '../../ports/symbols';
import { TXN_MARKER_SINK, type TxnMarkerSink } from '../../ports/transaction-sinks';
import { GroupCoordinator } from '../group-coordinator';
import { PartitionWriter } from '../partition-writer';
import { TransactionCompletion } from './transaction-completion';
import { TransactionCoordinator, type TransactionCoordinatorConfig } from './transaction-coordinator';
import { TransactionTimers } from './transaction-timers';

/** The coordinator's settings (transactions spec §8) plus producer-state expiry (PS-10). */
export interface TransactionSettings extends TransactionCoordinatorConfig {
  readonly producerIdExpirationMs: number;
  readonly producerIdExpirationCheckIntervalMs: number;
}

export const TRANSACTION_SETTINGS = Symbol.for('TransactionSettings');

/**
 * The transaction coordinator's services as one inversify module: bind the ports (Clock, Scheduler,
 * MetaLog, Logger, TXN_MARKER_SINK), TRANSACTION_SETTINGS, PartitionWriter and GroupCoordinator, load
 * this. Resolving TransactionCompletion connects the coordinator to its markers, the groups to the
 * pending offsets (TO-5, TO-6) and the partition writer to the hanging-transaction repair (EV-8).
 */
export const transactionModule = new ContainerModule(({ bind }) => {
  bind(TransactionCoordinator)
    .toDynamicValue((ctx) => new TransactionCoordinator(
      ctx.get<MetaLog>(TYPES.MetaLog),
      ctx.get<Clock>(TYPES.Clock),
      ctx.get<TransactionSettings>(TRANSACTION_SETTINGS),
      ctx.get<Logger>(TYPES.Logger).child({ component: 'txn-coordinator' }),
    ))
    .inSingletonScope();
  bind(TransactionCompletion)
    .toDynamicValue((ctx) => {
      const txns = ctx.get(TransactionCoordinator);
      const groups = ctx.get(GroupCoordinator);
      const clock = ctx.get<Clock>(TYPES.Clock);
      const completion = new TransactionCompletion(
        txns,
        ctx.get<TxnMarkerSink>(TXN_MARKER_SINK),
        { materialize: (offsets) => groups.materializeTxnOffsets(offsets) },
        ctx.get<Scheduler>(TYPES.Scheduler),
        clock,
        ctx.get<Logger>(TYPES.Logger).child({ component: 'txn-coordinator' }),
      );
      txns.setCompletion((txnId) => completion.start(txnId));
      groups.setPendingTxnOffsets((groupId, topic, partition) => txns.hasPendingOffset(groupId, topic, partition));
      ctx.get(PartitionWriter).setRebuiltListener((topic, partition, open) => void completion.abortHanging(topic, partition, open));
      return completion;
    })
    .inSingletonScope();
  bind(TransactionTimers)
    .toDynamicValue((ctx) => {
      const settings = ctx.get<TransactionSettings>(TRANSACTION_SETTINGS);
      const writer = ctx.get(PartitionWriter);
      const clock = ctx.get<Clock>(TYPES.Clock);
      return new TransactionTimers(
        ctx.get(TransactionCoordinator),
        ctx.get(TransactionCompletion),
        ctx.get<Scheduler>(TYPES.Scheduler),
        clock,
        ctx.get<Logger>(TYPES.Logger).child({ component: 'txn-coordinator' }),
        { everyMs: settings.producerIdExpirationCheckIntervalMs, run: () => writer.expireProducers(clock.now(), settings.producerIdExpirationMs) },
      );
    })
    .inSingletonScope();
});
