/**
 * The topics the group coordinator's KIP-848 assignors see (KC-24, KC-42): name, id and partition
 * count of every existing topic, as of the last durable topic event. The composition root binds it
 * to the TopicService and tells the coordinator when topics were created, deleted or grew.
 */
export interface TopicMetadataView {
  readonly name: string;
  /** Kafka Uuid rendering (22-char base64url). */
  readonly topicId: string;
  readonly partitions: number;
}

export interface TopicMetadataSource {
  get(name: string): TopicMetadataView | undefined;
  getById(topicId: string): TopicMetadataView | undefined;
  list(): readonly TopicMetadataView[];
}

/** DI symbol of `TopicMetadataSource`. */
export const TOPIC_METADATA = Symbol.for('TopicMetadataSource');
