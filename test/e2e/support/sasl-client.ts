import * as crypto from 'node:crypto';
import { API_KEY } from '../../../src/adapters/kafka/protocol';
import { saslNameFromUsername } from '../../../src/adapters/security/scram-messages';
import type { RawClient } from './raw-client';

export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const hashOf = (m: Mechanism) => (m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');
const hmac = (h: string, key: crypto.BinaryLike, data: string | Buffer) => crypto.createHmac(h, key).update(data).digest();

/** The client side of SCRAM (RFC 5802), for tests: first message, then the final one from the server's first. */
export class ScramClient {
  readonly nonce: string;
  readonly clientFirstBare: string;
  private serverSignature: Buffer | null = null;

  constructor(readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', readonly user: string, private readonly password: string, nonce = crypto.randomBytes(18).toString('base64').replace(/[=,]/g, 'x')) {
    this.nonce = nonce;
    this.clientFirstBare = `n=${saslNameFromUsername(user)},r=${nonce}`;
  }

  first(authzid = ''): Buffer {
    return Buffer.from(`n,${authzid === '' ? '' : `a=${saslNameFromUsername(authzid)}`},${this.clientFirstBare}`);
  }

  /** client-final for `serverFirst`; `tamper` changes the nonce or proof for negative tests. */
  final(serverFirst: Buffer | string, tamper: { nonce?: string; proof?: Buffer } = {}): Buffer {
    const sf = serverFirst.toString();
    const attrs = new Map(sf.split(',').map((kv) => [kv[0]!, kv.slice(2)]));
    const h = hashOf(this.mechanism);
    const salted = crypto.pbkdf2Sync(this.password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')), h === 'sha256' ? 32 : 64, h);
    const clientKey = hmac(h, salted, 'Client Key');
    const storedKey = crypto.createHash(h).update(clientKey).digest();
    const withoutProof = `c=biws,r=${tamper.nonce ?? attrs.get('r')!}`;
    const authMessage = `${this.clientFirstBare},${sf},${withoutProof}`;
    const signature = hmac(h, storedKey, authMessage);
    const proof = tamper.proof ?? Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    this.serverSignature = hmac(h, hmac(h, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** True when server-final carries the signature only the holder of the credential can compute. */
  verifyServerFinal(serverFinal: Buffer | string): boolean {
    return serverFinal.toString() === `v=${this.serverSignature!.toString('base64')}`;
  }
}

export const plainToken = (user: string, password: string, authzid = ''): Buffer => Buffer.from(`${authzid}\u0000${user}\u0000${password}`);

/**
 * Logs a raw client in with SaslHandshake v1 + SaslAuthenticate (v1 unless given): resolves with the
 * last SaslAuthenticate response body, or rejects if the connection closes first.
 */
export const saslLogin = async (client: RawClient, mechanism: Mechanism, user: string, password: string, authenticateVersion = 1): Promise<{ errorCode: number; errorMessage: string | null }> => {
  const hs = await client.send(API_KEY.SaslHandshake, 1, { mechanism });
  if (hs.body.errorCode !== 0) return { errorCode: hs.body.errorCode, errorMessage: null };
  if (mechanism === 'PLAIN') return (await client.send(API_KEY.SaslAuthenticate, authenticateVersion, { authBytes: plainToken(user, password) })).body;
  const scram = new ScramClient(mechanism, user, password);
  const first = await client.send(API_KEY.SaslAuthenticate, authenticateVersion, { authBytes: scram.first() });
  if (first.body.errorCode !== 0) return first.body;
  const last = await client.send(API_KEY.SaslAuthenticate, authenticateVersion, { authBytes: scram.final(first.body.authBytes) });
  if (last.body.errorCode === 0 && !scram.verifyServerFinal(last.body.authBytes)) throw new Error('server signature did not verify');
  return last.body;
};
