import 'reflect-metadata';
import { startBroker, type RunningBroker } from '../../../src/main';
import { resolveConfig, type BrokerConfig } from '../../../src/adapters/config/broker-config';
import { credentialFromPassword } from '../../../src/adapters/security/scram-formatter';
import { decideUpsertCredential } from '../../../src/domain/security/decide-credentials';
import type { CredentialMechanism, SecurityEvent } from '../../../src/domain/security';
import { tempDir } from './broker-process';
import type { TestCertificates } from './test-certificates';

/** An in-process broker with PLAINTEXT and SASL_PLAINTEXT listeners, plus SSL and SASL_SSL when certificates are given. */
export interface SecureBroker {
  readonly broker: RunningBroker;
  readonly plaintext: number;
  readonly sasl: number;
  readonly ssl: number | null;
  readonly saslSsl: number | null;
  addUser(name: string, password: string, mechanisms?: CredentialMechanism[]): Promise<void>;
  close(): Promise<void>;
}

export const startSecureBroker = async (opts: { certs?: TestCertificates; config?: Partial<BrokerConfig> } = {}): Promise<SecureBroker> => {
  const listeners = ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0'];
  if (opts.certs) listeners.push('SSL://127.0.0.1:0', 'SASL_SSL://127.0.0.1:0');
  const config = resolveConfig({
    dataDir: tempDir(), logLevel: 'silent', groupInitialRebalanceDelayMs: 0, fsync: 'os', listeners: listeners.join(','),
    ...(opts.certs ? { sslKeystoreLocation: opts.certs.brokerKeystore, sslTruststoreLocation: opts.certs.caPem } : {}),
    ...opts.config,
  });
  const broker = await startBroker(config);
  return {
    broker,
    plaintext: broker.ports.get('PLAINTEXT')!,
    sasl: broker.ports.get('SASL_PLAINTEXT')!,
    ssl: broker.ports.get('SSL') ?? null,
    saslSsl: broker.ports.get('SASL_SSL') ?? null,
    addUser: async (name, password, mechanisms = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) => {
      for (const m of mechanisms) {
        const event = decideUpsertCredential(await credentialFromPassword(name, password, m, 4096));
        if ('code' in event) throw new Error(event.message);
        await broker.security.commit([event as SecurityEvent]);
      }
    },
    close: () => broker.close(),
  };
};
