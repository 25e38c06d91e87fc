/** Who this broker is, as clients must see it (Metadata, FindCoordinator, DescribeCluster). */
export interface BrokerIdentity {
  readonly nodeId: number;
  /** Host clients reconnect to: the advertised host, never a wildcard address. */
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly rack: string | null;
}

/** Kafka's "authorized operations not requested" sentinel (GEN-7). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
