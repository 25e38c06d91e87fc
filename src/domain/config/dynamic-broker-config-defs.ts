import { ConfigType } from '../topic/config-entry';
import { TOPIC_CONFIGS } from '../topic/topic-configs';

/** A broker setting that AlterConfigs may change at run time (Kafka's DynamicBrokerConfig.AllDynamicConfigs, the part Cohort honours). */
export interface DynamicBrokerConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  readonly defaultValue: string | null;
  /** Why `value` is invalid, or null. */
  readonly validate: (value: string) => string | null;
  readonly documentation: string;
}

const nonNegativeLong = (value: string): string | null => {
  const v = value.trim();
  if (!/^\d+$/.test(v) || BigInt(v) > 9223372036854775807n) return `Invalid value ${value}: Value must be at least 0`;
  return null;
};
const positiveDouble = (value: string): string | null => {
  const v = value.trim();
  return /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) && Number(v) > 0 ? null : `Invalid value ${value}: Value must be a positive number`;
};

/**
 * Topic-config synonyms are dynamic in Kafka (DynamicLogConfig.ReconfigurableConfigs: the primary
 * broker synonym of every topic config except message.format.version); they are validated as the
 * topic config they default. Cohort honours them on live logs (retention, compaction, segments).
 * The log cleaner's own settings are dynamic too (LogCleaner.ReconfigurableConfigs).
 */
const TOPIC_SYNONYMS: DynamicBrokerConfigDef[] = TOPIC_CONFIGS.filter(
  (d) => d.brokerSynonym !== null && d.name !== 'message.format.version' && !d.name.endsWith('.replication.throttled.replicas'),
).map((d) => ({ name: d.brokerSynonym as string, type: d.type, defaultValue: d.defaultValue, validate: d.validate, documentation: d.documentation }));

const CLEANER: DynamicBrokerConfigDef[] = [
  {
    name: 'log.cleaner.io.max.bytes.per.second', type: ConfigType.DOUBLE, defaultValue: '1.7976931348623157E308', validate: positiveDouble,
    documentation: 'The log cleaner reads and writes at most this many bytes per second.',
  },
  {
    name: 'log.cleaner.backoff.ms', type: ConfigType.LONG, defaultValue: '15000', validate: nonNegativeLong,
    documentation: 'How long the log cleaner sleeps when no log needs cleaning.',
  },
];

export const DYNAMIC_BROKER_CONFIGS: ReadonlyArray<DynamicBrokerConfigDef> = [...TOPIC_SYNONYMS, ...CLEANER];

const BY_NAME = new Map(DYNAMIC_BROKER_CONFIGS.map((d) => [d.name, d]));

/** The definition of a dynamic broker config, or undefined when the name cannot be changed at run time. */
export const dynamicBrokerConfigDef = (name: string): DynamicBrokerConfigDef | undefined => BY_NAME.get(name);
