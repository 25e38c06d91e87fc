import type { KafkaError } from '../domain/error-code';

/** A topic as request handlers see it. */
export interface TopicView {
  readonly name: string;
  /** Kafka Uuid rendering (22-char base64url). */
  readonly topicId: string;
  readonly partitions: number;
}

/** Read access to topic metadata plus Kafka's auto-creation (`auto.create.topics.enable`). */
export interface TopicCatalog {
  list(): readonly TopicView[];
  get(name: string): TopicView | undefined;
  getById(topicId: string): TopicView | undefined;
  /** Creates the topic with the default partition count once durable, or says why not. */
  autoCreate(name: string): Promise<TopicView | KafkaError>;
  autoCreateEnabled(): boolean;
}
