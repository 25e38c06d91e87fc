import type { RequestHeader } from '../protocol';

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  readonly connectionId: number;
  readonly header: RequestHeader;
  /** Client id from the header; Kafka treats null as "". */
  readonly clientId: string;
  /** Peer address rendered Java-style with a leading slash, e.g. "/127.0.0.1" (GEN-8). */
  readonly clientHost: string;
  /** The connection's principal, `Type:name` (LS-8); absent means `User:ANONYMOUS`. */
  readonly principal?: string;
  /** Peer IP address without the slash, as ACL host entries name it (AC-5). */
  readonly clientAddress?: string;
  /** The listener the request arrived on: responses advertise that listener's endpoint (LS-2). */
  readonly listenerName?: string;
}

/**
 * One Kafka API served end to end. The advertised range (GEN-10) is exactly [minVersion, maxVersion];
 * the codec may know more versions than a handler implements.
 * `handle` returns the response body, or `null` when Kafka sends no response (Produce acks=0).
 * It must not throw for bad client input: errors are Kafka error codes in the body.
 */
export interface ApiHandler {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: any, ctx: RequestContext): Promise<object | null> | object | null;
}
