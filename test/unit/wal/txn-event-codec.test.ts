import { ByteReader } from '../../../src/adapters/wal/byte-reader';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { decodeEvent, encodeEvent } from '../../../src/adapters/wal/event-codecs';
import { ValueDecoder, ValueEncoder } from '../../../src/adapters/wal/value-codec';
import type { MetaEvent } from '../../../src/domain/meta-event';
import type { TxnEvent } from '../../../src/domain/transaction/events';

/** EV-2…EV-4: every transaction event (and the snapshot form) round-trips through the MetaLog encoding. */
describe('transaction events in the MetaLog encoding', () => {
  it('EV-3 every TxnEvent round-trips exactly, bigints included', () => {
    const events: TxnEvent[] = [
      { type: 'ProducerIdBlockAllocated', firstProducerId: 9007199254740993n, size: 1000 },
      { type: 'TxnProducerInitialized', txnId: 'tx', producerId: 1000n, previousProducerId: -1n, producerEpoch: 0, lastProducerEpoch: -1, timeoutMs: 60000, at: 1_700_000_000_000 },
      { type: 'TxnPartitionsAdded', txnId: 'tx', partitions: [{ topic: 'a', partition: 0 }, { topic: '__consumer_offsets', partition: 12 }], at: 1 },
      { type: 'TxnOffsetsCommitted', txnId: 'tx', offsets: [{ groupId: 'g', topic: 'in', partition: 0, offset: 42, leaderEpoch: -1, metadata: '', commitTimestamp: 5 }], at: 2 },
      { type: 'TxnCommitPrepared', txnId: 'tx', at: 3 },
      { type: 'TxnAbortPrepared', txnId: 'tx', producerEpoch: 32767, at: 4 },
      { type: 'TxnCompleted', txnId: 'tx', at: 5 },
      { type: 'TxnIdExpired', txnId: 'tx' },
      { type: 'TxnOffsetsDropped', groupId: 'g', partitions: [{ topic: 'in', partition: 0 }] },
      { type: 'TxnOffsetsDropped', groupId: 'g', partitions: null },
      {
        type: 'TxnRestored',
        txn: {
          txnId: 'tx', producerId: 7n, previousProducerId: 3n, producerEpoch: 2, lastProducerEpoch: -1, timeoutMs: 100, state: 'Ongoing',
          partitions: [{ topic: 'a', partition: 1 }], pendingOffsets: [{ groupId: 'g', topic: 'in', partition: 0, offset: 1, leaderEpoch: 2, metadata: 'm', commitTimestamp: 3 }],
          startTs: 10, lastUpdateTs: 11,
        },
      },
    ];
    const out = new ByteWriter();
    const enc = new ValueEncoder();
    for (const e of events) encodeEvent(out, enc, e as MetaEvent);
    const buf = out.view8().slice(0, out.length);
    const r = new ByteReader(buf, 0, buf.length);
    const dec = new ValueDecoder();
    expect(events.map(() => decodeEvent(r, dec))).toEqual(events);
  });
});
