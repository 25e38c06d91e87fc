import type { TopicEvent } from './events';
import type { Topic, TopicsState } from './topic-state';

/**
 * Applies one mutation to the maps in place. Shared by `evolveTopic` (which copies first) and
 * `replayTopics` (which owns its maps for the whole fold), so live and replayed state cannot drift.
 */
const applyInPlace = (topics: Map<string, Topic>, nameById: Map<string, string>, event: TopicEvent): void => {
  switch (event.type) {
    case 'TopicCreated':
      topics.set(event.topic, {
        name: event.topic,
        topicId: event.topicId,
        partitions: event.partitions,
        configs: new Map(event.configs.map((c) => [c.name, c.value])),
        createdAt: event.createdAt,
      });
      nameById.set(event.topicId, event.topic);
      return;
    case 'PartitionsAdded': {
      const t = topics.get(event.topic);
      if (t !== undefined) topics.set(event.topic, { ...t, partitions: event.partitions });
      return;
    }
    case 'TopicConfigChanged': {
      const t = topics.get(event.topic);
      if (t === undefined) return;
      const configs = new Map(t.configs);
      for (const c of event.configs) {
        if (c.value === null) configs.delete(c.name);
        else configs.set(c.name, c.value);
      }
      topics.set(event.topic, { ...t, configs });
      return;
    }
    case 'TopicDeleted': {
      const t = topics.get(event.topic);
      if (t === undefined) return;
      topics.delete(event.topic);
      nameById.delete(t.topicId);
      return;
    }
  }
};

/**
 * Folds one topic event into the state. Never validates (the decisions did); events about unknown
 * topics are ignored. Topic events are admin operations, so copying the maps per event is cheap;
 * bulk replays use `replayTopics`.
 */
export const evolveTopic = (state: TopicsState, event: TopicEvent): TopicsState => {
  const topics = new Map(state.topics);
  const nameById = new Map(state.nameById);
  applyInPlace(topics, nameById, event);
  return { topics, nameById };
};

/** Folds many events from `state` with one copy of the maps (load time: O(1) per event). */
export const replayTopics = (state: TopicsState, events: Iterable<TopicEvent>): TopicsState => {
  const topics = new Map(state.topics);
  const nameById = new Map(state.nameById);
  for (const e of events) applyInPlace(topics, nameById, e);
  return { topics, nameById };
};
