/** Topic metadata events: what happened to the broker's topics, folded like group state. */
export type TopicEvent =
  | {
      readonly type: 'TopicCreated';
      readonly topic: string;
      /** Kafka topic id, 16 bytes rendered as 22-char base64url (Kafka's `Uuid.toString`). */
      readonly topicId: string;
      readonly partitions: number;
      readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string }>;
      readonly createdAt: number;
    }
  | { readonly type: 'PartitionsAdded'; readonly topic: string; readonly partitions: number }
  | {
      readonly type: 'TopicConfigChanged';
      readonly topic: string;
      readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string | null }>;
    }
  | { readonly type: 'TopicDeleted'; readonly topic: string };
