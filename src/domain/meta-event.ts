import type { GroupEvent } from './group/events';
import type { TopicEvent } from './topic/events';
import type { SecurityEvent } from './security/events';

/** Everything the MetaLog stores: group/offset events, topic metadata events and security events (ACLs, credentials), in one log. */
export type MetaEvent = GroupEvent | TopicEvent | SecurityEvent;
