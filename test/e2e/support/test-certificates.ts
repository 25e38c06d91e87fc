import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './broker-process';

/** PEM files generated for one test run by Debian's openssl (never committed). */
export interface TestCertificates {
  readonly dir: string;
  /** CA certificate: the clients' trust store and the broker's --ssl-truststore-location. */
  readonly caPem: string;
  /** Broker key + chain in one PEM file (--ssl-keystore-location), valid for 127.0.0.1 and localhost. */
  readonly brokerKeystore: string;
  /** Client certificate, key and combined PEM for subject CN=alice,OU=eng,O=cohort. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA no certificate here chains to (wrong-CA tests). */
  readonly otherCaPem: string;
  /** Makes another broker key store (same CA), for certificate reload tests. */
  newBrokerKeystore(name: string): string;
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const makeCa = (dir: string, name: string): void =>
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);

/** Signs a PKCS#8 key's certificate with the test CA; `ext` adds extensions (SAN for servers). */
const makeLeaf = (dir: string, name: string, subject: string, ext: string | null): void => {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`];
  if (ext !== null) {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    args.push('-extfile', `${name}.ext`);
  }
  openssl(args, dir);
};

/** Generates a CA, a broker certificate (SAN IP:127.0.0.1, DNS:localhost) and a client certificate. */
export const generateTestCertificates = (): TestCertificates => {
  const dir = tempDir('cohort-certs-');
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  const newBrokerKeystore = (name: string): string => {
    makeLeaf(dir, name, '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    const keystore = path.join(dir, `${name}-keystore.pem`);
    // Kafka's PEM key store: the PKCS#8 private key followed by the certificate chain.
    fs.writeFileSync(keystore, fs.readFileSync(path.join(dir, `${name}.key`), 'utf8') + fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8') + fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
    return keystore;
  };
  const brokerKeystore = newBrokerKeystore('broker');
  makeLeaf(dir, 'client', '/O=cohort/OU=eng/CN=alice', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caPem: path.join(dir, 'ca.pem'),
    brokerKeystore,
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client.key'),
    otherCaPem: path.join(dir, 'other-ca.pem'),
    newBrokerKeystore,
  };
};
