import type { PendingTxnOffset } from '../domain/transaction/txn-metadata';

/**
 * Where the transaction coordinator writes its markers (TX-80…TX-83): one COMMIT/ABORT control batch
 * per data partition of a decided transaction. Resolves once the marker is durable:
 * - `written`: the partition is done (TX-82 NONE);
 * - `retry`: a transient failure, send again later;
 * - `dropped`: the partition no longer exists (TX-83: a deleted topic counts as done);
 * - `fenced`: the partition knows a newer epoch (INVALID_PRODUCER_EPOCH): stop, no completion.
 */
export interface TxnMarkerSink {
  writeMarker(topic: string, partition: number, producerId: bigint, producerEpoch: number, commit: boolean): Promise<'written' | 'retry' | 'dropped' | 'fenced'>;
}

/** TO-5: the group coordinator's side of a committed transaction: its offsets become committed offsets. */
export interface TxnOffsetSink {
  /** Resolves true once the offsets are durable committed offsets of their groups. */
  materialize(offsets: readonly PendingTxnOffset[]): Promise<boolean>;
}

/** DI symbols: the composition root binds the marker sink to the partition-log adapter. */
export const TXN_MARKER_SINK = Symbol.for('TxnMarkerSink');
