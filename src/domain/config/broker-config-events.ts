/**
 * Dynamic broker configs (Kafka's ConfigRecord for a BROKER resource), changed by AlterConfigs and
 * IncrementalAlterConfigs: `cluster` is the cluster-wide default (resource name ""), `node` this
 * broker (resource name = its node id). A null value removes the setting.
 */
export type BrokerConfigEvent = {
  readonly type: 'BrokerConfigChanged';
  readonly scope: BrokerConfigScope;
  readonly configs: ReadonlyArray<{ readonly name: string; readonly value: string | null }>;
};

export type BrokerConfigScope = 'cluster' | 'node';

export const isBrokerConfigEvent = (event: { readonly type: string }): event is BrokerConfigEvent => event.type === 'BrokerConfigChanged';
