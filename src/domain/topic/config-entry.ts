/** DescribeConfigs ConfigSource values (DescribeConfigsResponse v1+). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

/** DescribeConfigs ConfigType values (DescribeConfigsResponse v3+). */
export const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

export interface ConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSource;
}

/** One DescribeConfigs result entry, version-independent (the handler drops what a version lacks). */
export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** v0's IsDefault: the value is the built-in default. */
  readonly isDefault: boolean;
  readonly source: ConfigSource;
  readonly isSensitive: boolean;
  readonly type: ConfigType;
  readonly documentation: string | null;
  /** Most specific first (topic, broker, default), as Kafka lists them when IncludeSynonyms is set. */
  readonly synonyms: ReadonlyArray<ConfigSynonym>;
}
