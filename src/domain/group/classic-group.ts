/**
 * The classic group aggregate (CG-1, CG-2): exactly what `evolve` folds from the group's events
 * (PE-10). Parked responses, timer handles, `isNew` and pending (MEMBER_ID_REQUIRED) ids are process
 * plumbing and live in the application layer.
 *
 * Members are immutable values (a change replaces the member in the map), so capturing the hard
 * state at the start of a rebalance (`base`) is a shallow copy of one map, O(members) once per
 * rebalance, and events' objects can be shared by several folds.
 */
import type { ClassicGroupState, MemberProtocol, RebalanceTrigger } from './events';
import { emptyGroupOffsets, type GroupOffsets } from './committed-offsets';
import { SparseMap, SparseSet } from './sparse-map';

export type { ClassicGroupState, MemberProtocol };

export interface ClassicMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  /**
   * The leader's assignment bytes as a one-byte string, one char per byte (`latin1`; read them with
   * `memberAssignment`). Issue 14, C5: a `Uint8Array` view is a 96-byte object per member beside its
   * bytes; a one-byte string is 16 bytes beside them. Snapshots still hold bytes (`MemberData`).
   */
  readonly assignmentLatin1: string;
  /** Partitions in the assignment (history, PE-13); null when unknown. */
  readonly assignedPartitions: number | null;
}

/** Bytes as a one-byte string, one char per byte (inverse of `latin1Bytes`). */
export const latin1 = (bytes: Uint8Array): string => {
  if (bytes.length === 0) return '';
  // Chunks keep `apply`'s argument count far below the engine's stack limit.
  const CHUNK = 8192;
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]));
  return parts.join('');
};

/** The bytes of a `latin1` string (a fresh exact-size copy). */
export const latin1Bytes = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

/** The member's assignment bytes (CG-42), a fresh copy. */
export const memberAssignment = (m: ClassicMember): Uint8Array => latin1Bytes(m.assignmentLatin1);

/**
 * PE-7: the hard state Kafka would reload — the last GroupMetadata record — captured by the first
 * membership event after it. While it is null the live group is its own hard state (Empty or Stable).
 */
export interface GroupBase {
  readonly state: 'Empty' | 'Stable';
  readonly stateTimestamp: number | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly generation: number;
  readonly leaderId: string | null;
  readonly members: ReadonlyMap<string, ClassicMember>;
}

/**
 * The members of a classic group, keeping how many members support each protocol name, as Kafka's
 * GroupMetadata does (CG-7): a JoinGroup's protocol check is O(its protocols), not O(members), so a
 * rebalance of N members costs O(N), not O(N²). Always built empty, then filled through `set`.
 */
export class ClassicMembers extends Map<string, ClassicMember> {
  /**
   * While every member lists the same protocol names (the usual group: one client library, one
   * configuration), the protocol list of one of them: each name in it is supported by every member,
   * and no count table is kept (issue 14, C5: a Map of one or two names was ~180 B per group; members
   * usually share this very list, `sharingWith`). Null when empty or mixed.
   */
  #uniform: readonly MemberProtocol[] | null = null;
  /** Members per protocol name, once two members listed different names (until the group empties). */
  #support: Map<string, number> | null = null;

  /** How many members list protocol `name`. */
  supportCount(name: string): number {
    if (this.#support !== null) return this.#support.get(name) ?? 0;
    return this.#uniform !== null && this.#uniform.some((p) => p.name === name) ? this.size : 0;
  }

  override set(memberId: string, member: ClassicMember): this {
    const old = super.get(memberId);
    if (this.#support === null) {
      if (this.#uniform === null || this.size === 0 || (this.size === 1 && old !== undefined)) {
        this.#uniform = member.protocols;
      } else if (!sameNames(this.#uniform, member.protocols)) {
        // The first member with other names: count every member from here on.
        this.#support = new Map();
        for (const m of this.values()) if (m.memberId !== memberId) this.#count(m, 1);
        this.#uniform = null;
        super.set(memberId, member);
        this.#count(member, 1);
        return this;
      }
      super.set(memberId, member);
      return this;
    }
    if (old !== undefined) this.#count(old, -1);
    super.set(memberId, member);
    this.#count(member, 1);
    return this;
  }

  override delete(memberId: string): boolean {
    const old = super.get(memberId);
    if (old === undefined) return false;
    if (this.#support !== null) this.#count(old, -1);
    super.delete(memberId);
    if (this.size === 0) {
      this.#uniform = null;
      this.#support = null;
    }
    return true;
  }

  override clear(): void {
    this.#uniform = null;
    this.#support = null;
    super.clear();
  }

  #count(member: ClassicMember, by: 1 | -1): void {
    const support = this.#support!;
    for (const name of new Set(member.protocols.map((p) => p.name))) {
      const n = (support.get(name) ?? 0) + by;
      if (n === 0) support.delete(name);
      else support.set(name, n);
    }
  }
}

/** Do two protocol lists name the same set of protocols (order and repeats aside)? */
const sameNames = (a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean => {
  if (a === b) return true;
  const has = (list: readonly MemberProtocol[], name: string): boolean => list.some((p) => p.name === name);
  if (a.length * b.length <= 64) return a.every((p) => has(b, p.name)) && b.every((p) => has(a, p.name));
  const as = new Set(a.map((p) => p.name));
  const bs = new Set(b.map((p) => p.name));
  return as.size === bs.size && [...as].every((n) => bs.has(n));
};

export interface ClassicGroup {
  /** The group type (ListGroups v5 `classic`); KIP-848 groups are `consumer` (consumer/consumer-group.ts). */
  readonly kind: 'classic';
  readonly groupId: string;
  state: ClassicGroupState;
  previousState: ClassicGroupState;
  /** Wall-clock ms of the last transition; null = unknown (simple group). */
  stateTimestamp: number | null;
  protocolType: string | null;
  protocolName: string | null;
  generation: number;
  leaderId: string | null;
  readonly members: ClassicMembers;
  /** instanceId → memberId (KIP-345). */
  readonly staticMembers: SparseMap<string, string>;
  /** Members that sent JoinGroup during the rebalance in progress (CG-2's awaiting-join, as a fact). */
  readonly joined: SparseSet<string>;
  /** MemberJoined events folded so far: the initial-delay timer compares it to tell "a new member was added" (CG-31). */
  membersAdded: number;
  /** Union of members' subscriptions at the last generation; null = unknown (OF-21). */
  subscribedTopics: ReadonlySet<string> | null;
  /** What started the rebalance in progress; null outside one. */
  trigger: RebalanceTrigger | null;
  rebalanceStartedAt: number | null;
  /** The hard state a reload gives while membership events have moved the live group past it. */
  base: GroupBase | null;
  /** Per-topic tables (committed-offsets.ts). */
  readonly offsets: GroupOffsets;
}

/** A fresh Empty group (CG-22); `at` null = a simple group created by a commit (PE-8). */
export const newClassicGroup = (groupId: string, at: number | null, offsets: GroupOffsets = emptyGroupOffsets()): ClassicGroup => ({
  kind: 'classic',
  groupId,
  state: 'Empty',
  previousState: 'Empty',
  stateTimestamp: at,
  protocolType: null,
  protocolName: null,
  generation: 0,
  leaderId: null,
  members: new ClassicMembers(),
  staticMembers: new SparseMap(),
  joined: new SparseSet(),
  membersAdded: 0,
  subscribedTopics: new Set(),
  trigger: null,
  rebalanceStartedAt: null,
  base: null,
  offsets,
});

/** CG-4: the group rebalance timeout is the largest member rebalance timeout (0 if none). */
export const groupRebalanceTimeoutMs = (group: ClassicGroup): number => {
  let max = 0;
  for (const m of group.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
  return max;
};

/** The metadata a member announced for `protocolName` (empty bytes if it does not support it). */
export const metadataFor = (member: ClassicMember, protocolName: string | null): MemberProtocol => {
  const p = member.protocols.find((x) => x.name === protocolName);
  return p ?? { name: protocolName ?? '', metadata: new Uint8Array(0), topics: null };
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
};

/** CG-8: same (name, metadata) list, same order, same bytes. */
export const sameProtocols = (a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || !sameBytes(a[i]!.metadata, b[i]!.metadata)) return false;
  }
  return true;
};

const sameTopics = (a: readonly string[] | null, b: readonly string[] | null): boolean => {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * A member value built field by field in one order: every member shares one hidden class and holds
 * its fields in the object itself (a `{ ...m, x }` copy keeps most of them in a second, out-of-object
 * property array: ~60 B more per member, C5).
 */
export const classicMember = (m: ClassicMember): ClassicMember => ({
  memberId: m.memberId,
  instanceId: m.instanceId,
  clientId: m.clientId,
  clientHost: m.clientHost,
  rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  sessionTimeoutMs: m.sessionTimeoutMs,
  protocolType: m.protocolType,
  protocols: m.protocols,
  assignmentLatin1: m.assignmentLatin1,
  assignedPartitions: m.assignedPartitions ?? null,
});

/**
 * Issue 14 (C5 memory): the members of a group usually come from the same client code and announce
 * the same protocols with the same metadata bytes. A member value therefore reuses a group-mate's
 * protocol list and strings when they are equal (members are immutable, so sharing is invisible):
 * one copy per group instead of one per member. O(the member's protocols) per call.
 */
export const sharingWith = (m: ClassicMember, mate: ClassicMember | undefined): ClassicMember => {
  if (mate === undefined || mate === m) return classicMember(m);
  let protocols = m.protocols;
  if (protocols !== mate.protocols && sameProtocols(protocols, mate.protocols) && protocols.every((p, i) => sameTopics(p.topics, mate.protocols[i]!.topics))) {
    protocols = mate.protocols;
  }
  return classicMember({
    ...m,
    clientId: m.clientId === mate.clientId ? mate.clientId : m.clientId,
    clientHost: m.clientHost === mate.clientHost ? mate.clientHost : m.clientHost,
    protocolType: m.protocolType === mate.protocolType ? mate.protocolType : m.protocolType,
    protocols,
  });
};

/** The member a new member value is shared with: the leader, else the first member (O(1)). */
export const groupMate = (group: ClassicGroup): ClassicMember | undefined =>
  (group.leaderId === null ? undefined : group.members.get(group.leaderId)) ?? group.members.values().next().value;

/** Does every member of the group hold a JoinGroup for the rebalance in progress? */
export const allMembersJoined = (group: ClassicGroup): boolean => group.joined.size === group.members.size;
