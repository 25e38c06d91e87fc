import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodeResponse, encodeRequest } from '../../../src/adapters/kafka/protocol';

/** A minimal raw Kafka client over one socket: pipelined requests, responses matched in order. */
export class RawClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: { apiKey: number; version: number; resolve: (v: { correlationId: number; body: any }) => void; reject: (e: Error) => void }[] = [];
  private correlation = 1;
  closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => this.onData(d));
    this.closedPromise = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'));
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Connects over TLS (SSL and SASL_SSL listeners); rejects when the handshake fails. */
  static connectTls(port: number, options: tls.ConnectionOptions): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ port, host: '127.0.0.1', ...options }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(apiKey: number, version: number, body: object, clientId: string | null = 'raw-client'): Promise<{ correlationId: number; body: any }> {
    const frame = encodeRequest(apiKey, version, this.correlation++, clientId, body);
    return this.sendFrame(frame, apiKey, version);
  }

  sendFrame(frame: Buffer, apiKey: number, version: number): Promise<{ correlationId: number; body: any }> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      this.waiting.push({ apiKey, version, resolve, reject });
      this.socket.write(frame);
    });
  }

  /** SaslHandshake v0 framing: a size-prefixed token out, the next size-prefixed frame back, undecoded. */
  sendRawToken(token: Buffer): Promise<Buffer> {
    const frame = Buffer.alloc(4 + token.length);
    frame.writeInt32BE(token.length, 0);
    token.copy(frame, 4);
    return this.sendFrame(frame, -1, -1).then((r) => r.body as Buffer);
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves true if the server closes the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    // Unref'd: a pending timer must not keep Jest alive after the connection has closed.
    const timer = new Promise<false>((r) => setTimeout(() => r(false), ms).unref());
    return Promise.race([this.closedPromise.then(() => true as const), timer]);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const w = this.waiting.shift();
      if (!w) continue;
      if (w.apiKey === -1) {
        w.resolve({ correlationId: -1, body: Buffer.from(frame) });
        continue;
      }
      try {
        w.resolve(decodeResponse(w.apiKey, w.version, frame));
      } catch (e) {
        w.reject(e as Error);
      }
    }
  }
}
