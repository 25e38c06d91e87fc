/**
 * The classic group as the coordinator runs it (CG-1, CG-2): the hard fields of `GroupRecord` plus
 * the soft rebalance state of PE-10. Plain data; the application owns the live instance and adds
 * its parked responses and timers.
 */
export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One protocol a member supports; `topics` is its parsed consumer subscription, null if unparseable (OF-21). */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Uint8Array;
  readonly topics: readonly string[] | null;
}

export interface ClassicMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: readonly MemberProtocol[];
  assignment: Uint8Array;
  isNew: boolean;
}

export interface ClassicGroup<M extends ClassicMember = ClassicMember> {
  readonly groupId: string;
  state: ClassicGroupState;
  previousState: ClassicGroupState;
  /** Wall-clock ms of the last transition; null = unknown (simple group). */
  stateTimestamp: number | null;
  protocolType: string | null;
  protocolName: string | null;
  generation: number;
  leaderId: string | null;
  readonly members: Map<string, M>;
  /** instanceId → memberId (KIP-345). */
  readonly staticMembers: Map<string, string>;
  /** MEMBER_ID_REQUIRED ids not yet rejoined (KIP-394). */
  readonly pendingMembers: Set<string>;
  /** Members that have not sent SyncGroup for the current generation (CG-49). */
  readonly pendingSync: Set<string>;
  newMemberAdded: boolean;
  /** Union of members' subscriptions at the last generation; null = unknown (OF-21). */
  subscribedTopics: ReadonlySet<string> | null;
}

/** A fresh Empty group (CG-22). */
export const newClassicGroup = <M extends ClassicMember>(groupId: string, now: number | null): ClassicGroup<M> => ({
  groupId,
  state: 'Empty',
  previousState: 'Empty',
  stateTimestamp: now,
  protocolType: null,
  protocolName: null,
  generation: 0,
  leaderId: null,
  members: new Map(),
  staticMembers: new Map(),
  pendingMembers: new Set(),
  pendingSync: new Set(),
  newMemberAdded: false,
  subscribedTopics: new Set(),
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

/** CG-8: same (name, metadata) list, same order, same bytes. */
export const sameProtocols = (a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.metadata.length !== y.metadata.length) return false;
    for (let j = 0; j < x.metadata.length; j++) if (x.metadata[j] !== y.metadata[j]) return false;
  }
  return true;
};
