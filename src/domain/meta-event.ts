import type { GroupEvent } from './group/events';
import type { TopicEvent } from './topic/events';
import type { BrokerConfigEvent } from './config/broker-config-events';
import type { SecurityEvent } from './security/events';
import type { TxnEvent } from './transaction/events';

/** Everything the MetaLog stores, in one log: group/offset events, topic metadata, dynamic broker configs, and security events (ACLs, credentials), and the transaction coordinator's events. */
export type MetaEvent = GroupEvent | TopicEvent | BrokerConfigEvent | SecurityEvent | TxnEvent;
