import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ClientAuth } from '../../security/tls-options';
import type { RequestContext } from './api-handler';
import type { RequestHeader } from '../protocol';
import type { SaslAuthenticator } from './sasl-authenticator';
import type { Logger } from '../../../ports/logger';

/** Kafka's security protocols (LS-1, LS-3). */
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** One bound listener as the server needs it: where, which protocol, and how its connections authenticate. */
export interface ListenerSpec {
  /** Listener name (`PLAINTEXT`, `SASL_SSL`, `EXTERNAL`…): Metadata advertises per name (LS-2). */
  readonly name: string;
  readonly protocol: SecurityProtocol;
  readonly host: string;
  readonly port: number;
  /** SSL and SASL_SSL: secure-context options, read again by `KafkaServer.reloadTls` (SIGHUP). */
  readonly tls?: {
    readonly load: () => tls.SecureContextOptions;
    /** LS-5: SASL_SSL listeners never ask for a client certificate. */
    readonly clientAuth: ClientAuth;
  };
  /** SASL_PLAINTEXT and SASL_SSL: a fresh authenticator per connection. */
  readonly sasl?: (context: (header: RequestHeader) => RequestContext) => SaslAuthenticator;
}

/** A listener's socket server: plain TCP, or TLS with the handshake finished before any Kafka byte is read (LS-4). */
export const createSocketServer = (
  spec: ListenerSpec,
  handshakeTimeoutMs: number,
  onSocket: (socket: net.Socket) => void,
  onTlsError: (err: Error, socket: net.Socket) => void,
): net.Server => {
  if (spec.tls === undefined) return net.createServer({ noDelay: true }, onSocket);
  const clientAuth = spec.protocol === 'SASL_SSL' ? 'none' : spec.tls.clientAuth;
  const server = tls.createServer(
    {
      ...spec.tls.load(),
      requestCert: clientAuth !== 'none',
      // `requested`: ask, accept a missing or untrusted certificate, and fall back to User:ANONYMOUS.
      rejectUnauthorized: clientAuth === 'required',
      // A peer that stalls mid-handshake is dropped (LS-4; Kafka waits for connections.max.idle.ms).
      handshakeTimeout: handshakeTimeoutMs,
    },
    (socket) => {
      socket.setNoDelay(true);
      onSocket(socket);
    },
  );
  server.on('tlsClientError', onTlsError);
  return server;
};

/** A bound listener: its server, and a close that also ends sockets still in their TLS handshake. */
export interface BoundListener {
  readonly server: net.Server;
  close(): Promise<void>;
}

/** Creates and binds one listener's server; rejects when the address cannot be bound. */
export const bindListener = (
  spec: ListenerSpec,
  options: { readonly frameTimeoutMs: number; readonly maxConnections: number },
  onSocket: (socket: net.Socket) => void,
  log: Logger,
): Promise<BoundListener> =>
  new Promise((resolve, reject) => {
    const server = createSocketServer(spec, options.frameTimeoutMs, onSocket, (err, socket) => {
      // LS-4: a failed or timed-out handshake is closed without any Kafka response. With a listener on
      // 'tlsClientError' Node leaves the socket open (a stalled peer would stay forever): close it here.
      socket.destroy();
      log.warn({ listener: spec.name, peer: socket.remoteAddress, reason: err.message.split('\n')[0] }, 'TLS handshake failed');
    });
    // Every accepted socket, handshaking or not, so that close() does not wait for a stalled TLS peer.
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    server.maxConnections = options.maxConnections;
    server.once('error', reject);
    server.listen(spec.port, spec.host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ listener: spec.name, err: err.message }, 'listener error'));
      resolve({
        server,
        close: () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          for (const s of sockets) s.destroy();
          return closed;
        },
      });
    });
  });

/** Swaps a TLS listener's certificates; returns the load error, or null when the new context is in use. */
export const reloadListenerTls = (spec: ListenerSpec, server: net.Server): string | null => {
  try {
    (server as tls.Server).setSecureContext(spec.tls!.load());
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};
