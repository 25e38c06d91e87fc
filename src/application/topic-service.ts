import * as E from 'fp-ts/Either';
import type { KafkaError } from '../domain/error-code';
import type { TopicEvent } from '../domain/topic/events';
import type { TopicsState, Topic } from '../domain/topic/topic-state';
import { initialTopics } from '../domain/topic/topic-state';
import { evolveTopic } from '../domain/topic/evolve-topic';
import { decideCreateTopic, type CreateTopicCommand, type CreateTopicOutcome } from '../domain/topic/decide-create-topic';
import { decideCreatePartitions } from '../domain/topic/decide-create-partitions';
import { decideDeleteTopic, type DeleteTopicTarget } from '../domain/topic/decide-delete-topic';
import { decideAlterTopicConfigs, type AlterTopicConfigsCommand } from '../domain/topic/decide-alter-topic-configs';
import { topicSnapshotEvents } from '../domain/topic/topic-snapshot';
import { topicLogSettings, type TopicLogSettings } from '../domain/topic/topic-configs';
import type { TopicIdGenerator } from '../domain/topic/topic-id';
import type { MetaLog } from '../ports/meta-log';
import type { PartitionLog, PartitionLogStore } from '../ports/partition-log';
import type { TopicCatalog, TopicView } from './topic-catalog';

export interface TopicServiceConfig {
  readonly autoCreateTopics: boolean;
  readonly numPartitions: number;
  readonly nodeId: number;
  /** Broker-level settings that topic configs fall back to (e.g. message.max.bytes, log.retention.ms). */
  readonly brokerSettings: ReadonlyMap<string, string>;
}

const view = (t: Topic): TopicView => ({ name: t.name, topicId: t.topicId, partitions: t.partitions });

/**
 * Topic metadata as MetaLog events (TopicCreated, PartitionsAdded, TopicConfigChanged, TopicDeleted),
 * folded like group state. Decisions see the live state; reads see the durable state (GEN-6's rule,
 * applied to topics); a request is answered only after its events are durable (GEN-5).
 */
export class TopicService implements TopicCatalog {
  private live: TopicsState = initialTopics;
  private durable: TopicsState = initialTopics;
  private readonly logs = new Map<string, Promise<PartitionLog>>();
  private readonly changeListeners: Array<() => void> = [];

  constructor(
    private readonly metaLog: MetaLog,
    private readonly store: PartitionLogStore,
    private readonly config: TopicServiceConfig,
    private readonly newTopicId: TopicIdGenerator,
    private readonly now: () => number,
  ) {}

  /** Folds a replayed or snapshot event; during recovery live and durable are the same. */
  applyReplayed(event: TopicEvent): void {
    this.live = evolveTopic(this.live, event);
    this.durable = evolveTopic(this.durable, event);
  }

  /**
   * Events rebuilding every topic event appended so far (durable or not): the MetaJournal captures
   * them with the log's next position and writes the snapshot once that position is durable.
   */
  snapshotEvents(): TopicEvent[] {
    return topicSnapshotEvents(this.live);
  }

  state(): TopicsState {
    return this.durable;
  }

  list(): readonly TopicView[] {
    return [...this.durable.topics.values()].map(view);
  }

  get(name: string): TopicView | undefined {
    const t = this.durable.topics.get(name);
    return t === undefined ? undefined : view(t);
  }

  getById(topicId: string): TopicView | undefined {
    const name = this.durable.nameById.get(topicId);
    return name === undefined ? undefined : this.get(name);
  }

  autoCreateEnabled(): boolean {
    return this.config.autoCreateTopics;
  }

  /** Overrides of a topic (DescribeConfigs), or undefined for an unknown topic. */
  overridesOf(name: string): ReadonlyMap<string, string> | undefined {
    return this.durable.topics.get(name)?.configs;
  }

  brokerSettings(): ReadonlyMap<string, string> {
    return this.config.brokerSettings;
  }

  /** The log settings (max.message.bytes, retention, segment size) of an existing topic. */
  logSettings(name: string): TopicLogSettings | undefined {
    const t = this.durable.topics.get(name);
    return t === undefined ? undefined : topicLogSettings(t.configs, this.config.brokerSettings);
  }

  async autoCreate(name: string): Promise<TopicView | KafkaError> {
    const result = await this.create({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], validateOnly: false });
    if (E.isLeft(result)) {
      // Two clients racing to auto-create one topic: the loser sees the winner's topic.
      return this.get(name) ?? result.left;
    }
    return this.get(name) ?? { name, topicId: result.right.topicId, partitions: result.right.numPartitions };
  }

  /** CreateTopics for one topic; with validate_only nothing is written. */
  async create(cmd: CreateTopicCommand): Promise<E.Either<KafkaError, CreateTopicOutcome>> {
    const decision = decideCreateTopic(this.live, cmd, {
      defaultNumPartitions: this.config.numPartitions,
      defaultReplicationFactor: 1,
      brokerIds: [this.config.nodeId],
      now: this.now(),
      newTopicId: this.newTopicId,
    });
    if (E.isRight(decision) && decision.right.events.length > 0) await this.commit(decision.right.events);
    return decision;
  }

  async createPartitions(name: string, count: number, validateOnly: boolean): Promise<KafkaError | null> {
    const decision = decideCreatePartitions(this.live, { name, count, validateOnly });
    if (E.isLeft(decision)) return decision.left;
    if (decision.right.length > 0) await this.commit(decision.right);
    return null;
  }

  async alterConfigs(cmd: AlterTopicConfigsCommand): Promise<KafkaError | null> {
    const decision = decideAlterTopicConfigs(this.live, cmd);
    if (E.isLeft(decision)) return decision.left;
    if (decision.right.length > 0) await this.commit(decision.right);
    return null;
  }

  async delete(target: DeleteTopicTarget): Promise<E.Either<KafkaError, { name: string; topicId: string }>> {
    const decision = decideDeleteTopic(this.live, target);
    if (E.isLeft(decision)) return decision;
    const { name, topicId, events } = decision.right;
    await this.commit(events);
    for (const key of [...this.logs.keys()].filter((k) => k.startsWith(`${name}/`))) {
      const log = await this.logs.get(key)!;
      this.logs.delete(key);
      await log.close();
    }
    await this.store.deleteTopic(name);
    return E.right({ name, topicId });
  }

  /** The log of an existing partition, opened once and cached; undefined for an unknown partition. */
  partitionLog(topic: string, partition: number): Promise<PartitionLog> | undefined {
    const t = this.durable.topics.get(topic);
    if (t === undefined || !Number.isInteger(partition) || partition < 0 || partition >= t.partitions) return undefined;
    const key = `${topic}/${partition}`;
    let log = this.logs.get(key);
    if (log === undefined) {
      const s = topicLogSettings(t.configs, this.config.brokerSettings);
      log = this.store.open(topic, partition, {
        segmentBytes: s.segmentBytes,
        retentionMs: s.retentionMs,
        retentionBytes: s.retentionBytes,
        indexIntervalBytes: s.indexIntervalBytes,
      });
      this.logs.set(key, log);
    }
    return log;
  }

  /** Runs time/size retention over the open partition logs (log.retention.check.interval.ms). */
  async enforceRetention(nowMs: number): Promise<void> {
    for (const pending of this.logs.values()) await (await pending).applyRetention(nowMs);
  }

  async close(): Promise<void> {
    for (const log of this.logs.values()) await (await log).close();
    this.logs.clear();
  }

  /** Calls `listener` after every durable topic change (creation, deletion, partitions, configs). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private async commit(events: readonly TopicEvent[]): Promise<void> {
    for (const e of events) this.live = evolveTopic(this.live, e);
    await this.metaLog.append(events);
    for (const e of events) this.durable = evolveTopic(this.durable, e);
    for (const l of this.changeListeners) l();
  }
}
