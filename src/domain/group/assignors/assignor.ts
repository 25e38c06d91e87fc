/**
 * Server-side assignors (KIP-848, KC-40…KC-42) as pure functions: the group's members with their
 * subscribed topic ids and current target, the subscribed topics, and out comes a target per member.
 * Topics that do not exist are not in `topics` and are ignored (KC-42).
 */
export interface AssignorMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  /** Ids of the existing topics the member subscribes to. */
  readonly topicIds: readonly string[];
  /** Its current target: topic id → partitions (stickiness input). */
  readonly current: ReadonlyMap<string, readonly number[]>;
}

export interface AssignorTopic {
  readonly topicId: string;
  readonly name: string;
  readonly partitions: number;
}

/** Member id → topic id → partitions (ascending). Every member of the input has an entry. */
export type AssignorResult = Map<string, Map<string, number[]>>;

export type Assignor = (members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>) => AssignorResult;

/** Members in a deterministic order: static members by instance id first, then by member id (KC-41). */
export const byInstanceThenMemberId = (a: AssignorMember, b: AssignorMember): number => {
  if (a.instanceId !== null && b.instanceId !== null) return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
  if (a.instanceId !== null) return -1;
  if (b.instanceId !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
};

/** An empty result with an entry for every member. */
export const emptyResult = (members: readonly AssignorMember[]): AssignorResult => {
  const out: AssignorResult = new Map();
  for (const m of members) out.set(m.memberId, new Map());
  return out;
};

/** Appends `partition` of `topicId` to a member's result. */
export const give = (result: AssignorResult, memberId: string, topicId: string, partition: number): void => {
  const byTopic = result.get(memberId)!;
  const list = byTopic.get(topicId);
  if (list === undefined) byTopic.set(topicId, [partition]);
  else list.push(partition);
};

/** Sorts every partition list of the result ascending (the canonical form). */
export const sortResult = (result: AssignorResult): AssignorResult => {
  for (const byTopic of result.values()) for (const list of byTopic.values()) list.sort((a, b) => a - b);
  return result;
};
