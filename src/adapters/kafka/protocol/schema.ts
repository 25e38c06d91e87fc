/**
 * Shape of the schema table emitted by scripts/codegen.js. Mirrors Apache Kafka's JSON message
 * definitions (see ../shared/kafka-protocol/README.md, "How to read the JSON files"); version attributes
 * stay as the original strings ("3", "3-5", "3+", "none").
 */
export interface FieldSchema {
  readonly name: string;
  /** Primitive, `[]T`, or a struct name (then `fields` holds its members). */
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** A JSON string ("-1", "0x7fffffff", "null", "true"), a raw JSON number or boolean, or a JSON null. */
  readonly default?: string | number | boolean | null;
  readonly ignorable?: boolean;
  /** Field-level override of the message's flexibleVersions (string and bytes only). */
  readonly flexibleVersions?: string;
  readonly mapKey?: boolean;
  readonly entityType?: string;
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header' | 'data' | string;
  readonly apiKey?: number;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly deprecatedVersions?: string;
  readonly latestVersionUnstable?: boolean;
  readonly fields: readonly FieldSchema[];
}

/** A tagged field this codec has no schema for, kept so that re-encoding is byte-exact (KIP-482). */
export interface TaggedField {
  tag: number;
  data: Buffer;
}
