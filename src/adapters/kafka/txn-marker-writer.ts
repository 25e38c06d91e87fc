import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../domain/error-code';
import type { PartitionWriter } from '../../application/partition-writer';
import type { TopicService } from '../../application/topic-service';
import type { TxnMarkerSink } from '../../ports/transaction-sinks';
import { buildRecordBatch } from './record-batch/batch-builder';

/** MK-1: control record key (version 0, type ABORT=0 / COMMIT=1). */
const controlKey = (commit: boolean): Buffer => Buffer.from([0, 0, 0, commit ? 1 : 0]);

/**
 * MK-1 value: version 0 and the coordinator epoch. A single node has one coordinator incarnation per
 * MetaLog; Cohort writes coordinator epoch 0 (docs/protocol-notes.md).
 */
const CONTROL_VALUE = Buffer.from([0, 0, 0, 0, 0, 0]);

/** Writes transaction markers into the local partition logs (TX-80, single node: no WriteTxnMarkers hop). */
export class PartitionTxnMarkerSink implements TxnMarkerSink {
  constructor(
    private readonly topics: TopicService,
    private readonly writer: PartitionWriter,
    private readonly now: () => number,
  ) {}

  async writeMarker(topic: string, partition: number, producerId: bigint, producerEpoch: number, commit: boolean): Promise<'written' | 'retry' | 'dropped' | 'fenced'> {
    const pending = this.topics.partitionLog(topic, partition);
    if (pending === undefined) return 'dropped';
    let log;
    try {
      log = await pending;
    } catch {
      return 'retry';
    }
    const timestamp = BigInt(this.now());
    const records = buildRecordBatch({
      producerId,
      producerEpoch,
      baseSequence: -1,
      transactional: true,
      control: true,
      baseTimestamp: timestamp,
      records: [{ key: controlKey(commit), value: CONTROL_VALUE }],
    });
    const result = await this.writer.appendMarker(topic, partition, log, { records, producerId, producerEpoch, commit, timestamp });
    if (E.isRight(result)) return 'written';
    return result.left.code === ErrorCode.INVALID_PRODUCER_EPOCH ? 'fenced' : 'retry';
  }
}
