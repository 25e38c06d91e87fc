import type { GroupEvent } from './group/events';
import type { TopicEvent } from './topic/events';
import type { BrokerConfigEvent } from './config/broker-config-events';

/** Everything the MetaLog stores: group/offset events, topic metadata events and dynamic broker configs, in one log. */
export type MetaEvent = GroupEvent | TopicEvent | BrokerConfigEvent;
