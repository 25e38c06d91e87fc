import type { StoredCredential } from '../../domain/security/security-state';
import { MIN_ITERATIONS } from '../../domain/security/decide-credentials';
import type { SaslServer, SaslStep } from './sasl-server';
import { bytesEqual, digest, hashOf, hmac } from './scram-formatter';
import { parseClientFinal, parseClientFirst, serverFinalMessage, serverFirstMessage, type ClientFirstMessage } from './scram-messages';

type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const failed = (reason: string, clientMessage: string | null = null): SaslStep => ({ kind: 'failed', reason, clientMessage });

/**
 * SCRAM-SHA-256/512 server (RFC 5802/7677, Kafka's ScramSaslServer; SA-13..SA-18). Two rounds:
 * client-first → server-first, client-final → server-final. The server never sees the password and
 * never runs PBKDF2: it checks the proof against StoredKey with a constant-time comparison.
 */
export class ScramSaslServer implements SaslServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private clientFirst: ClientFirstMessage | null = null;
  private serverFirst = '';
  private nonce = '';
  private credential: StoredCredential | null = null;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => StoredCredential | undefined,
    private readonly newNonce: () => string,
  ) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    const step = this.state === 'first' ? this.first(token) : this.state === 'final' ? this.final(token) : failed('token after SCRAM completed (ILLEGAL_SASL_STATE)');
    if (step.kind !== 'challenge') {
      this.state = 'done';
      this.credential = null;
    }
    return step;
  }

  private first(token: Buffer): SaslStep {
    const msg = parseClientFirst(token.toString('utf8'));
    if (msg === null) return failed('invalid SCRAM client-first message');
    // SA-18: delegation-token logins are out of scope and fail like an unknown user.
    const credential = msg.extensions.get('tokenauth') === 'true' ? undefined : this.lookup(msg.username);
    if (credential === undefined) return failed(`no ${this.mechanism} credential for the user`);
    if (msg.authorizationId !== '' && msg.authorizationId !== msg.username) {
      return failed('authorization id differs from username', 'Authentication failed: Client requested an authorization id that is different from username');
    }
    if (credential.iterations < MIN_ITERATIONS) return failed(`stored iterations ${credential.iterations} below ${MIN_ITERATIONS}`);
    this.clientFirst = msg;
    this.credential = credential;
    this.nonce = msg.nonce + this.newNonce();
    this.serverFirst = serverFirstMessage(this.nonce, credential.salt, credential.iterations);
    this.state = 'final';
    return { kind: 'challenge', bytes: Buffer.from(this.serverFirst, 'utf8') };
  }

  private final(token: Buffer): SaslStep {
    const msg = parseClientFinal(token.toString('utf8'));
    if (msg === null) return failed('invalid SCRAM client-final message');
    if (!msg.nonce.endsWith(this.nonce)) return failed('Invalid client nonce in the final client message.');
    const cred = this.credential!;
    const hash = hashOf(this.mechanism);
    const authMessage = `${this.clientFirst!.bare},${this.serverFirst},${msg.withoutProof}`;
    const clientSignature = hmac(hash, cred.storedKey, authMessage);
    if (msg.proof.length !== clientSignature.length) return failed('Invalid client credentials');
    const clientKey = Buffer.alloc(clientSignature.length);
    for (let i = 0; i < clientKey.length; i++) clientKey[i] = msg.proof[i]! ^ clientSignature[i]!;
    if (!bytesEqual(digest(hash, clientKey), cred.storedKey)) return failed('Invalid client credentials');
    const serverSignature = hmac(hash, cred.serverKey, authMessage);
    return { kind: 'complete', bytes: Buffer.from(serverFinalMessage(serverSignature), 'utf8'), authorizationId: this.clientFirst!.username };
  }
}
