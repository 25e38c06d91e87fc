import { ErrorCode } from '../../../domain/error-code';
import type { SaslServer, SaslStep } from '../../security/sasl-server';
import {
  API_KEY, DecodeError, decodeRequestBody, defaultMessage, encodeResponse, hasVersion, readRequestHeader, type RequestHeader,
} from '../protocol';
import type { ApiHandler, RequestContext } from './api-handler';

/** What the connection does with one pre-authentication frame. */
export type SaslOutcome =
  /** Send `frame` (already size-prefixed) and keep authenticating. */
  | { readonly kind: 'reply'; readonly frame: Buffer }
  /** Authentication is complete: send `frame` if any, then serve Kafka requests as `principal`. */
  | { readonly kind: 'authenticated'; readonly frame: Buffer | null; readonly principal: string; readonly mechanism: string }
  /** SA-8: send `frame` if any, stop reading, close after the failed-authentication delay. */
  | { readonly kind: 'failed'; readonly frame: Buffer | null; readonly reason: string; readonly user: string | null }
  /** SA-1, SA-9, SA-10: close now, without a response. */
  | { readonly kind: 'close'; readonly reason: string };

export interface SaslAuthenticatorOptions {
  /** `sasl.enabled.mechanisms`, in the order the handshake response lists them. */
  readonly mechanisms: readonly string[];
  /** A fresh server-side mechanism for one connection; called only with an enabled name. */
  readonly newServer: (mechanism: string) => SaslServer;
  /** The broker's ApiVersions handler: the same full list before and after authentication (LS-9). */
  readonly apiVersions: ApiHandler;
  /** Resolves once credentials are loaded (AC-13): logins wait for recovery instead of failing. */
  readonly ready: () => Promise<void>;
}

const API_NAMES = new Map<number, string>(Object.entries(API_KEY).map(([name, key]) => [key, name]));
const EMPTY = Buffer.alloc(0);

/** A size-prefixed raw SASL token (handshake v0 framing, SA-4). */
const rawFrame = (bytes: Buffer): Buffer => {
  const out = Buffer.allocUnsafe(4 + bytes.length);
  out.writeInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
};

/**
 * The server side of Kafka's SASL exchange for one connection (security.md §2.1, Kafka's
 * SaslServerAuthenticator): INITIAL → (ApiVersions) → HANDSHAKE → AUTHENTICATE → COMPLETE.
 * Only ApiVersions (once, first) and SaslHandshake precede authentication (SA-1); handshake v0 switches
 * to raw token frames, v1 to SaslAuthenticate requests (SA-4). The connection feeds it one frame at a
 * time and waits for the outcome before reading the next, so pipelined requests cannot overtake it (T-SEC-6).
 */
export class SaslAuthenticator {
  private state: 'initial' | 'handshake' | 'authenticate' | 'done' = 'initial';
  private legacyFraming = false;
  private server: SaslServer | null = null;
  private user: string | null = null;

  constructor(
    private readonly options: SaslAuthenticatorOptions,
    private readonly context: (header: RequestHeader) => RequestContext,
  ) {}

  /** True until authentication completes or fails. */
  get pending(): boolean {
    return this.state !== 'done';
  }

  async onFrame(frame: Buffer): Promise<SaslOutcome> {
    if (this.state === 'done') return { kind: 'close', reason: 'frame after authentication ended' };
    if (this.state === 'authenticate') return this.legacyFraming ? this.onRawToken(frame) : this.onAuthenticateRequest(frame);
    return this.onHandshakePhase(frame);
  }

  private async onHandshakePhase(frame: Buffer): Promise<SaslOutcome> {
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({ header, bodyOffset } = readRequestHeader(frame));
    } catch {
      // SA-10: Kafka would fall back to GSSAPI here; Cohort does not offer it.
      return this.close('first frame is not a Kafka request header (SA-10)');
    }
    if (header.apiKey === API_KEY.ApiVersions) return this.onApiVersions(header, frame, bodyOffset);
    // SA-1/SA-8: an illegal SASL state is an authentication failure: no response, a delayed (and counted) close.
    if (header.apiKey !== API_KEY.SaslHandshake) return this.fail(null, `api key ${header.apiKey} before SASL authentication (SA-1)`);
    if (header.apiVersion < 0 || header.apiVersion > 1) return this.close(`unsupported SaslHandshake version ${header.apiVersion}`);
    let body: { mechanism: string };
    try {
      body = decodeRequestBody(header.apiKey, header.apiVersion, frame, bodyOffset);
    } catch (err) {
      return this.close(`malformed SaslHandshake: ${(err as Error).message}`);
    }
    const mechanisms = [...this.options.mechanisms];
    if (!mechanisms.includes(body.mechanism)) {
      const response = encodeResponse(API_KEY.SaslHandshake, header.apiVersion, header.correlationId, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms });
      return this.fail(response, `unsupported SASL mechanism ${JSON.stringify(body.mechanism.slice(0, 64))} (SA-3)`);
    }
    this.server = this.options.newServer(body.mechanism);
    this.legacyFraming = header.apiVersion === 0;
    this.state = 'authenticate';
    return { kind: 'reply', frame: encodeResponse(API_KEY.SaslHandshake, header.apiVersion, header.correlationId, { errorCode: ErrorCode.NONE, mechanisms }) };
  }

  /** SA-1/SA-2: at most once, and only before the handshake; an unsupported or invalid one leaves the state as it was. */
  private async onApiVersions(header: RequestHeader, frame: Buffer, bodyOffset: number): Promise<SaslOutcome> {
    if (this.state !== 'initial') return this.close('second ApiVersions during SASL authentication (SA-1)');
    const handler = this.options.apiVersions;
    if (header.apiVersion > handler.maxVersion) {
      const range = [{ apiKey: API_KEY.ApiVersions, minVersion: handler.minVersion, maxVersion: handler.maxVersion }];
      return { kind: 'reply', frame: encodeResponse(API_KEY.ApiVersions, 0, header.correlationId, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: range }) };
    }
    let body: unknown;
    try {
      body = decodeRequestBody(header.apiKey, header.apiVersion, frame, bodyOffset);
    } catch (err) {
      return this.close(`malformed ApiVersions: ${(err as Error).message}`);
    }
    const response = (await handler.handle(body, this.context(header))) as { errorCode: number };
    if (response.errorCode === ErrorCode.NONE) this.state = 'handshake';
    return { kind: 'reply', frame: encodeResponse(API_KEY.ApiVersions, header.apiVersion, header.correlationId, response) };
  }

  /** Handshake v0: the frame is the token; tokens go back size-prefixed without a header (SA-4, SA-6). */
  private async onRawToken(frame: Buffer): Promise<SaslOutcome> {
    const step = await this.evaluate(frame);
    if (step.kind === 'challenge') return { kind: 'reply', frame: rawFrame(step.bytes) };
    // Kafka sends the final token even when empty (PLAIN: a zero-length frame; kafka-python waits for it).
    if (step.kind === 'complete') return this.authenticated(rawFrame(step.bytes), step.authorizationId);
    return this.fail(null, step.reason);
  }

  /** Handshake v1: tokens travel in SaslAuthenticate requests (SA-5). */
  private async onAuthenticateRequest(frame: Buffer): Promise<SaslOutcome> {
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({ header, bodyOffset } = readRequestHeader(frame));
    } catch {
      return this.close('malformed request header during SASL authentication');
    }
    if (header.apiKey !== API_KEY.SaslAuthenticate) {
      return this.fail(this.illegalStateResponse(header), `api key ${header.apiKey} while authenticating (SA-5)`);
    }
    if (header.apiVersion < 0 || header.apiVersion > 2) return this.close(`unsupported SaslAuthenticate version ${header.apiVersion}`);
    let body: { authBytes: Buffer };
    try {
      body = decodeRequestBody(header.apiKey, header.apiVersion, frame, bodyOffset);
    } catch (err) {
      return this.close(`malformed SaslAuthenticate: ${err instanceof DecodeError ? err.message : String(err)}`);
    }
    const respond = (errorCode: number, errorMessage: string | null, authBytes: Buffer) =>
      encodeResponse(API_KEY.SaslAuthenticate, header.apiVersion, header.correlationId, { errorCode, errorMessage, authBytes, sessionLifetimeMs: 0n });
    const step = await this.evaluate(Buffer.from(body.authBytes));
    if (step.kind === 'challenge') return { kind: 'reply', frame: respond(ErrorCode.NONE, null, step.bytes) };
    if (step.kind === 'complete') return this.authenticated(respond(ErrorCode.NONE, null, step.bytes), step.authorizationId);
    // SA-6: the generic text unless Kafka sends the specific one; it never says whether the user exists.
    const message = step.clientMessage ?? `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.server!.mechanism}`;
    return this.fail(respond(ErrorCode.SASL_AUTHENTICATION_FAILED, message, EMPTY), step.reason);
  }

  private async evaluate(token: Buffer): Promise<SaslStep> {
    await this.options.ready();
    if (this.user === null) this.user = guessUser(this.server!.mechanism, token);
    try {
      return await this.server!.evaluate(token);
    } catch (err) {
      return { kind: 'failed', reason: `mechanism error: ${(err as Error).message}`, clientMessage: null };
    }
  }

  /** SA-5: an error response of the offending API with ILLEGAL_SASL_STATE, when its schema has a top-level error code. */
  private illegalStateResponse(header: RequestHeader): Buffer | null {
    const name = API_NAMES.get(header.apiKey);
    if (name === undefined || !hasVersion(`${name}Response`, header.apiVersion)) return null;
    const body = defaultMessage(`${name}Response`) as Record<string, unknown>;
    if (!('errorCode' in body)) return null;
    body['errorCode'] = ErrorCode.ILLEGAL_SASL_STATE;
    try {
      return encodeResponse(header.apiKey, header.apiVersion, header.correlationId, body);
    } catch {
      return null;
    }
  }

  private authenticated(frame: Buffer, authorizationId: string): SaslOutcome {
    this.state = 'done';
    // LS-8: the SASL authorization id is the principal's name (PLAIN and SCRAM: the username).
    return { kind: 'authenticated', frame, principal: `User:${authorizationId}`, mechanism: this.server!.mechanism };
  }

  private fail(frame: Buffer | null, reason: string): SaslOutcome {
    this.state = 'done';
    return { kind: 'failed', frame, reason, user: this.user };
  }

  private close(reason: string): SaslOutcome {
    this.state = 'done';
    return { kind: 'close', reason };
  }
}

/** The user name a first token claims, for the failure log line only (never the password). */
export const guessUser = (mechanism: string, token: Buffer): string | null => {
  const text = token.toString('utf8');
  if (mechanism === 'PLAIN') {
    // SP-2: only a well-formed `authzid NUL authcid NUL passwd` names its user. In a malformed one the
    // second piece may run into the password (a lost NUL), so nothing of it is logged.
    const parts = text.split('\u0000');
    return parts.length === 3 ? parts[1]!.slice(0, 128) : null;
  }
  const m = /(?:^|,)n=([^,]*)/.exec(text.startsWith('n,') ? text.slice(text.indexOf(',', 2) + 1) : text);
  return m === null ? null : m[1]!.slice(0, 128);
};
