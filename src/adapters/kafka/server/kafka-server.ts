import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Logger } from '../../../ports/logger';
import { ANONYMOUS_PRINCIPAL } from '../../../domain/security/acl';
import { certificatePrincipal } from '../../security/certificate-principal';
import type { HandlerRegistry } from './handler-registry';
import { bindListener, reloadListenerTls, type BoundListener, type ListenerSpec } from './listener';
import { Connection } from './connection';

export interface KafkaServerOptions {
  /** One socket server per listener (LS-1); the default configuration has a single PLAINTEXT one. */
  readonly listeners: readonly ListenerSpec[];
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
  /** SA-9 `sasl.server.max.receive.size`: the largest frame before authentication completes (default 524288). */
  readonly saslMaxReceiveBytes?: number;
  /** SA-8 `connection.failed.authentication.delay.ms`: how long a failed login waits before the close (default 100). */
  readonly failedAuthenticationDelayMs?: number;
  /** Metrics hook: a SASL authentication succeeded or failed on this listener. */
  readonly onAuthentication?: (listener: string, ok: boolean) => void;
}

/**
 * The Kafka TCP listener: 4-byte size-prefixed frames, responses of one connection written strictly
 * in request order while later requests are already decoded and processed (pipelining).
 * Malformed input closes only the offending connection (reliability.md T-BAD-5).
 */
export class KafkaServer {
  private servers: { readonly spec: ListenerSpec; readonly bound: BoundListener }[] = [];
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly options: KafkaServerOptions,
    private readonly log: Logger,
  ) {}

  /** Starts every listener; resolves with the bound ports in listener order (port 0 picks a free one). */
  async listen(): Promise<number[]> {
    const ports: number[] = [];
    try {
      for (const spec of this.options.listeners) ports.push(await this.listenOne(spec));
    } catch (err) {
      await this.close();
      throw err;
    }
    return ports;
  }

  private async listenOne(spec: ListenerSpec): Promise<number> {
    const bound = await bindListener(spec, this.options, (socket) => this.accept(socket, spec), this.log);
    this.servers.push({ spec, bound });
    return (bound.server.address() as net.AddressInfo).port;
  }

  /**
   * Re-reads every TLS listener's key store and trust store (SIGHUP). New connections use the new
   * certificates; open ones keep theirs. A store that fails to load leaves that listener unchanged.
   */
  reloadTls(): { listener: string; error: string | null }[] {
    return this.servers.filter((s) => s.spec.tls !== undefined).map(({ spec, bound }) => ({ listener: spec.name, error: reloadListenerTls(spec, bound.server) }));
  }

  /** Stops accepting, closes every connection, resolves once every listener is closed. */
  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    this.options.onConnectionCount?.(0);
    await Promise.all(servers.map(({ bound }) => bound.close()));
  }

  connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: net.Socket, listener: ListenerSpec): void {
    // LS-3/LS-8: SSL takes the principal from a verified client certificate; SASL sets it when the login completes.
    const principal = listener.protocol === 'SSL' ? certificatePrincipal(socket as tls.TLSSocket) : ANONYMOUS_PRINCIPAL;
    const conn = new Connection(this.nextConnectionId++, socket, listener, principal, this.registry, this.options, this.log, () => {
      if (this.connections.delete(conn)) this.options.onConnectionCount?.(this.connections.size);
    });
    this.connections.add(conn);
    this.options.onConnectionCount?.(this.connections.size);
  }
}
