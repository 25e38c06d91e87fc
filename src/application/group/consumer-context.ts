import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import type { Assignor } from '../../domain/group/assignors/assignor';
import { RANGE, rangeAssignor } from '../../domain/group/assignors/range-assignor';
import { UNIFORM, uniformAssignor } from '../../domain/group/assignors/uniform-assignor';
import type { ConsumerHeartbeatContext, ConsumerSettings, ConversionContext } from '../../domain/group/consumer/heartbeat-command';
import type { TopicLookup } from '../../domain/group/consumer/subscription';
import { CONSUMER_PROTOCOL, type ConsumerProtocolCodec } from '../../ports/consumer-protocol';
import { TOPIC_METADATA, type TopicMetadataSource } from '../../ports/topic-metadata';
import { TOPIC_REGEX, type TopicRegexCompiler } from '../../ports/topic-regex';
import { GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from './group-config';
import { GroupStore } from './group-store';

/** Every server assignor Cohort implements (KC-40, KC-41); `group.consumer.assignors` picks among them. */
export const SERVER_ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  [UNIFORM, uniformAssignor],
  [RANGE, rangeAssignor],
]);

/**
 * What the KIP-848 deciders read besides the group: settings, the topic image, regex compilation
 * and the consumer-protocol codec, bound once from the ports and the configuration.
 */
@injectable()
export class ConsumerContext {
  readonly settings: ConsumerSettings;
  readonly topics: TopicLookup;

  constructor(
    @inject(GroupStore) private readonly store: GroupStore,
    @inject(GROUP_COORDINATOR_CONFIG) private readonly config: GroupCoordinatorConfig,
    @inject(TOPIC_METADATA) private readonly source: TopicMetadataSource,
    @inject(TOPIC_REGEX) private readonly compileRegex: TopicRegexCompiler,
    @inject(CONSUMER_PROTOCOL) private readonly codec: ConsumerProtocolCodec,
  ) {
    const assignors = new Map<string, Assignor>();
    for (const name of config.consumerAssignors) {
      const a = SERVER_ASSIGNORS.get(name);
      if (a !== undefined) assignors.set(name, a);
    }
    const policy = config.consumerMigrationPolicy;
    this.settings = {
      heartbeatIntervalMs: config.consumerHeartbeatIntervalMs,
      maxSize: config.consumerMaxSize,
      assignors,
      defaultAssignor: config.consumerAssignors[0] ?? UNIFORM,
      migration: {
        upgrade: policy === 'bidirectional' || policy === 'upgrade',
        downgrade: policy === 'bidirectional' || policy === 'downgrade',
        classicMaxSize: config.groupMaxSize,
      },
    };
    this.topics = { byName: (name) => source.get(name), names: () => source.list().map((t) => t.name) };
  }

  /** For conversions and fencing (KC-30, KC-62). */
  conversion(groupId: string, now: number): ConversionContext {
    const names = new Map(this.store.consumerGroup(groupId)?.subscriptionMetadata.map((t) => [t.topicId, t.name] as const) ?? []);
    return {
      migration: this.settings.migration,
      bytes: this.codec,
      topics: this.topics,
      topicName: (id) => names.get(id) ?? this.source.getById(id)?.name,
      now,
    };
  }

  /** For one request of a member (ConsumerGroupHeartbeat, or a classic member's JoinGroup). */
  request(groupId: string, now: number, newMemberId: string, metadataStale: boolean): ConsumerHeartbeatContext {
    return { ...this.settings, ...this.conversion(groupId, now), newMemberId, compileRegex: this.compileRegex, metadataStale };
  }
}
