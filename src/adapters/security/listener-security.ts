import type { BrokerConfig } from '../config/broker-config';
import { parseMechanisms, parseTlsProtocols, type ListenerConfig } from '../config/security-config';
import type { CredentialMechanism, StoredCredential } from '../../domain/security/security-state';
import type { ApiHandler } from '../kafka/server/api-handler';
import type { ListenerSpec } from '../kafka/server/listener';
import { SaslAuthenticator } from '../kafka/server/sasl-authenticator';
import { PlainSaslServer } from './plain-sasl-server';
import type { SaslServer } from './sasl-server';
import { serverNonce } from './scram-formatter';
import { ScramSaslServer } from './scram-sasl-server';
import { loadTlsOptions, type TlsSettings } from './tls-options';

/** Where logins find credentials: the security service's acknowledged state, once loaded. */
export interface CredentialSource {
  credential(name: string, mechanism: CredentialMechanism): StoredCredential | undefined;
  ready(): Promise<void>;
}

/** A fresh server-side mechanism for one connection. */
export const saslServerFor = (mechanism: string, credentials: CredentialSource): SaslServer => {
  if (mechanism === 'PLAIN') return new PlainSaslServer((user, m) => credentials.credential(user, m));
  const scram = mechanism as 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  return new ScramSaslServer(scram, (user) => credentials.credential(user, scram), serverNonce);
};

/**
 * The listeners to bind, each with its TLS context (SSL, SASL_SSL) and SASL authenticator
 * (SASL_PLAINTEXT, SASL_SSL). TLS stores are read once here, so a bad key store stops start-up
 * with one line (LS-6, LS-7), and again on every `reloadTls` (SIGHUP).
 */
export const listenerSpecs = (
  listeners: readonly ListenerConfig[],
  config: BrokerConfig,
  credentials: CredentialSource,
  apiVersions: ApiHandler,
): ListenerSpec[] => {
  const mechanisms = parseMechanisms(config.saslEnabledMechanisms);
  return listeners.map((l): ListenerSpec => {
    const usesTls = l.protocol === 'SSL' || l.protocol === 'SASL_SSL';
    const usesSasl = l.protocol === 'SASL_PLAINTEXT' || l.protocol === 'SASL_SSL';
    const spec: { -readonly [K in keyof ListenerSpec]: ListenerSpec[K] } = { name: l.name, protocol: l.protocol, host: l.host, port: l.port };
    if (usesTls) {
      const settings: TlsSettings = {
        keystoreLocation: config.sslKeystoreLocation!,
        keyPassword: config.sslKeyPassword,
        truststoreLocation: config.sslTruststoreLocation,
        enabledProtocols: parseTlsProtocols(config.sslEnabledProtocols),
      };
      loadTlsOptions(settings);
      spec.tls = { load: () => loadTlsOptions(settings), clientAuth: config.sslClientAuth };
    }
    if (usesSasl) {
      spec.sasl = (context) =>
        new SaslAuthenticator(
          { mechanisms, newServer: (m) => saslServerFor(m, credentials), apiVersions, ready: () => credentials.ready() },
          context,
        );
    }
    return spec;
  });
};
