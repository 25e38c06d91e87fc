import type { CredentialMechanism, StoredCredential } from '../../domain/security/security-state';
import type { SaslServer, SaslStep } from './sasl-server';
import { bytesEqual, hashOf, keysFromSaltedPassword, saltedPassword } from './scram-formatter';

/** Credentials a PLAIN login may be checked against, in order: its own, then the SCRAM ones. */
const PLAIN_SOURCES: readonly CredentialMechanism[] = ['PLAIN', 'SCRAM-SHA-512', 'SCRAM-SHA-256'];
/** Work done for an unknown user too, so a miss takes as long as a wrong password. */
const DECOY_SALT = Buffer.alloc(32, 7);

const failed = (reason: string, clientMessage: string): SaslStep => ({ kind: 'failed', reason, clientMessage });

/**
 * SASL/PLAIN server (RFC 4616, Kafka's PlainSaslServer; SA-11, SA-12): `authzid NUL authcid NUL passwd`.
 * Passwords are never stored: the salted keys of the user's PLAIN credential (or, failing that, a SCRAM
 * credential) are re-derived from the offered password on the threadpool and compared in constant time.
 */
export class PlainSaslServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private used = false;

  constructor(private readonly lookup: (user: string, mechanism: CredentialMechanism) => StoredCredential | undefined) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    if (this.used) return { kind: 'failed', reason: 'token after PLAIN completed (ILLEGAL_SASL_STATE)', clientMessage: null };
    this.used = true;
    const tokens = splitTokens(token.toString('utf8'));
    if (tokens.length !== 3) return failed('malformed PLAIN token', `Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`);
    const [authzid, username, password] = tokens as [string, string, string];
    if (username === '') return failed('empty username', 'Authentication failed: username not specified');
    if (password === '') return failed('empty password', 'Authentication failed: password not specified');
    const credential = PLAIN_SOURCES.map((m) => this.lookup(username, m)).find((c) => c !== undefined);
    const ok = await verify(password, credential);
    if (!ok) return failed('invalid username or password', 'Authentication failed: Invalid username or password');
    if (authzid !== '' && authzid !== username) {
      return failed('authorization id differs from username', 'Authentication failed: Client requested an authorization id that is different from username');
    }
    return { kind: 'complete', bytes: Buffer.alloc(0), authorizationId: username };
  }
}

/** Kafka's extractTokens: at most four NUL-separated pieces, so a fourth NUL shows up as a wrong count. */
const splitTokens = (text: string): string[] => {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = text.indexOf('\u0000', start);
    if (end === -1) {
      out.push(text.slice(start));
      break;
    }
    out.push(text.slice(start, end));
    start = end + 1;
  }
  return out;
};

const verify = async (password: string, credential: StoredCredential | undefined): Promise<boolean> => {
  const hash = credential === undefined ? 'sha512' : hashOf(credential.mechanism);
  const salted = await saltedPassword(Buffer.from(password, 'utf8'), credential?.salt ?? DECOY_SALT, credential?.iterations ?? 4096, hash);
  const { storedKey } = keysFromSaltedPassword(salted, hash);
  salted.fill(0);
  return credential !== undefined && bytesEqual(storedKey, credential.storedKey);
};
