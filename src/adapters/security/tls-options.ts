import * as fs from 'node:fs';
import * as tls from 'node:tls';

/** `ssl.client.auth` (LS-5). */
export type ClientAuth = 'required' | 'requested' | 'none';

/** Kafka's PEM key store and trust store settings (LS-6), read by one listener family. */
export interface TlsSettings {
  /** `ssl.keystore.location`: one PEM file with the private key (PKCS#8) and the certificate chain. */
  readonly keystoreLocation: string;
  /** `ssl.key.password`: only for an encrypted private key. */
  readonly keyPassword: string | null;
  /** `ssl.truststore.location`: PEM CA bundle for client certificates. */
  readonly truststoreLocation: string | null;
  /** `ssl.enabled.protocols`: TLSv1.2 and/or TLSv1.3. */
  readonly enabledProtocols: readonly ('TLSv1.2' | 'TLSv1.3')[];
}

/** A key store or trust store that cannot serve; its message is the one line the operator sees. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

const pemBlocks = (text: string): { label: string; pem: string }[] => [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, pem: `${m[0]}\n` }));

const read = (file: string, option: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TlsConfigError(`cannot read --${option} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
};

/**
 * Reads the PEM stores into Node's secure-context options and checks they make a usable context
 * (LS-6, LS-7): exactly one private key, at least one certificate, a key that opens with the given
 * password and matches the certificate. Called at start-up and on SIGHUP (certificate reload).
 */
export const loadTlsOptions = (s: TlsSettings): tls.SecureContextOptions => {
  const blocks = pemBlocks(read(s.keystoreLocation, 'ssl-keystore-location'));
  const keys = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (keys.length !== 1) throw new TlsConfigError(`--ssl-keystore-location ${s.keystoreLocation}: expected one PEM private key, found ${keys.length}`);
  if (certs.length === 0) throw new TlsConfigError(`--ssl-keystore-location ${s.keystoreLocation}: no PEM certificate chain after the key`);
  const options: tls.SecureContextOptions = {
    key: keys[0]!.pem,
    cert: certs.map((c) => c.pem).join(''),
    minVersion: s.enabledProtocols.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3',
    maxVersion: s.enabledProtocols.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2',
    ...(s.keyPassword === null ? {} : { passphrase: s.keyPassword }),
  };
  if (s.truststoreLocation !== null) {
    const cas = pemBlocks(read(s.truststoreLocation, 'ssl-truststore-location')).filter((b) => b.label === 'CERTIFICATE');
    if (cas.length === 0) throw new TlsConfigError(`--ssl-truststore-location ${s.truststoreLocation}: no PEM certificate`);
    options.ca = cas.map((c) => c.pem);
  }
  try {
    tls.createSecureContext(options);
  } catch (err) {
    // Never echo the key or password: the OpenSSL reason is enough ("bad decrypt", "key values mismatch").
    throw new TlsConfigError(`--ssl-keystore-location ${s.keystoreLocation}: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
  }
  return options;
};
