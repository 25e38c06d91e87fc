import type * as net from 'node:net';
import type { Logger } from '../../../ports/logger';
import {
  API_KEY,
  DecodeError,
  decodeRequestBody,
  encodeResponse,
  encodeResponsePieces,
  isKnownApiKey,
  readRequestHeader,
  type RequestHeader,
} from '../protocol';
import type { RequestContext } from './api-handler';
import type { HandlerRegistry } from './handler-registry';
import { FrameBuffer } from './frame-buffer';
import type { KafkaServerOptions } from './kafka-server';
import type { ListenerSpec } from './listener';
import type { SaslAuthenticator, SaslOutcome } from './sasl-authenticator';

/*
 * One client connection of the KafkaServer: frames in, requests dispatched and pipelined, responses
 * written strictly in request order, read-your-writes, SASL before anything else, muting when too
 * much is in flight, the frame deadline.
 */

/** Placeholder header of queued responses that belong to no Kafka request (SASL tokens). */
const NO_HEADER: RequestHeader = { apiKey: -1, apiVersion: 0, correlationId: 0, clientId: null };

/**
 * Requests of one connection decoded and in flight (including answered ones not yet written) before
 * the connection stops being read. Kafka processes one request per connection at a time; 64 keeps
 * pipelining (clients use 5, the C1 benchmark 64) while bounding what a client that never reads can
 * make the broker hold (T-LOAD-3).
 */
const DEFAULT_MAX_IN_FLIGHT = 64;

/** APIs that change state (events or records) and are answered only once durable. */
const WRITE_APIS = new Set<number>([
  API_KEY.Produce, API_KEY.OffsetCommit, API_KEY.JoinGroup, API_KEY.SyncGroup, API_KEY.LeaveGroup,
  API_KEY.CreateTopics, API_KEY.DeleteTopics, API_KEY.CreatePartitions, API_KEY.DeleteGroups, API_KEY.OffsetDelete,
  API_KEY.CreateAcls, API_KEY.DeleteAcls, API_KEY.AlterUserScramCredentials,
]);

/** APIs that read state a same-connection write may just have changed. */
const READ_AFTER_WRITE = new Set<number>([
  API_KEY.Fetch, API_KEY.ListOffsets, API_KEY.Metadata, API_KEY.OffsetFetch, API_KEY.DescribeGroups,
  API_KEY.ListGroups, API_KEY.DescribeConfigs, API_KEY.OffsetForLeaderEpoch,
  API_KEY.DescribeAcls, API_KEY.DescribeUserScramCredentials,
]);

interface Pending {
  readonly header: RequestHeader;
  done: boolean;
  /** The response frame's pieces (encodeResponsePieces), or null for none (acks=0). */
  frame: Buffer[] | null;
  /** performance.now() when the request was decoded (metrics). */
  readonly started?: number;
}

/** Why a connection was closed on purpose; logged once per connection. */
type CloseReason = string;

export class Connection {
  private readonly input = new FrameBuffer();
  private readonly queue: Pending[] = [];
  private paused = false;
  private closed = false;
  private frameTimer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private readonly writesInFlight = new Set<Promise<unknown>>();
  private readonly clientHost: string;
  private readonly clientAddress: string;
  private readonly maxInFlight: number;
  /** SASL listeners: the login state machine until it completes (SA-1). */
  private readonly auth: SaslAuthenticator | null;
  /** A login step is running: later frames wait, so nothing overtakes authentication (T-SEC-6). */
  private authBusy = false;
  /** SA-8: a failed login reads nothing more and closes when this timer fires. */
  private failTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly id: number,
    private readonly socket: net.Socket,
    private readonly listener: ListenerSpec,
    private principal: string,
    private readonly registry: HandlerRegistry,
    private readonly options: KafkaServerOptions,
    private readonly log: Logger,
    private readonly onClose: () => void,
  ) {
    this.clientAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.clientHost = `/${this.clientAddress}`;
    this.maxInFlight = options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT;
    this.auth = listener.sasl?.((header) => this.context(header)) ?? null;
    socket.on('data', (d) => this.onData(d));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    if (this.failTimer !== null) clearTimeout(this.failTimer);
    this.input.clear();
    this.queue.length = 0;
    this.socket.destroy();
    this.onClose();
  }

  private closeFor(reason: CloseReason): void {
    if (this.closed) return;
    this.log.warn({ conn: this.id, peer: this.clientHost, reason }, 'closing connection');
    this.destroy();
  }

  private onData(data: Buffer): void {
    if (this.closed || this.failTimer !== null) return;
    this.input.push(data);
    // Answers given at once to the frames of this chunk leave in one write when it is drained.
    this.socket.cork();
    try {
      this.drainFrames();
    } finally {
      this.socket.uncork();
    }
  }

  private drainFrames(): void {
    while (!this.closed && !this.paused && !this.authBusy && this.input.length >= 4) {
      const size = this.input.peekInt32();
      if (size <= 0) return this.closeFor(`invalid frame size ${size}`);
      // SA-9: until the login completes, frames are capped at sasl.server.max.receive.size.
      const cap = this.auth?.pending === true ? Math.min(this.options.maxFrameBytes, this.options.saslMaxReceiveBytes ?? 524288) : this.options.maxFrameBytes;
      if (size > cap) {
        return this.closeFor(`frame size ${size} exceeds the cap of ${cap} bytes`);
      }
      if (this.input.length < 4 + size) {
        this.armFrameTimer();
        return;
      }
      const frame = this.input.take(4 + size).subarray(4);
      this.disarmFrameTimer();
      if (this.auth?.pending === true) this.onAuthFrame(this.auth, frame);
      else this.onFrame(frame);
      if (this.queue.length >= this.maxInFlight) this.pause();
    }
    if (this.input.length > 0 && !this.paused && !this.authBusy) this.armFrameTimer();
  }

  /** One pre-authentication frame through the SASL state machine; reading resumes when it is done. */
  private onAuthFrame(auth: SaslAuthenticator, frame: Buffer): void {
    this.authBusy = true;
    // Nothing more is read while a login step runs (PBKDF2 for PLAIN): a client cannot queue unbounded bytes.
    this.socket.pause();
    auth.onFrame(frame).then(
      (outcome) => this.afterAuthStep(outcome),
      (err: Error) => this.closeFor(`authentication error: ${err.message}`),
    );
  }

  private afterAuthStep(outcome: SaslOutcome): void {
    if (this.closed) return;
    this.authBusy = false;
    if (outcome.kind === 'close') return this.closeFor(outcome.reason);
    if (outcome.frame !== null) this.enqueueReady(NO_HEADER, outcome.frame);
    if (outcome.kind === 'failed') {
      // SA-8: answer, stop reading, close after the delay; the log line names the user, never a secret.
      this.options.onAuthentication?.(this.listener.name, false);
      this.log.warn({ conn: this.id, peer: this.clientHost, listener: this.listener.name, user: outcome.user, reason: outcome.reason }, 'authentication failed');
      this.socket.pause();
      this.failTimer = setTimeout(() => this.destroy(), this.options.failedAuthenticationDelayMs ?? 100);
      this.failTimer.unref();
      return;
    }
    if (!this.paused) this.socket.resume();
    if (outcome.kind === 'authenticated') {
      this.principal = outcome.principal;
      this.options.onAuthentication?.(this.listener.name, true);
      this.log.debug({ conn: this.id, peer: this.clientHost, listener: this.listener.name, principal: outcome.principal, mechanism: outcome.mechanism }, 'authenticated');
    }
    this.drainFrames();
  }

  /** What a handler learns about the request and the connection it came on. */
  private context(header: RequestHeader): RequestContext {
    return {
      connectionId: this.id, header, clientId: header.clientId ?? '', clientHost: this.clientHost,
      principal: this.principal, clientAddress: this.clientAddress, listenerName: this.listener.name,
    };
  }

  private onFrame(frame: Buffer): void {
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({ header, bodyOffset } = readRequestHeader(frame));
    } catch (err) {
      return this.closeFor(`malformed request header: ${(err as Error).message}`);
    }
    const { apiKey, apiVersion } = header;
    if (!isKnownApiKey(apiKey) && apiKey !== API_KEY.ApiVersions) return this.closeFor(`unknown api key ${apiKey}`);
    const handler = this.registry.get(apiKey);
    if (handler === undefined) return this.closeFor(`unsupported api key ${apiKey}`);
    if (apiKey === API_KEY.ApiVersions && apiVersion > handler.maxVersion) {
      // KIP-511: an ApiVersions newer than ours is answered at v0 with UNSUPPORTED_VERSION and our range.
      const range = this.registry.ranges().filter((r) => r.apiKey === API_KEY.ApiVersions);
      return this.enqueueReady(header, encodeResponse(API_KEY.ApiVersions, 0, header.correlationId, { errorCode: 35, apiKeys: range }));
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      return this.closeFor(`unsupported version ${apiVersion} of api key ${apiKey}`);
    }
    let body: unknown;
    try {
      body = decodeRequestBody(apiKey, apiVersion, frame, bodyOffset);
    } catch (err) {
      if (err instanceof DecodeError) return this.closeFor(`malformed api key ${apiKey} v${apiVersion}: ${err.message}`);
      return this.closeFor(`decoder failure on api key ${apiKey} v${apiVersion}: ${(err as Error).message}`);
    }
    const ctx = this.context(header);
    const pending: Pending = { header, done: false, frame: null, started: performance.now() };
    this.queue.push(pending);
    // Read-your-writes on one connection (T-DUR-10): a read waits for this connection's earlier
    // writes to be answered, as Kafka's one-request-at-a-time channel would make it. Writes do not
    // wait for each other, so pipelined commits still share one flush (benchmarks.md C1, 1×64).
    const earlierWrites = READ_AFTER_WRITE.has(apiKey) ? [...this.writesInFlight] : [];
    let result: Promise<object | null> | object | null;
    try {
      result =
        earlierWrites.length === 0
          ? handler.handle(body, ctx)
          : Promise.allSettled(earlierWrites).then(() => handler.handle(body, ctx));
    } catch (err) {
      return this.handlerFailed(header, err);
    }
    if (result instanceof Promise && WRITE_APIS.has(apiKey)) {
      const write: Promise<unknown> = result;
      this.writesInFlight.add(write);
      const forget = () => this.writesInFlight.delete(write);
      write.then(forget, forget);
    }
    if (result instanceof Promise) {
      result.then(
        (res) => this.complete(pending, res),
        (err) => this.handlerFailed(header, err),
      );
    } else {
      this.complete(pending, result, true);
    }
  }

  private handlerFailed(header: RequestHeader, err: unknown): void {
    this.log.error({ conn: this.id, apiKey: header.apiKey, apiVersion: header.apiVersion, err: (err as Error)?.stack ?? String(err) }, 'request handler failed');
    this.closeFor(`handler failure on api key ${header.apiKey}`);
  }

  private enqueueReady(header: RequestHeader, frame: Buffer): void {
    this.queue.push({ header, done: true, frame: [frame] });
    this.flush();
  }

  /** `answeredAtOnce`: the handler answered without waiting (no promise), while its frame was read. */
  private complete(pending: Pending, response: object | null, answeredAtOnce = false): void {
    if (this.closed) return;
    if (response !== null) {
      try {
        pending.frame = encodeResponsePieces(pending.header.apiKey, pending.header.apiVersion, pending.header.correlationId, response);
      } catch (err) {
        return this.handlerFailed(pending.header, err);
      }
    }
    pending.done = true;
    if (this.options.onRequestDone !== undefined && pending.started !== undefined) {
      const code = (response as { errorCode?: unknown } | null)?.errorCode;
      this.options.onRequestDone(pending.header.apiKey, pending.header.apiVersion, performance.now() - pending.started, typeof code === 'number' && code !== 0 ? code : undefined);
    }
    // Answered at once and the only request in flight on this connection: nothing could share its
    // write, so it leaves now rather than after the rest of the turn's I/O (issue 14, C7: an
    // ApiVersions probe not queued behind 100 other connections' reads and writes). Answers that
    // waited (a durable write) keep the turn's batching: writing those at once measured slower.
    if (answeredAtOnce && this.queue.length === 1 && !this.flushScheduled) this.flush();
    else this.scheduleFlush();
  }

  /**
   * Responses completed during one event-loop turn leave together after it (setImmediate runs right
   * after the I/O phase): one write syscall per connection per turn instead of one per response.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes every completed response at the head of the queue: strict request order (Kafka's rule). */
  private flush(): void {
    // Pipelined responses that are ready together leave in one write (one syscall), not one each.
    this.socket.cork();
    while (!this.closed && this.queue.length > 0 && this.queue[0]!.done) {
      const head = this.queue.shift()!;
      if (head.frame !== null) for (const piece of head.frame) this.socket.write(piece);
    }
    this.socket.uncork();
    if (this.socket.writableLength > this.options.sendBufferCapBytes) this.pause();
    else this.maybeResume();
  }

  private pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.socket.pause();
  }

  private maybeResume(): void {
    if (!this.paused || this.closed) return;
    if (this.socket.writableLength > this.options.sendBufferCapBytes || this.queue.length >= this.maxInFlight) return;
    this.paused = false;
    this.socket.resume();
    this.drainFrames();
  }

  private armFrameTimer(): void {
    if (this.frameTimer !== null) return;
    this.frameTimer = setTimeout(() => this.closeFor('incomplete frame past frame.timeout.ms'), this.options.frameTimeoutMs);
    this.frameTimer.unref();
  }

  private disarmFrameTimer(): void {
    if (this.frameTimer === null) return;
    clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }
}
