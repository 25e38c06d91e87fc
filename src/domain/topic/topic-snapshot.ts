import type { TopicEvent } from './events';
import type { TopicsState } from './topic-state';

/** Events that rebuild `state` from the initial state: one TopicCreated per topic (snapshots, MetaLog compaction). */
export const topicSnapshotEvents = (state: TopicsState): TopicEvent[] =>
  [...state.topics.values()].map((t) => ({
    type: 'TopicCreated' as const,
    topic: t.name,
    topicId: t.topicId,
    partitions: t.partitions,
    configs: [...t.configs].map(([name, value]) => ({ name, value })),
    createdAt: t.createdAt,
  }));
