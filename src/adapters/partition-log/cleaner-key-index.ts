import { Attribute, BatchOffset } from '../kafka/record-batch/batch-header';
import { ControlType, controlTypeOf, decodeRawRecords } from '../kafka/record-batch/batch-records';

/** How the cleaner must treat a transactional batch: its transaction's outcome as far as the scan saw. */
export type TxnOutcome = 'committed' | 'aborted' | 'undecided';

interface OpenTxn {
  readonly first: bigint;
  readonly entries: Array<readonly [string, bigint]>;
}

/** Rough heap cost of one map entry besides its key bytes (Map slot, string header, bigint). */
const ENTRY_OVERHEAD = 80;

/** A key as a Map key: latin1 maps each byte to one UTF-16 unit, so distinct keys stay distinct. */
export const mapKey = (key: Buffer): string => key.toString('latin1');

/**
 * The first pass of a cleaning (Kafka's buildOffsetMap): the offset of the latest record of every
 * key in the range being cleaned, and the outcome of every transaction met there.
 *
 * - Records of non-transactional batches enter the map at once.
 * - Records of a transactional batch wait with their producer's open transaction: a COMMIT marker
 *   adds them, an ABORT marker drops them and remembers the aborted span (its records are removed,
 *   as Kafka's cleaner removes aborted data). A transaction with no marker inside the range is
 *   *undecided*: its records never enter the map and its batches are kept whole.
 * - A batch whose codec the broker cannot inflate (snappy, lz4, zstd) is *opaque*: kept whole, its
 *   keys unknown. Its offset is remembered so that no tombstone after it is ever removed (a removed
 *   tombstone could otherwise let an older value inside the opaque batch reappear).
 * Exact keys are stored (not hashes like Kafka's 16-byte MD5), so a collision can never drop a record.
 */
export class CleanerKeyIndex {
  readonly latest = new Map<string, bigint>();
  /** Base offset of the last data batch of each producer (Kafka keeps it, emptied if need be: RETAIN_EMPTY). */
  readonly lastBatchOfProducer = new Map<bigint, bigint>();
  /** Lowest offset of an opaque or undecided batch: tombstones at or after it are kept. */
  firstUnsafeOffset: bigint | null = null;
  private readonly open = new Map<bigint, OpenTxn>();
  private readonly aborted = new Map<bigint, Array<readonly [bigint, bigint]>>();
  private readonly undecided = new Map<bigint, bigint>();
  private bytes = 0;

  /** Estimated heap held by the map (Kafka's log.cleaner.dedupe.buffer.size bounds the same thing). */
  get approximateBytes(): number {
    return this.bytes;
  }

  /** Folds one whole batch of the range, in offset order. */
  add(batch: Buffer): void {
    const base = batch.readBigInt64BE(BatchOffset.baseOffset);
    const attrs = batch.readInt16BE(BatchOffset.attributes);
    const pid = batch.readBigInt64BE(BatchOffset.producerId);
    if ((attrs & Attribute.control) !== 0) {
      this.closeTxn(pid, base, controlTypeOf(batch));
      return;
    }
    // Kafka keeps each producer's last *data* batch (its lastDataOffset); markers are kept anyway.
    if (pid >= 0n) this.lastBatchOfProducer.set(pid, base);
    const records = decodeRawRecords(batch);
    if (records === null) {
      this.markUnsafe(base);
      return;
    }
    const txn = (attrs & Attribute.transactional) !== 0 ? this.openTxn(pid, base) : null;
    for (const r of records) {
      if (r.key === null) continue;
      const offset = base + BigInt(r.offsetDelta);
      const k = mapKey(r.key);
      if (txn !== null) txn.entries.push([k, offset]);
      else this.put(k, offset);
    }
  }

  /** Ends the scan: transactions still open are undecided from their first offset on. */
  finish(): void {
    for (const [pid, txn] of this.open) {
      this.undecided.set(pid, txn.first);
      this.markUnsafe(txn.first);
    }
    this.open.clear();
  }

  /** The outcome of the transaction holding the transactional batch of `pid` at `offset`. */
  outcome(pid: bigint, offset: bigint): TxnOutcome {
    const from = this.undecided.get(pid);
    if (from !== undefined && offset >= from) return 'undecided';
    for (const [first, marker] of this.aborted.get(pid) ?? []) if (offset >= first && offset < marker) return 'aborted';
    return 'committed';
  }

  private openTxn(pid: bigint, base: bigint): OpenTxn {
    let txn = this.open.get(pid);
    if (txn === undefined) {
      txn = { first: base, entries: [] };
      this.open.set(pid, txn);
    }
    return txn;
  }

  private closeTxn(pid: bigint, markerOffset: bigint, type: number | null): void {
    const txn = this.open.get(pid);
    if (txn === undefined) return;
    this.open.delete(pid);
    if (type === ControlType.COMMIT) {
      for (const [k, o] of txn.entries) this.put(k, o);
    } else if (type === ControlType.ABORT) {
      let spans = this.aborted.get(pid);
      if (spans === undefined) this.aborted.set(pid, (spans = []));
      spans.push([txn.first, markerOffset]);
    } else {
      // A marker the broker cannot read: treat the transaction as undecided (kept whole).
      this.undecided.set(pid, txn.first);
      this.markUnsafe(txn.first);
    }
  }

  private put(k: string, offset: bigint): void {
    const had = this.latest.get(k);
    if (had === undefined) this.bytes += k.length + ENTRY_OVERHEAD;
    if (had === undefined || offset > had) this.latest.set(k, offset);
  }

  private markUnsafe(offset: bigint): void {
    if (this.firstUnsafeOffset === null || offset < this.firstUnsafeOffset) this.firstUnsafeOffset = offset;
  }
}
