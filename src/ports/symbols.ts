/** DI symbols that bind the ports to adapters (only src/main.ts names the concrete classes). */
export const TYPES = {
  Clock: Symbol.for('Clock'),
  Scheduler: Symbol.for('Scheduler'),
  Logger: Symbol.for('Logger'),
  MetaLog: Symbol.for('MetaLog'),
  SnapshotStore: Symbol.for('SnapshotStore'),
  PartitionLogStore: Symbol.for('PartitionLogStore'),
  BrokerConfig: Symbol.for('BrokerConfig'),
} as const;
