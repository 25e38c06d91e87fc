import type { BrokerConfigEvent, BrokerConfigScope } from './broker-config-events';

/** The dynamic broker configs in force: per-node ones win over cluster-wide defaults, which win over static settings. */
export interface DynamicBrokerConfigs {
  readonly cluster: ReadonlyMap<string, string>;
  readonly node: ReadonlyMap<string, string>;
}

export const initialDynamicBrokerConfigs: DynamicBrokerConfigs = { cluster: new Map(), node: new Map() };

/** Folds one BrokerConfigChanged event (never validates: the decision did). */
export const evolveBrokerConfigs = (state: DynamicBrokerConfigs, event: BrokerConfigEvent): DynamicBrokerConfigs => {
  const next = new Map(state[event.scope]);
  for (const c of event.configs) {
    if (c.value === null) next.delete(c.name);
    else next.set(c.name, c.value);
  }
  return { ...state, [event.scope]: next };
};

/** Events that rebuild `state` from scratch (snapshots). */
export const brokerConfigSnapshotEvents = (state: DynamicBrokerConfigs): BrokerConfigEvent[] =>
  (['cluster', 'node'] as BrokerConfigScope[])
    .filter((scope) => state[scope].size > 0)
    .map((scope) => ({ type: 'BrokerConfigChanged' as const, scope, configs: [...state[scope]].map(([name, value]) => ({ name, value })) }));

/** Static settings with the dynamic layers on top: what the broker runs with. */
export const effectiveBrokerSettings = (staticSettings: ReadonlyMap<string, string>, dynamic: DynamicBrokerConfigs): ReadonlyMap<string, string> =>
  dynamic.cluster.size === 0 && dynamic.node.size === 0 ? staticSettings : new Map([...staticSettings, ...dynamic.cluster, ...dynamic.node]);
