/**
 * ConsumerGroupHeartbeat (KIP-848) in domain terms: what the decider reads and answers. The Kafka
 * handler maps request v0–v1 onto these and back.
 */
import type { ErrorCode } from '../../error-code';
import type { Assignor } from '../assignors/assignor';
import type { Assignment } from './assignment';
import type { RegexCompiler, TopicLookup } from './subscription';
import type { ClassicBytes } from './classic-bytes';

/** KC-62 `group.consumer.migration.policy` and the classic group's size limit a downgrade must respect. */
export interface MigrationSettings {
  readonly upgrade: boolean;
  readonly downgrade: boolean;
  /** `group.max.size`. */
  readonly classicMaxSize: number;
}

/** What converting between the two group types needs besides the group (KC-62). */
export interface ConversionContext {
  readonly migration: MigrationSettings;
  readonly bytes: ClassicBytes;
  readonly topics: TopicLookup;
  /** The name of a topic id (subscription metadata first, then the topic image). */
  readonly topicName: (topicId: string) => string | undefined;
  readonly now: number;
}

export interface ConsumerHeartbeatCommand {
  readonly groupId: string;
  readonly memberId: string;
  /** 0 joins, −1 leaves, −2 leaves temporarily (static), > 0 heartbeats. */
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  /** −1 = unchanged. */
  readonly rebalanceTimeoutMs: number;
  /** null = unchanged. */
  readonly subscribedTopicNames: readonly string[] | null;
  /** v1+; null = unchanged. */
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  /** Partitions the member owns; null = unchanged. */
  readonly topicPartitions: Assignment | null;
  readonly apiVersion: number;
  readonly clientId: string;
  readonly clientHost: string;
}

export interface ConsumerHeartbeatResult {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  /** The partitions the member may use now (KC-27); null = not sent. */
  readonly assignment: Assignment | null;
}

export interface ConsumerSettings {
  /** `group.consumer.heartbeat.interval.ms` (KC-27). */
  readonly heartbeatIntervalMs: number;
  /** `group.consumer.max.size` (KC-20). */
  readonly maxSize: number;
  /** `group.consumer.assignors`: name → assignor; the first is the default (KC-25). */
  readonly assignors: ReadonlyMap<string, Assignor>;
  readonly defaultAssignor: string;
  readonly migration: MigrationSettings;
}

export interface ConsumerHeartbeatContext extends ConsumerSettings, ConversionContext {
  readonly now: number;
  /** A fresh member id for a v0 join without one (GEN-8: a Kafka Uuid string). */
  readonly newMemberId: string;
  readonly compileRegex: RegexCompiler;
  /** Topic metadata changed (or a restart happened) since the group's subscription metadata was computed (KC-24). */
  readonly metadataStale: boolean;
}

export const heartbeatError = (errorCode: ErrorCode, errorMessage: string | null = null, memberId: string | null = null, memberEpoch = 0): ConsumerHeartbeatResult => ({
  errorCode,
  errorMessage,
  memberId,
  memberEpoch,
  heartbeatIntervalMs: 0,
  assignment: null,
});
