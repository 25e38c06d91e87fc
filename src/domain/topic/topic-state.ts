/** One topic as the broker knows it (single node: every partition is led by this broker). */
export interface Topic {
  readonly name: string;
  /** Kafka topic id, 22-char base64url (Uuid.toString). */
  readonly topicId: string;
  readonly partitions: number;
  /** Topic-level overrides only (DescribeConfigs source TOPIC_CONFIG); defaults are not stored. */
  readonly configs: ReadonlyMap<string, string>;
  readonly createdAt: number;
}

/** All topics, by name and by id (Fetch v13+ and DeleteTopics v6+ address topics by id). */
export interface TopicsState {
  readonly topics: ReadonlyMap<string, Topic>;
  readonly nameById: ReadonlyMap<string, string>;
}

export const initialTopics: TopicsState = { topics: new Map(), nameById: new Map() };
