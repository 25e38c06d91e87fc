import { TransactionCoordinator, DEFAULT_TRANSACTION_CONFIG, type TransactionCoordinatorConfig } from '../../../src/application/transaction/transaction-coordinator';
import { TransactionCompletion } from '../../../src/application/transaction/transaction-completion';
import { TransactionTimers } from '../../../src/application/transaction/transaction-timers';
import type { PendingTxnOffset } from '../../../src/domain/transaction/txn-metadata';
import type { TxnMarkerSink } from '../../../src/ports/transaction-sinks';
import type { Logger } from '../../../src/ports/logger';
import { isTxnEvent } from '../../../src/domain/transaction/events';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';
import { FakeClock } from '../../fakes/fake-clock';

export const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export interface Marker {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
}

/** A coordinator over an in-memory MetaLog, a fake clock and a recording marker sink. */
export class TxnHarness {
  readonly markers: Marker[] = [];
  readonly materialized: PendingTxnOffset[] = [];
  markerResult: 'written' | 'retry' | 'dropped' | 'fenced' = 'written';
  readonly coordinator: TransactionCoordinator;
  readonly completion: TransactionCompletion;
  readonly timers: TransactionTimers;

  constructor(
    readonly log = new MemoryMetaLog(),
    readonly clock = new FakeClock(),
    config: Partial<TransactionCoordinatorConfig> = {},
    load = true,
  ) {
    this.coordinator = new TransactionCoordinator(log, clock, { ...DEFAULT_TRANSACTION_CONFIG, ...config }, silent);
    const sink: TxnMarkerSink = {
      writeMarker: async (topic, partition, producerId, producerEpoch, commit) => {
        if (this.markerResult === 'written') this.markers.push({ topic, partition, producerId, producerEpoch, commit });
        return this.markerResult;
      },
    };
    this.completion = new TransactionCompletion(this.coordinator, sink, { materialize: async (o) => { this.materialized.push(...o); return true; } }, clock, clock, silent);
    this.coordinator.setCompletion((id) => this.completion.start(id));
    this.timers = new TransactionTimers(this.coordinator, this.completion, clock, clock, silent);
    if (load) this.coordinator.completeLoad();
  }

  /** A new coordinator that replays this one's durable events (a restart). */
  async restart(config: Partial<TransactionCoordinatorConfig> = {}): Promise<TxnHarness> {
    const next = new TxnHarness(this.log, this.clock, config, false);
    await this.log.replay(0, (e) => {
      if (isTxnEvent(e)) next.coordinator.applyReplayed(e);
    });
    next.coordinator.completeLoad();
    await settle();
    return next;
  }

  async init(txnId: string, timeoutMs = 60000, producerId = -1n, producerEpoch = -1) {
    const r = await this.coordinator.initProducerId(txnId, timeoutMs, producerId, producerEpoch);
    await settle();
    return r;
  }

  state(txnId: string) {
    return this.coordinator.txn(txnId)?.state;
  }
}

/** Lets promise chains (appends, completions) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};
