import { ConfigSource, ConfigSynonym, ConfigType, DescribedConfig } from './config-entry';
import { DYNAMIC_BROKER_CONFIGS, dynamicBrokerConfigDef } from '../config/dynamic-broker-config-defs';
import { initialDynamicBrokerConfigs, type DynamicBrokerConfigs } from '../config/dynamic-broker-configs';

/** A broker setting listed by DescribeConfigs for a BROKER resource. */
export interface BrokerConfigDef {
  readonly name: string;
  readonly defaultValue: string | null;
  readonly type: ConfigType;
  readonly sensitive: boolean;
}

const b = (name: string, defaultValue: string | null, type: ConfigType, sensitive = false): BrokerConfigDef => ({
  name,
  defaultValue,
  type,
  sensitive,
});

/** The Kafka 3.x broker settings Cohort honours or reports, with Kafka's defaults. */
export const BROKER_CONFIGS: ReadonlyArray<BrokerConfigDef> = [
  b('advertised.listeners', null, ConfigType.STRING),
  b('auto.create.topics.enable', 'true', ConfigType.BOOLEAN),
  b('broker.id', '-1', ConfigType.INT),
  b('compression.type', 'producer', ConfigType.STRING),
  b('default.replication.factor', '1', ConfigType.INT),
  b('delete.topic.enable', 'true', ConfigType.BOOLEAN),
  b('group.initial.rebalance.delay.ms', '3000', ConfigType.INT),
  b('group.max.session.timeout.ms', '1800000', ConfigType.INT),
  b('group.max.size', '2147483647', ConfigType.INT),
  b('group.min.session.timeout.ms', '6000', ConfigType.INT),
  b('listeners', 'PLAINTEXT://:9092', ConfigType.STRING),
  b('log.cleanup.policy', 'delete', ConfigType.LIST),
  b('log.dirs', null, ConfigType.STRING),
  b('log.flush.interval.messages', '9223372036854775807', ConfigType.LONG),
  b('log.flush.interval.ms', null, ConfigType.LONG),
  b('log.index.interval.bytes', '4096', ConfigType.INT),
  b('log.message.timestamp.type', 'CreateTime', ConfigType.STRING),
  b('log.retention.bytes', '-1', ConfigType.LONG),
  b('log.retention.check.interval.ms', '300000', ConfigType.LONG),
  b('log.retention.hours', '168', ConfigType.INT),
  b('log.retention.minutes', null, ConfigType.INT),
  b('log.retention.ms', null, ConfigType.LONG),
  b('log.cleaner.enable', 'true', ConfigType.BOOLEAN),
  b('max.incremental.fetch.session.cache.slots', '1000', ConfigType.INT),
  b('log.roll.hours', '168', ConfigType.INT),
  b('log.segment.bytes', '1073741824', ConfigType.INT),
  b('message.max.bytes', '1048588', ConfigType.INT),
  b('min.insync.replicas', '1', ConfigType.INT),
  b('node.id', '-1', ConfigType.INT),
  b('num.partitions', '1', ConfigType.INT),
  b('offsets.commit.timeout.ms', '5000', ConfigType.INT),
  b('offsets.retention.minutes', '10080', ConfigType.INT),
  b('offsets.topic.num.partitions', '50', ConfigType.INT),
  b('offsets.topic.replication.factor', '3', ConfigType.SHORT),
  b('sasl.enabled.mechanisms', 'GSSAPI', ConfigType.LIST),
  b('transaction.state.log.num.partitions', '50', ConfigType.INT),
  b('unclean.leader.election.enable', 'false', ConfigType.BOOLEAN),
];

/** The broker's value for `name`: its configured setting, else Kafka's default (null when unset and no default). */
export const brokerConfigValue = (name: string, settings: ReadonlyMap<string, string>): string | null =>
  settings.get(name) ?? BROKER_CONFIGS.find((d) => d.name === name)?.defaultValue ?? null;

/**
 * DescribeConfigs for the BROKER resource of this node: every known setting, its value and source —
 * DYNAMIC_BROKER_CONFIG (set for this node by AlterConfigs), DYNAMIC_DEFAULT_BROKER_CONFIG (set as
 * the cluster-wide default), STATIC_BROKER_CONFIG (flags, env, config file) or DEFAULT_CONFIG — with
 * synonyms most specific first. Settings Kafka cannot change at run time are read-only. For the
 * cluster-default resource (name "") Kafka lists only the dynamic default configs: `clusterDefault`.
 * Sensitive values are hidden, as Kafka does.
 */
export const describeBrokerConfigs = (
  settings: ReadonlyMap<string, string>,
  names: ReadonlyArray<string> | null = null,
  dynamic: DynamicBrokerConfigs = initialDynamicBrokerConfigs,
  clusterDefault = false,
): DescribedConfig[] => {
  const known = new Map<string, BrokerConfigDef>(BROKER_CONFIGS.map((d) => [d.name, d]));
  for (const d of DYNAMIC_BROKER_CONFIGS) if (!known.has(d.name)) known.set(d.name, b(d.name, d.defaultValue, d.type));
  const all = [...known.values()].sort((x, y) => (x.name < y.name ? -1 : 1));
  return all
    .filter((d) => names === null || names.includes(d.name))
    .filter((d) => !clusterDefault || dynamic.cluster.has(d.name))
    .map((d) => {
      const hide = (v: string | null) => (d.sensitive ? null : v);
      const synonyms: ConfigSynonym[] = [];
      const node = clusterDefault ? undefined : dynamic.node.get(d.name);
      if (node !== undefined) synonyms.push({ name: d.name, value: hide(node), source: ConfigSource.DYNAMIC_BROKER_CONFIG });
      const cluster = dynamic.cluster.get(d.name);
      if (cluster !== undefined) synonyms.push({ name: d.name, value: hide(cluster), source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      const set = clusterDefault ? undefined : settings.get(d.name);
      if (set !== undefined) synonyms.push({ name: d.name, value: hide(set), source: ConfigSource.STATIC_BROKER_CONFIG });
      if (!clusterDefault) synonyms.push({ name: d.name, value: hide(d.defaultValue), source: ConfigSource.DEFAULT_CONFIG });
      const winner = synonyms[0];
      return {
        name: d.name,
        value: winner.value,
        readOnly: dynamicBrokerConfigDef(d.name) === undefined,
        isDefault: winner.source === ConfigSource.DEFAULT_CONFIG,
        source: winner.source,
        isSensitive: d.sensitive,
        type: d.type,
        documentation: dynamicBrokerConfigDef(d.name)?.documentation ?? null,
        synonyms,
      };
    });
};
