/** Who this broker is, as clients must see it (Metadata, FindCoordinator, DescribeCluster). */
export interface BrokerIdentity {
  readonly nodeId: number;
  /** Host clients reconnect to: the advertised host, never a wildcard address. */
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly rack: string | null;
  /** Advertised endpoint per listener name (LS-2); `host`/`port` above are the first listener's. */
  readonly listeners?: ReadonlyMap<string, { readonly host: string; readonly port: number }>;
}

/** LS-2: the endpoint of the listener a request arrived on (Kafka filters brokers by the request's listener). */
export const advertisedEndpoint = (broker: BrokerIdentity, listenerName: string | undefined): { host: string; port: number } =>
  (listenerName === undefined ? undefined : broker.listeners?.get(listenerName)) ?? { host: broker.host, port: broker.port };

/** Kafka's "authorized operations not requested" sentinel (GEN-7). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
