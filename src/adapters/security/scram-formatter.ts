import { createHash, createHmac, pbkdf2 as pbkdf2Callback, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { CredentialUpsert } from '../../domain/security/decide-credentials';
import type { CredentialMechanism } from '../../domain/security/security-state';

const pbkdf2 = promisify(pbkdf2Callback);

/** The hash of a mechanism (SA-17). PLAIN credentials are kept in SCRAM-SHA-512 form. */
export const hashOf = (mechanism: CredentialMechanism): 'sha256' | 'sha512' => (mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');
const digestBytes = (hash: 'sha256' | 'sha512'): number => (hash === 'sha256' ? 32 : 64);

export const hmac = (hash: 'sha256' | 'sha512', key: Uint8Array, data: Uint8Array | string): Buffer => createHmac(hash, key).update(data).digest();
export const digest = (hash: 'sha256' | 'sha512', data: Uint8Array): Buffer => createHash(hash).update(data).digest();

/** SA-17 `Hi(UTF8(password), salt, i)`: PBKDF2 on the threadpool, so a login never blocks the event loop. No SASLprep (Kafka hashes raw UTF-8). */
export const saltedPassword = (password: Uint8Array, salt: Uint8Array, iterations: number, hash: 'sha256' | 'sha512'): Promise<Buffer> =>
  pbkdf2(password, salt, iterations, digestBytes(hash), hash);

/** SA-17 / CR-3: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key"). */
export const keysFromSaltedPassword = (salted: Uint8Array, hash: 'sha256' | 'sha512'): { storedKey: Buffer; serverKey: Buffer } => ({
  storedKey: digest(hash, hmac(hash, salted, 'Client Key')),
  serverKey: hmac(hash, salted, 'Server Key'),
});

/** Random salt, as Kafka's tools make one (32 bytes here). */
export const newSalt = (): Buffer => randomBytes(32);

/** A credential to store for `password`, never keeping the password or the salted password (SP-2). */
export const credentialFromPassword = async (name: string, password: string, mechanism: CredentialMechanism, iterations: number, salt: Uint8Array = newSalt()): Promise<CredentialUpsert> => {
  const hash = hashOf(mechanism);
  const salted = await saltedPassword(Buffer.from(password, 'utf8'), salt, iterations, hash);
  const keys = keysFromSaltedPassword(salted, hash);
  salted.fill(0);
  return { name, mechanism, iterations, salt: Uint8Array.from(salt), storedKey: Uint8Array.from(keys.storedKey), serverKey: Uint8Array.from(keys.serverKey) };
};

/** Constant-time equality of two byte strings; different lengths are unequal (SA-15). */
export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

/** SA-14 server nonce: 130 random bits rendered in base 36, like Kafka's ScramFormatter.secureRandomString. */
export const serverNonce = (): string => {
  const bytes = randomBytes(17);
  bytes[0]! &= 0x03;
  return BigInt(`0x${bytes.toString('hex')}`).toString(36);
};
