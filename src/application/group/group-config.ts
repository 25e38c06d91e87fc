import { randomUUID } from 'node:crypto';

/** Section-6 settings of the classic coordinator, offsets and history. */
export interface GroupCoordinatorConfig {
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMaxSize: number;
  /** CG-47 (internal). */
  readonly newMemberJoinTimeoutMs: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  /** `offsets.commit.timeout.ms`: a commit not durable by then is answered COORDINATOR_NOT_AVAILABLE (GEN-3). */
  readonly offsetsCommitTimeoutMs: number;
  /** PE-13 `group.history.max.generations`: generations of history kept per group. */
  readonly historyMaxGenerations: number;
  /** GEN-8: `<prefix>-<uuid v4>` where prefix is the instance id (static) or client id. */
  readonly generateMemberId: (prefix: string) => string;
}

/** DI symbol of `GroupCoordinatorConfig`. */
export const GROUP_COORDINATOR_CONFIG = Symbol.for('GroupCoordinatorConfig');

/** Section-6 defaults, overridable per field. */
export const defaultGroupCoordinatorConfig = (overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig => ({
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 2_147_483_647,
  newMemberJoinTimeoutMs: 300_000,
  offsetsRetentionMs: 10_080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  offsetsCommitTimeoutMs: 5000,
  historyMaxGenerations: 100,
  generateMemberId: (prefix) => `${prefix}-${randomUUID()}`,
  ...overrides,
});
