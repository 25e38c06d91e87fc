import type { BrokerConfig } from '../config/broker-config';

/**
 * `--help` text of options that need more than their name: what each does and the Kafka setting it
 * mirrors. Options without an entry show their name only.
 */
export const OPTION_HELP: Partial<Record<keyof BrokerConfig, string>> = {
  listeners: 'listeners to bind, NAME://host:port,... e.g. PLAINTEXT://:9092,SASL_SSL://:9094; overrides --host/--port (Kafka listeners)',
  advertisedListeners: 'per-listener address clients are told to use, NAME://host:port,... (Kafka advertised.listeners)',
  listenerSecurityProtocolMap: 'listener name to PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL, NAME:PROTOCOL,... (Kafka listener.security.protocol.map)',
  saslEnabledMechanisms: 'SASL mechanisms offered on SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (Kafka sasl.enabled.mechanisms)',
  sslKeystoreLocation: 'PEM file with the private key and certificate chain of TLS listeners (Kafka ssl.keystore.location with ssl.keystore.type=PEM)',
  sslKeyPassword: 'password of an encrypted private key in the key store (Kafka ssl.key.password)',
  sslTruststoreLocation: 'PEM CA bundle that client certificates must chain to (Kafka ssl.truststore.location with ssl.truststore.type=PEM)',
  sslClientAuth: 'client certificates on SSL listeners: required | requested | none; principal = certificate subject (Kafka ssl.client.auth)',
  sslEnabledProtocols: 'TLS versions accepted: TLSv1.2,TLSv1.3 (Kafka ssl.enabled.protocols)',
  authorizerEnabled: 'true: every request is checked against ACLs (Kafka authorizer.class.name=StandardAuthorizer)',
  superUsers: 'principals allowed everything, User:a;User:b (Kafka super.users)',
  allowEveryoneIfNoAclFound: 'true: a resource without any ACL is open to all (Kafka allow.everyone.if.no.acl.found)',
  connectionFailedAuthenticationDelayMs: 'delay before a failed login is closed, slowing brute force (Kafka connection.failed.authentication.delay.ms)',
  saslServerMaxReceiveSize: 'largest frame accepted before authentication completes (Kafka sasl.server.max.receive.size)',
};
