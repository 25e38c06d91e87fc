import { headers as natsHeaders, DeliverPolicy, type JetStreamClient, type JetStreamManager, type MsgHdrs, type NatsError } from 'nats';
import {
  DEFAULT_PARTITION_LOG_CONFIG,
  OffsetOutOfRange,
  type AppendInfo,
  type CleaningContext,
  type CleaningResult,
  type PartitionLog,
  type PartitionLogConfig,
} from '../../ports/partition-log';
import { BatchOffset, batchSizeAt } from '../kafka/record-batch/batch-header';
import { rewriteBaseOffset } from '../kafka/record-batch/batch-rewrite';
import { firstRecordAtOrAfter, maxTimestampRecord } from '../kafka/record-batch/record-timestamps';
import { planRetention } from '../partition-log/retention-plan';
import { floorMessage, MessageIndex, type StoredMessage } from './message-index';
import { HEADER_BASE_OFFSET, HEADER_LOG_END, HEADER_LOG_START, HEADER_PARTITION_OWNER, type IndexedBatch } from './partition-message';

export interface JetStreamPartitionLogOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The topic's stream (created by the store). */
  readonly stream: string;
  /** The partition's subject in that stream. */
  readonly subject: string;
  /** Written into every message's Cohort-Owner header (`<nodeId>:<lease revision>`, or a test's name). */
  readonly owner: string;
  /** Publish ack timeout: an append not acknowledged in time fails the log. */
  readonly ackTimeoutMs?: number;
  /** Largest message this log publishes (the server's max_payload less room for headers). */
  readonly maxMessageBytes?: number;
  /** Called once when the log fails (fenced, or JetStream did not acknowledge). */
  readonly onFailure?: (error: Error) => void;
  /** Bytes of the newest messages kept in memory; older ones are read from JetStream when asked for. */
  readonly cacheBytes?: number;
}

interface Waiter {
  readonly first: bigint;
  readonly resolve: (offset: bigint) => void;
  readonly reject: (err: unknown) => void;
}

type Job =
  | { readonly kind: 'data'; readonly first: bigint; readonly parts: Buffer[]; size: number; readonly waiters: Waiter[] }
  | { readonly kind: 'control'; readonly start: () => bigint; readonly resolve: (seq: number) => void; readonly reject: (err: unknown) => void };

/** Error code of a publish refused because another writer appended to the subject first. */
export const PARTITION_FENCED = 'FENCED';
export const PARTITION_UNAVAILABLE = 'EUNAVAILABLE';

/** A partition log that stopped accepting writes (fenced or unacknowledged): fail-stop, as an fsync error. */
export class PartitionLogFailed extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'PartitionLogFailed';
  }
}

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 - 4096;
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
const NO_MESSAGE = 10037;

const bigintHeader = (h: MsgHdrs | undefined, name: string): bigint | null => {
  const v = h?.get(name);
  return v === undefined || v === '' ? null : BigInt(v);
};

/**
 * PartitionLog port on one subject of a JetStream stream (docs/scale-out.md, "Partitions on
 * JetStream"). The writer assigns Kafka offsets; one message holds the batches of the appends made
 * while the previous publish was in flight (group commit), published with
 * `Nats-Expected-Last-Subject-Sequence` = the last sequence this writer stored on the subject, so a
 * deposed leader's write is refused and fails its log. An append resolves after JetStream's ack
 * (a quorum of the stream's replicas stored it). Opening reads the subject to rebuild the
 * offset → message index, then fences it with a control message.
 *
 * The leader keeps the index (offsets, timestamps, sizes: a few dozen bytes per batch) and the data
 * of the newest `cacheBytes` in memory; a read of older data fetches its messages from the stream
 * by sequence. Retention works on whole messages (a message plays a segment's role); compaction is
 * not implemented (`compact` resolves null).
 */
export class JetStreamPartitionLog implements PartitionLog {
  private config: PartitionLogConfig;
  private readonly index: MessageIndex;
  private start = 0n;
  /** Acknowledged end: the high watermark. */
  private end = 0n;
  /** Next offset to assign (ahead of `end` while appends are in flight). */
  private assigned = 0n;
  /** Last stream sequence this writer stored on (or read from) the subject. */
  private expectedLast = 0;
  private readonly queue: Job[] = [];
  private busy = false;
  private failed: PartitionLogFailed | null = null;
  private closed = false;
  private drained: Array<() => void> = [];

  private constructor(private readonly o: JetStreamPartitionLogOptions, config: Partial<PartitionLogConfig>) {
    this.config = { ...DEFAULT_PARTITION_LOG_CONFIG, ...config };
    this.index = new MessageIndex(o.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  /** Reads the subject (index rebuilt from the batch headers), then fences it; rejects if another writer stored first. */
  static async open(o: JetStreamPartitionLogOptions, config: Partial<PartitionLogConfig> = {}): Promise<JetStreamPartitionLog> {
    const log = new JetStreamPartitionLog(o, config);
    await log.load();
    await log.control();
    return log;
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** The last stream sequence this writer has stored on its subject (tests). */
  lastSequence(): number {
    return this.expectedLast;
  }

  private async load(): Promise<void> {
    let last: number;
    try {
      last = (await this.o.jsm.streams.getMessage(this.o.stream, { last_by_subj: this.o.subject })).seq;
    } catch (err) {
      if ((err as NatsError).api_error?.err_code === NO_MESSAGE || /no message found/i.test((err as Error).message)) return;
      throw err;
    }
    let markedStart = 0n;
    const consumer = await this.o.js.consumers.get(this.o.stream, { filterSubjects: this.o.subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
    let seq = 0;
    while (seq < last) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 2000, idle_heartbeat: 500 });
      let got = 0;
      for await (const m of batch) {
        got++;
        seq = m.seq;
        const start = bigintHeader(m.headers, HEADER_LOG_START);
        if (start !== null) {
          if (start > markedStart) markedStart = start;
          const end = bigintHeader(m.headers, HEADER_LOG_END) ?? 0n;
          if (end > this.end) this.end = end;
        } else if (m.data.length > 0) {
          this.push(m.seq, Buffer.from(m.data));
        }
        if (seq >= last) break;
      }
      if (got === 0) throw new PartitionLogFailed(`${this.o.subject}: no messages while reading to seq ${last}`, PARTITION_UNAVAILABLE);
    }
    this.expectedLast = last;
    this.assigned = this.end;
    this.raiseStart(markedStart > (this.index.messages[0]?.first ?? this.end) ? markedStart : this.index.messages[0]?.first ?? this.end);
  }

  private push(seq: number, data: Buffer): void {
    const msg = this.index.add(seq, data);
    if (msg !== null && msg.next > this.end) this.end = msg.next;
  }

  /** A message's data: cached, or fetched from the stream by sequence (gone: purged below the log start meanwhile). */
  private async dataOf(m: StoredMessage, offset: bigint): Promise<Buffer> {
    if (m.data !== null) return m.data;
    try {
      const sm = await this.o.jsm.streams.getMessage(this.o.stream, { seq: m.seq });
      return Buffer.from(sm.data);
    } catch (err) {
      if ((err as NatsError).api_error?.err_code === NO_MESSAGE || /no message found/i.test((err as Error).message)) throw new OffsetOutOfRange(offset, this.start, this.end);
      throw err;
    }
  }

  /** Drops whole messages below `offset` from the index and raises the start (never lowers it). */
  private raiseStart(offset: bigint): void {
    if (offset > this.start) this.start = offset;
    this.index.dropBelow(this.start);
  }

  private refusal(): Error | null {
    if (this.failed !== null) return this.failed;
    if (this.closed) return new Error(`partition log ${this.o.subject} is closed`);
    return null;
  }

  append(batches: Buffer, info: AppendInfo): Promise<bigint> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    let count = 0n;
    for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) count += BigInt(batches.readInt32BE(pos + BatchOffset.lastOffsetDelta)) + 1n;
    if (count !== BigInt(info.recordCount)) return Promise.reject(new Error(`append info says ${info.recordCount} records but the batches hold ${count}`));
    const max = this.o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    // Refused alone, without failing the log: nothing was assigned or published.
    if (batches.length > max) return Promise.reject(new Error(`append of ${batches.length} bytes exceeds the largest JetStream message (${max})`));
    const owned = Buffer.from(batches);
    const first = this.assigned;
    let next = first;
    for (let pos = 0; pos < owned.length; ) {
      rewriteBaseOffset(owned, pos, next);
      next += BigInt(owned.readInt32BE(pos + BatchOffset.lastOffsetDelta)) + 1n;
      pos += batchSizeAt(owned, pos);
    }
    this.assigned = next;
    return new Promise<bigint>((resolve, reject) => {
      const tail = this.queue[this.queue.length - 1];
      // Group commit: appends made while a publish is in flight share the next message.
      if (tail !== undefined && tail.kind === 'data' && tail.size + owned.length <= max) {
        tail.parts.push(owned);
        tail.size += owned.length;
        tail.waiters.push({ first, resolve, reject });
      } else {
        this.queue.push({ kind: 'data', first, parts: [owned], size: owned.length, waiters: [{ first, resolve, reject }] });
      }
      this.pump();
    });
  }

  /** Publishes a control message (fence, or a raised log start) after every queued append; resolves with its sequence. */
  private control(start: () => bigint = () => this.start): Promise<number> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ kind: 'control', start, resolve, reject });
      this.pump();
    });
  }

  /** One publish at a time: the next one must expect the sequence the previous one was stored at. */
  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (job === undefined) {
      const waiting = this.drained;
      this.drained = [];
      waiting.forEach((w) => w());
      return;
    }
    this.busy = true;
    const h = natsHeaders();
    h.set(HEADER_PARTITION_OWNER, this.o.owner);
    let data: Buffer;
    if (job.kind === 'data') {
      h.set(HEADER_BASE_OFFSET, String(job.first));
      data = job.parts.length === 1 ? job.parts[0]! : Buffer.concat(job.parts, job.size);
    } else {
      h.set(HEADER_LOG_START, String(job.start()));
      h.set(HEADER_LOG_END, String(this.end));
      data = Buffer.alloc(0);
    }
    const expect = this.expectedLast;
    const failure = this.failed;
    const publish = failure !== null
      ? Promise.reject(failure)
      : this.o.js.publish(this.o.subject, data, { headers: h, expect: { lastSubjectSequence: expect }, timeout: this.o.ackTimeoutMs ?? 5000 });
    publish.then(
      (ack) => {
        this.expectedLast = ack.seq;
        if (job.kind === 'data') {
          this.push(ack.seq, data);
          job.waiters.forEach((w) => w.resolve(w.first));
        } else {
          job.resolve(ack.seq);
        }
      },
      (err: NatsError) => {
        const error = this.fail(err);
        if (job.kind === 'data') job.waiters.forEach((w) => w.reject(error));
        else job.reject(error);
      },
    ).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private fail(err: NatsError | PartitionLogFailed): PartitionLogFailed {
    if (this.failed === null) {
      const fenced = err instanceof PartitionLogFailed ? err.code === PARTITION_FENCED : err.api_error?.err_code === 10071 || /wrong last sequence/i.test(err.message);
      this.failed = err instanceof PartitionLogFailed
        ? err
        : new PartitionLogFailed(`${this.o.subject}: ${fenced ? 'fenced, another leader wrote first' : `JetStream did not store the append: ${err.message}`}`, fenced ? PARTITION_FENCED : PARTITION_UNAVAILABLE);
      this.o.onFailure?.(this.failed);
    }
    return this.failed;
  }

  async read(offset: bigint, maxBytes: number): Promise<Buffer> {
    if (offset < this.start || offset > this.end) throw new OffsetOutOfRange(offset, this.start, this.end);
    if (offset === this.end) return Buffer.alloc(0);
    // Only what was acknowledged when the read began (a later append may land meanwhile).
    const messages = this.index.messages;
    const end = this.end;
    const out: Buffer[] = [];
    let bytes = 0;
    for (let i = Math.max(0, floorMessage(messages, offset)); i < messages.length; i++) {
      const m = messages[i]!;
      if (m.first >= end) break;
      let data: Buffer | null = null;
      for (const b of m.batches) {
        if (b.last < offset) continue;
        if (out.length > 0 && bytes + b.size > maxBytes) return Buffer.concat(out, bytes);
        data ??= await this.dataOf(m, offset);
        out.push(data.subarray(b.position, b.position + b.size));
        bytes += b.size;
      }
    }
    return Buffer.concat(out, bytes);
  }

  logStartOffset(): bigint {
    return this.start;
  }

  logEndOffset(): bigint {
    return this.end;
  }

  async offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    for (const m of this.index.messages) {
      if (m.largestTimestamp < timestamp) continue;
      for (const b of m.batches) {
        if (b.maxTimestamp < timestamp || b.last < this.start) continue;
        const hit = firstRecordAtOrAfter(await this.dataOf(m, b.base), b.position, timestamp);
        if (hit !== null) return hit;
      }
    }
    return null;
  }

  async maxTimestamp(): Promise<{ offset: bigint; timestamp: bigint } | null> {
    let best: { m: StoredMessage; b: IndexedBatch } | null = null;
    for (const m of this.index.messages) for (const b of m.batches) if (best === null || b.maxTimestamp > best.b.maxTimestamp) best = { m, b };
    return best === null ? null : maxTimestampRecord(await this.dataOf(best.m, best.b.base), best.b.position);
  }

  /** retention.ms / retention.bytes over whole messages (a message plays a segment's role). */
  async applyRetention(nowMs: number): Promise<bigint> {
    if (!this.config.cleanupDelete || this.index.messages.length === 0) return this.start;
    // The trailing empty "active segment" keeps planRetention's rule that the log end survives.
    const count = planRetention([...this.index.messages, { size: 0, largestTimestamp: -1n }], this.config, nowMs);
    if (count === 0) return this.start;
    const to = count >= this.index.messages.length ? this.end : this.index.messages[count]!.first;
    return this.truncateBefore(to);
  }

  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    if (offset > this.end) return Promise.reject(new OffsetOutOfRange(offset, this.start, this.end));
    if (offset <= this.start) return Promise.resolve(this.start);
    return this.truncateBefore(offset);
  }

  /**
   * Raises the log start durably (a control message stating it, acknowledged like an append), then
   * purges the subject's messages wholly below it. The purge is not fenced, but it only removes what
   * the acknowledged control message already declared deleted.
   */
  private async truncateBefore(offset: bigint): Promise<bigint> {
    const raised = (): bigint => (offset > this.start ? offset : this.start);
    const seq = await this.control(raised);
    this.raiseStart(raised());
    const keep = this.index.messages[0]?.seq ?? seq;
    await this.o.jsm.streams.purge(this.o.stream, { filter: this.o.subject, seq: keep });
    return this.start;
  }

  compact(_ctx: CleaningContext): Promise<CleaningResult | null> {
    // Not implemented on JetStream (docs/scale-out.md): a compacted topic keeps every record.
    return Promise.resolve(null);
  }

  reconfigure(config: Partial<PartitionLogConfig>): void {
    this.config = { ...this.config, ...config };
  }

  sizeInBytes(): number {
    return this.index.sizeInBytes;
  }

  /** Waits for queued publishes (they resolve or reject), then refuses further appends. */
  async close(): Promise<void> {
    if (this.busy || this.queue.length > 0) await new Promise<void>((r) => this.drained.push(r));
    this.closed = true;
  }
}
