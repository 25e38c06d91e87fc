/**
 * One SASL mechanism's server side for one connection: a token in, the next step out. Implementations
 * never throw for client input (every malformed token is a `failed` step) and never log secrets.
 */
export interface SaslServer {
  readonly mechanism: string;
  evaluate(token: Buffer): Promise<SaslStep>;
}

export type SaslStep =
  | { readonly kind: 'challenge'; readonly bytes: Buffer }
  /** Authentication succeeded; `bytes` is the final server token (empty for PLAIN). */
  | { readonly kind: 'complete'; readonly bytes: Buffer; readonly authorizationId: string }
  /**
   * Authentication failed. `clientMessage` is sent only when Kafka sends the specific text
   * (SaslAuthenticationException); otherwise the generic SA-6 text hides whether the user exists.
   */
  | { readonly kind: 'failed'; readonly reason: string; readonly clientMessage: string | null };
