import { API_KEY } from '../../src/adapters/kafka/protocol';
import { RawClient } from '../e2e/support/raw-client';
import { keyOf, OffsetLedger, type OffsetState } from './offset-ledger';

/** The topic every commit workload commits against (created first: commits to unknown topics are refused). */
export const WORKLOAD_TOPIC = 'dur';

/** Creates `topic` with `partitions` partitions; resolves with the CreateTopics error code (0 or 36 = already exists). */
export const createTopic = async (port: number, topic: string, partitions: number): Promise<number> => {
  const admin = await RawClient.connect(port);
  try {
    const r = await admin.send(API_KEY.CreateTopics, 3, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    return r.body.topics[0].errorCode as number;
  } finally {
    admin.close();
  }
};

/** One OffsetCommit v2 of a simple (generation -1) group; resolves with the partition's error code. */
export const commitOffset = async (
  client: RawClient,
  c: { group: string; topic: string; partition: number; offset: number; metadata?: string },
): Promise<number> => {
  const res = await client.send(API_KEY.OffsetCommit, 2, {
    groupId: c.group,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    retentionTimeMs: -1n,
    topics: [{ name: c.topic, partitions: [{ partitionIndex: c.partition, committedOffset: BigInt(c.offset), committedMetadata: c.metadata ?? `c${c.offset}` }] }],
  });
  return res.body.topics[0].partitions[0].errorCode as number;
};

/**
 * OffsetFetch v3, retried as a client does while the coordinator loads (GEN-2: a restarted broker
 * listens before its MetaLog is replayed and answers COORDINATOR_LOAD_IN_PROGRESS meanwhile).
 * Any other group-level error fails the read: an empty answer must never pass for "nothing committed".
 */
export const offsetFetchWhenLoaded = async (reader: RawClient, body: object): Promise<{ body: { errorCode: number; topics: any[] } }> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await reader.send(API_KEY.OffsetFetch, 3, body);
    if (res.body.errorCode === 0) return res;
    if (res.body.errorCode !== 14 || Date.now() > deadline) throw new Error(`OffsetFetch answered error ${res.body.errorCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The committed offsets of `groups` × `partitions` as an OffsetState (keys without a commit are absent). */
export const fetchOffsets = async (port: number, groups: readonly string[], topic: string, partitions: number): Promise<OffsetState> => {
  const reader = await RawClient.connect(port);
  const state: OffsetState = new Map();
  try {
    for (const group of groups) {
      const res = await offsetFetchWhenLoaded(reader, { groupId: group, topics: [{ name: topic, partitionIndexes: [...Array(partitions).keys()] }] });
      for (const p of res.body.topics[0]?.partitions ?? []) {
        const v = Number(p.committedOffset);
        if (v >= 0) state.set(keyOf({ groupId: group, topic, partition: p.partitionIndex }), v);
      }
    }
  } finally {
    reader.close();
  }
  return state;
};

/** Group names g0..g(n-1). */
export const groupNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `g${i}`);

/**
 * Steady commit load: `connections` clients each commit in a loop (one outstanding request each,
 * so every connection's responses are in send order) until `stop()` or the connection closes.
 * Every send and ack goes into `ledger`; `events` records (time, connection, ok) of each response.
 */
export class CommitLoad {
  readonly events: Array<{ at: number; sentAt: number; conn: number; code: number | 'closed' }> = [];
  acked = 0;
  private stopped = false;
  private next: number;
  private running: Promise<void>[] = [];
  private clients: RawClient[] = [];

  constructor(
    private readonly ledger: OffsetLedger,
    private readonly opts: { groups: readonly string[]; topic: string; partitions: number; metadataBytes?: number; firstOffset?: number },
  ) {
    this.next = opts.firstOffset ?? 1;
  }

  /** The next offset this load would send (offsets only grow, so later runs continue from here). */
  nextOffset(): number {
    return this.next;
  }

  async start(port: number, connections: number): Promise<void> {
    this.stopped = false;
    this.clients = await Promise.all(Array.from({ length: connections }, () => RawClient.connect(port)));
    const pad = 'm'.repeat(Math.max(0, (this.opts.metadataBytes ?? 0) - 12));
    const keys: Array<{ group: string; partition: number }> = [];
    for (const group of this.opts.groups) for (let p = 0; p < this.opts.partitions; p++) keys.push({ group, partition: p });
    this.running = this.clients.map(async (client, conn) => {
      // Each key belongs to one connection, which awaits every answer before its next commit: commits
      // racing on two connections to one key have no defined order, and the ledger would misjudge them.
      const own = keys.filter((_, i) => i % connections === conn);
      while (!this.stopped && !client.closed && own.length > 0) {
        const offset = this.next++;
        const k = own[offset % own.length]!;
        const key = keyOf({ groupId: k.group, topic: this.opts.topic, partition: k.partition });
        this.ledger.send(key, offset);
        const sentAt = Date.now();
        try {
          const code = await commitOffset(client, { group: k.group, topic: this.opts.topic, partition: k.partition, offset, metadata: `c${offset}${pad}` });
          this.events.push({ at: Date.now(), sentAt, conn, code });
          if (code === 0) {
            this.ledger.ack(key, offset);
            this.acked++;
          }
        } catch {
          this.events.push({ at: Date.now(), sentAt, conn, code: 'closed' });
          return;
        }
      }
    });
  }

  /** Stops sending, waits for outstanding responses (or closed connections), and closes the clients. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
    for (const c of this.clients) c.close();
  }
}

/** The flags of the T-DUR-4 fixed script: small segments and frequent snapshots, so 300 commits roll, snapshot and clean up. */
export const SCRIPT_ARGS: readonly string[] = ['--metalog-segment-bytes', '4096', '--snapshot-every-events', '100'];
export const SCRIPT_GROUPS = groupNames(4);
export const SCRIPT_PARTITIONS = 2;

/**
 * The T-DUR-4 fixed script: create the topic, then 300 commits one at a time (a deterministic
 * syscall sequence) over 4 groups × 2 partitions. Stops quietly when the broker dies.
 */
export const runCommitScript = async (port: number, ledger: OffsetLedger, commits = 300): Promise<{ acked: number; completed: boolean }> => {
  let acked = 0;
  let client: RawClient | null = null;
  try {
    if ((await createTopic(port, WORKLOAD_TOPIC, SCRIPT_PARTITIONS)) !== 0) return { acked, completed: false };
    client = await RawClient.connect(port);
    for (let offset = 1; offset <= commits; offset++) {
      const group = SCRIPT_GROUPS[offset % SCRIPT_GROUPS.length]!;
      const partition = Math.floor(offset / SCRIPT_GROUPS.length) % SCRIPT_PARTITIONS;
      const key = keyOf({ groupId: group, topic: WORKLOAD_TOPIC, partition });
      ledger.send(key, offset);
      if ((await commitOffset(client, { group, topic: WORKLOAD_TOPIC, partition, offset })) === 0) {
        ledger.ack(key, offset);
        acked++;
      }
    }
    return { acked, completed: true };
  } catch {
    return { acked, completed: false };
  } finally {
    client?.close();
  }
};
