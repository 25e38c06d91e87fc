import type { GroupEvent } from './group/events';
import type { TopicEvent } from './topic/events';

/** Everything the MetaLog stores: group/offset events and topic metadata events, in one log. */
export type MetaEvent = GroupEvent | TopicEvent;
