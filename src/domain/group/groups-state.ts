import type { ClassicGroup } from './classic-group';
import type { ConsumerGroup } from './consumer/consumer-group';

/** A group of either type: classic (JoinGroup/SyncGroup) or KIP-848 consumer (ConsumerGroupHeartbeat). */
export type Group = ClassicGroup | ConsumerGroup;

/** A committed offset as stored (OF-6); leaderEpoch −1 = absent. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  readonly expireTimestamp: number | null;
}

/** Every group's aggregate. Folded by `evolve`; owned by whoever folds it. */
export interface GroupsState {
  readonly groups: Map<string, Group>;
}

/** The state before any event. */
export const initialGroupsState = (): GroupsState => ({ groups: new Map() });

/** Map key of a partition's offset (topic names cannot contain NUL). */
export const offsetKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

