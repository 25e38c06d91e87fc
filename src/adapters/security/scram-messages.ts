/**
 * SCRAM message grammar as Kafka's ScramMessages parses it (SA-13, SA-15): full-string matches, ASCII
 * names only, gs2 flag `n` only (no channel binding), unknown extensions kept and ignored.
 */
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const B64 = '[a-zA-Z0-9/+]';
const BASE64 = `(?:${B64}{4})*(?:${B64}{3}=|${B64}{2}==)?`;
const EXTENSIONS = `(?:,[A-Za-z]+=${VALUE})*`;

const CLIENT_FIRST = new RegExp(`^n,(?:a=(${SASLNAME}))?,((?:m=${VALUE},)?n=(${SASLNAME}),r=(${PRINTABLE})(${EXTENSIONS}))$`);
const CLIENT_FINAL = new RegExp(`^(c=(${BASE64}),r=(${PRINTABLE})${EXTENSIONS}),p=(${BASE64})$`);

/** `=2C` → `,` and `=3D` → `=` (SA-13). */
export const usernameFromSaslName = (saslName: string): string => saslName.replace(/=2C|=3D/g, (m) => (m === '=2C' ? ',' : '='));
/** The inverse, for clients (tests and benchmarks). */
export const saslNameFromUsername = (username: string): string => username.replace(/[=,]/g, (c) => (c === '=' ? '=3D' : '=2C'));

export interface ClientFirstMessage {
  readonly authorizationId: string;
  readonly username: string;
  readonly nonce: string;
  /** `client-first-message-bare`, the first part of AuthMessage. */
  readonly bare: string;
  readonly extensions: ReadonlyMap<string, string>;
}

export interface ClientFinalMessage {
  readonly nonce: string;
  readonly proof: Buffer;
  /** `client-final-message-without-proof`, the last part of AuthMessage. */
  readonly withoutProof: string;
}

const parseExtensions = (text: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of text.split(',').slice(1)) {
    const i = part.indexOf('=');
    out.set(part.slice(0, i), part.slice(i + 1));
  }
  return out;
};

/** Parses client-first; null when it does not match the grammar. */
export const parseClientFirst = (text: string): ClientFirstMessage | null => {
  const m = CLIENT_FIRST.exec(text);
  if (m === null) return null;
  return {
    authorizationId: m[1] === undefined ? '' : usernameFromSaslName(m[1]),
    bare: m[2]!,
    username: usernameFromSaslName(m[3]!),
    nonce: m[4]!,
    extensions: parseExtensions(m[5]!),
  };
};

/** Parses client-final; null when it does not match the grammar. */
export const parseClientFinal = (text: string): ClientFinalMessage | null => {
  const m = CLIENT_FINAL.exec(text);
  if (m === null) return null;
  return { withoutProof: m[1]!, nonce: m[3]!, proof: Buffer.from(m[4]!, 'base64') };
};

/** SA-14 server-first: `r=<client nonce><server nonce>,s=<salt>,i=<iterations>`. */
export const serverFirstMessage = (nonce: string, salt: Uint8Array, iterations: number): string =>
  `r=${nonce},s=${Buffer.from(salt).toString('base64')},i=${iterations}`;

/** SA-16 server-final: `v=<ServerSignature>`. */
export const serverFinalMessage = (signature: Uint8Array): string => `v=${Buffer.from(signature).toString('base64')}`;
