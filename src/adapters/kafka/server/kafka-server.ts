import * as net from 'node:net';
import type { Logger } from '../../../ports/logger';
import {
  API_KEY,
  DecodeError,
  decodeRequestBody,
  encodeResponse,
  isKnownApiKey,
  readRequestHeader,
  type RequestHeader,
} from '../protocol';
import type { RequestContext } from './api-handler';
import type { HandlerRegistry } from './handler-registry';

export interface KafkaServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest accepted frame (socket.request.max.bytes); a bigger size prefix closes before allocating. */
  readonly maxFrameBytes: number;
  /** A frame that is not complete within this time closes its connection (slowloris defence). */
  readonly frameTimeoutMs: number;
  /** Stop reading a socket while it has more unsent response bytes than this (Kafka's channel muting). */
  readonly sendBufferCapBytes: number;
  readonly maxConnections: number;
  /** Requests of one connection decoded and in flight before reading pauses. */
  readonly maxInFlightPerConnection?: number;
  /**
   * Metrics hook: a response is ready (or, for acks=0 Produce, the request is done). `errorCode` is
   * the response's top-level error code when it has one and it is not NONE.
   */
  readonly onRequestDone?: (apiKey: number, apiVersion: number, durationMs: number, errorCode?: number) => void;
  /** Metrics hook: the number of open connections changed. */
  readonly onConnectionCount?: (open: number) => void;
}

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
]);

/** APIs that read state a same-connection write may just have changed. */
const READ_AFTER_WRITE = new Set<number>([
  API_KEY.Fetch, API_KEY.ListOffsets, API_KEY.Metadata, API_KEY.OffsetFetch, API_KEY.DescribeGroups,
  API_KEY.ListGroups, API_KEY.DescribeConfigs, API_KEY.OffsetForLeaderEpoch,
]);

interface Pending {
  readonly header: RequestHeader;
  done: boolean;
  frame: Buffer | null;
  /** performance.now() when the request was decoded (metrics). */
  readonly started?: number;
}

/** Why a connection was closed on purpose; logged once per connection. */
type CloseReason = string;

/**
 * The Kafka TCP listener: 4-byte size-prefixed frames, responses of one connection written strictly
 * in request order while later requests are already decoded and processed (pipelining).
 * Malformed input closes only the offending connection (reliability.md T-BAD-5).
 */
export class KafkaServer {
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly options: KafkaServerOptions,
    private readonly log: Logger,
  ) {}

  /** Starts listening; resolves with the bound port (useful with port 0 in tests). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      server.maxConnections = this.options.maxConnections;
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.error({ err: err.message }, 'listener error'));
        this.server = server;
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops accepting, closes every connection, resolves once the listener is closed. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    this.options.onConnectionCount?.(0);
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: net.Socket): void {
    const conn = new Connection(this.nextConnectionId++, socket, this.registry, this.options, this.log, () => {
      if (this.connections.delete(conn)) this.options.onConnectionCount?.(this.connections.size);
    });
    this.connections.add(conn);
    this.options.onConnectionCount?.(this.connections.size);
  }
}

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Pending[] = [];
  private paused = false;
  private closed = false;
  private frameTimer: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private readonly writesInFlight = new Set<Promise<unknown>>();
  private readonly clientHost: string;
  private readonly maxInFlight: number;

  constructor(
    private readonly id: number,
    private readonly socket: net.Socket,
    private readonly registry: HandlerRegistry,
    private readonly options: KafkaServerOptions,
    private readonly log: Logger,
    private readonly onClose: () => void,
  ) {
    this.clientHost = `/${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}`;
    this.maxInFlight = options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT;
    socket.on('data', (d) => this.onData(d));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    this.chunks = [];
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
    if (this.closed) return;
    this.chunks.push(data);
    this.buffered += data.length;
    this.drainFrames();
  }

  private drainFrames(): void {
    while (!this.closed && !this.paused && this.buffered >= 4) {
      const size = this.peekInt32();
      if (size <= 0) return this.closeFor(`invalid frame size ${size}`);
      if (size > this.options.maxFrameBytes) {
        return this.closeFor(`frame size ${size} exceeds the cap of ${this.options.maxFrameBytes} bytes`);
      }
      if (this.buffered < 4 + size) {
        this.armFrameTimer();
        return;
      }
      const frame = this.take(4 + size).subarray(4);
      this.disarmFrameTimer();
      this.onFrame(frame);
      if (this.queue.length >= this.maxInFlight) this.pause();
    }
    if (this.buffered > 0 && !this.paused) this.armFrameTimer();
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
    const ctx: RequestContext = { connectionId: this.id, header, clientId: header.clientId ?? '', clientHost: this.clientHost };
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
      this.complete(pending, result);
    }
  }

  private handlerFailed(header: RequestHeader, err: unknown): void {
    this.log.error({ conn: this.id, apiKey: header.apiKey, apiVersion: header.apiVersion, err: (err as Error)?.stack ?? String(err) }, 'request handler failed');
    this.closeFor(`handler failure on api key ${header.apiKey}`);
  }

  private enqueueReady(header: RequestHeader, frame: Buffer): void {
    this.queue.push({ header, done: true, frame });
    this.flush();
  }

  private complete(pending: Pending, response: object | null): void {
    if (this.closed) return;
    if (response !== null) {
      try {
        pending.frame = encodeResponse(pending.header.apiKey, pending.header.apiVersion, pending.header.correlationId, response);
      } catch (err) {
        return this.handlerFailed(pending.header, err);
      }
    }
    pending.done = true;
    if (this.options.onRequestDone !== undefined && pending.started !== undefined) {
      const code = (response as { errorCode?: unknown } | null)?.errorCode;
      this.options.onRequestDone(pending.header.apiKey, pending.header.apiVersion, performance.now() - pending.started, typeof code === 'number' && code !== 0 ? code : undefined);
    }
    this.scheduleFlush();
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
      if (head.frame !== null) this.socket.write(head.frame);
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

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged.readInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes, copying only when a frame spans chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}
