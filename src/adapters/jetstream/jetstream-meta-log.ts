import { headers as natsHeaders, DeliverPolicy, StorageType, type JetStreamClient, type JetStreamManager, type NatsError } from 'nats';
import type { MetaEvent } from '../../domain/meta-event';
import { MetaLogError, type LogPosition, type MetaLog } from '../../ports/meta-log';
import { HEADER_FENCE, HEADER_OWNER, HEADER_POSITION, decodeEventBatch, encodeEventBatch } from './shard-message';

export interface JetStreamMetaLogOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Stream name, e.g. COHORT_<cluster>_S7; created on first use. */
  readonly stream: string;
  /** The one subject of the stream. */
  readonly subject: string;
  readonly replicas: number;
  /** Written into every message's Cohort-Owner header (`<nodeId>:<lease revision>`). */
  readonly owner: string;
  /** A follower's copy (the metadata shard on a non-controller): appends reject, nothing fails. */
  readonly readOnly?: boolean;
  /** Publish ack timeout: an append not acknowledged in time fails the log. */
  readonly ackTimeoutMs?: number;
  /** Called once when the log fails (fenced or JetStream unreachable). */
  readonly onFailure?: (error: MetaLogError) => void;
}

/** Most events one message carries when appends of a turn are merged (NATS payloads are limited, 1 MB by default). */
const MAX_BATCH_EVENTS = 1000;

interface PendingBatch {
  readonly first: LogPosition;
  readonly events: MetaEvent[];
  readonly waiters: Array<{ pos: LogPosition; resolve: (pos: LogPosition) => void; reject: (err: unknown) => void }>;
}

/** Error code of a publish refused because another writer appended first (JetStream 10071). */
export const FENCED = 'FENCED';
/** An append on a follower's read-only copy. */
export const NOT_OWNER = 'NOT_OWNER';
/** JetStream did not acknowledge (unreachable, no quorum, timeout). */
export const UNAVAILABLE = 'EUNAVAILABLE';

/** Every stream a test cluster or broker creates holds one shard: dense positions, no subject filters. */
export const ensureShardStream = async (jsm: JetStreamManager, stream: string, subject: string, replicas: number): Promise<void> => {
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if ((err as NatsError).api_error?.err_code !== 10059) throw err; // 10059: stream not found
    await jsm.streams.add({ name: stream, subjects: [subject], num_replicas: replicas, storage: StorageType.File });
  }
};

/**
 * MetaLog port on one JetStream stream (docs/scale-out.md): one message per append, published with
 * `Nats-Expected-Last-Sequence` so that a writer whose view of the stream is stale — a deposed
 * shard owner — is refused instead of interleaving its writes with the new owner's (fencing).
 * "Durable" means JetStream acknowledged the message: a quorum of the stream's replicas stored it.
 * A refused or unacknowledged publish fails the log for good (fail-stop, as the file WAL).
 */
export class JetStreamMetaLog implements MetaLog {
  private next: LogPosition = 0;
  /** The stream sequence the next publish expects as the last one (what this writer has seen). */
  private expectedLast = 0;
  /** First position and stream sequence of every message read or written (truncateBefore). */
  private readonly index: Array<{ pos: LogPosition; seq: number }> = [];
  private ready: Promise<void> | null = null;
  private failed: MetaLogError | null = null;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();
  /** Appends of the current event-loop turn, published together (group commit). */
  private batch: PendingBatch | null = null;
  /** Position and last sequence confirmed by an ack or a replay (what `resume` goes back to). */
  private confirmed = { next: 0, seq: 0 };
  private owner: string;
  private readOnly: boolean;

  constructor(private readonly o: JetStreamMetaLogOptions) {
    this.owner = o.owner;
    this.readOnly = o.readOnly === true;
  }

  /**
   * The metadata shard changes hands without a new adapter: a follower becomes the writer (after
   * replaying to the end; then `fence`), or the writer steps down (read-only again). A failed log is
   * revived from what was confirmed: unacknowledged appends were never reported durable.
   */
  becomeWriter(owner: string | null): void {
    this.readOnly = owner === null;
    if (owner !== null) this.owner = owner;
    if (owner !== null && this.failed !== null) {
      this.failed = null;
      this.next = this.confirmed.next;
      this.expectedLast = this.confirmed.seq;
      this.tail = Promise.resolve();
    }
  }

  private ensure(): Promise<void> {
    this.ready ??= ensureShardStream(this.o.jsm, this.o.stream, this.o.subject, this.o.replicas);
    return this.ready;
  }

  /** The last stream sequence this writer has seen (tests, the fencing check). */
  lastSequence(): number {
    return this.expectedLast;
  }

  async replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition> {
    await this.ensure();
    const info = await this.o.jsm.streams.info(this.o.stream);
    const last = info.state.last_seq;
    const known = this.expectedLast;
    if (info.state.messages === 0) {
      this.expectedLast = Math.max(known, last);
      this.confirmed = { next: this.next, seq: this.expectedLast };
      return this.next;
    }
    // Events already read are read again from the message holding `from`; new ones continue the tail.
    let start = known + 1;
    if (from < this.next) {
      let at = -1;
      for (let i = 0; i < this.index.length && this.index[i]!.pos <= from; i++) at = i;
      start = at >= 0 ? this.index[at]!.seq : info.state.first_seq;
    }
    start = Math.max(start, info.state.first_seq);
    if (start > last) return this.next;
    const consumer = await this.o.js.consumers.get(this.o.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
    let seq = start - 1;
    let first = true;
    while (seq < last) {
      const batch = await consumer.fetch({ max_messages: 500, expires: 2000, idle_heartbeat: 500 });
      let got = 0;
      for await (const m of batch) {
        got++;
        seq = m.seq;
        const pos = Number(m.headers?.get(HEADER_POSITION) ?? NaN);
        if (!Number.isFinite(pos)) throw new MetaLogError(`${this.o.stream} seq ${m.seq}: no ${HEADER_POSITION} header`, 'ECORRUPT');
        // Truncated below `from`: replaying would skip events silently (contract).
        if (first && pos > from && m.seq === info.state.first_seq) throw new MetaLogError(`${this.o.stream} starts at position ${pos}, replay asked for ${from}`, 'ETRUNCATED');
        first = false;
        const fence = m.headers?.has(HEADER_FENCE) === true;
        const events = fence ? [] : decodeEventBatch(m.data);
        events.forEach((e, i) => {
          if (pos + i >= from) fn(e, pos + i);
        });
        if (m.seq > known) {
          this.index.push({ pos, seq: m.seq });
          this.next = pos + events.length;
        }
        if (seq >= last) break;
      }
      if (got === 0) throw new MetaLogError(`${this.o.stream}: no messages while replaying to seq ${last}`, UNAVAILABLE);
    }
    this.expectedLast = Math.max(known, last);
    this.confirmed = { next: this.next, seq: this.expectedLast };
    return this.next;
  }

  nextPosition(): LogPosition {
    return this.next;
  }

  /** The new owner's first write: a message without events that every older writer's publish now contradicts. */
  fence(): Promise<void> {
    this.flush();
    return this.publishAt(new Uint8Array(0), this.next, 0, true).then(() => undefined);
  }

  /**
   * Group commit (as the file WAL): the appends of one event-loop turn go out as one message (up to
   * MAX_BATCH_EVENTS events; an append is never split), and all of them resolve on its ack.
   */
  append(events: readonly MetaEvent[]): Promise<LogPosition> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    if (this.batch !== null && this.batch.events.length + events.length > MAX_BATCH_EVENTS) this.flush();
    if (this.batch === null) {
      const batch: PendingBatch = { first: this.next, events: [], waiters: [] };
      this.batch = batch;
      setImmediate(() => {
        if (this.batch === batch) this.flush();
      });
    }
    const pos = this.next;
    this.next += events.length;
    this.batch.events.push(...events);
    const waiters = this.batch.waiters;
    return new Promise<LogPosition>((resolve, reject) => waiters.push({ pos, resolve, reject }));
  }

  private flush(): void {
    const b = this.batch;
    this.batch = null;
    if (b === null) return;
    this.publishAt(encodeEventBatch(b.events), b.first, b.events.length, false).then(
      () => b.waiters.forEach((w) => w.resolve(w.pos)),
      (err: unknown) => b.waiters.forEach((w) => w.reject(err)),
    );
  }

  private refusal(): MetaLogError | null {
    if (this.failed !== null) return this.failed;
    if (this.closed) return new MetaLogError(`${this.o.stream}: MetaLog closed`, 'ECLOSED');
    if (this.readOnly) return new MetaLogError(`${this.o.stream}: this broker does not own the shard`, NOT_OWNER);
    return null;
  }

  /** Publishes one message holding `count` events from position `pos` (already counted in `next`). */
  private publishAt(data: Uint8Array, pos: LogPosition, count: number, fence: boolean): Promise<LogPosition> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    const expect = this.expectedLast;
    this.expectedLast += 1;
    const h = natsHeaders();
    h.set(HEADER_POSITION, String(pos));
    h.set(HEADER_OWNER, this.owner);
    if (fence) h.set(HEADER_FENCE, '1');
    const published = this.o.js
      .publish(this.o.subject, data, { headers: h, expect: { lastSequence: expect }, timeout: this.o.ackTimeoutMs ?? 5000 })
      .then(
        (ack) => {
          if (ack.seq !== expect + 1) throw this.fail(new MetaLogError(`${this.o.stream}: stored at seq ${ack.seq}, expected ${expect + 1}`, FENCED));
          this.index.push({ pos, seq: ack.seq });
          if (this.failed === null) this.confirmed = { next: pos + count, seq: ack.seq };
          return pos;
        },
        (err: NatsError) => {
          if (this.failed !== null) throw this.failed;
          const fenced = err.api_error?.err_code === 10071 || /wrong last sequence/i.test(err.message);
          throw this.fail(new MetaLogError(`${this.o.stream}: ${fenced ? 'fenced, another owner wrote first' : `JetStream did not store the append: ${err.message}`}`, fenced ? FENCED : UNAVAILABLE));
        },
      );
    // Appends resolve in call order (port contract), whatever order the acks arrive in.
    const ordered = this.tail.then(() => published, () => published);
    this.tail = ordered.catch(() => undefined);
    return ordered;
  }

  private fail(error: MetaLogError): MetaLogError {
    if (this.failed === null) {
      this.failed = error;
      this.o.onFailure?.(error);
    }
    return this.failed;
  }

  async truncateBefore(position: LogPosition): Promise<void> {
    // Keep the last message starting at or below `position` (it may hold events at and above it).
    let keep = -1;
    for (let i = 0; i < this.index.length && this.index[i]!.pos <= position; i++) keep = i;
    if (keep <= 0) return;
    const keepFrom = this.index[keep]!;
    await this.o.jsm.streams.purge(this.o.stream, { seq: keepFrom.seq });
    this.index.splice(0, this.index.indexOf(keepFrom));
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await this.tail;
  }
}
