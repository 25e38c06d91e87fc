import { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import { Connection } from '../../../src/adapters/kafka/server/connection';
import { HandlerRegistry } from '../../../src/adapters/kafka/server/handler-registry';
import type { KafkaServerOptions } from '../../../src/adapters/kafka/server/kafka-server';
import { API_KEY, decodeResponse, encodeRequest } from '../../../src/adapters/kafka/protocol';
import type { Logger } from '../../../src/ports/logger';

/*
 * When a response leaves the connection (issue 14, C7). An answer given at once (a handler that
 * returns no promise) on a connection with nothing else in flight is written while its frame is
 * read, not after the rest of the event loop's turn; answers of one chunk still leave in one write;
 * answers that waited (a promise) keep the end-of-turn batching.
 */

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** The socket surface Connection uses; records each write syscall (the buffers an uncork sends together). */
class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly writableLength = 0;
  readonly syscalls: Buffer[][] = [];
  private corked = 0;
  private held: Buffer[] = [];
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    if (this.corked === 0) return;
    this.corked--;
    if (this.corked === 0 && this.held.length > 0) {
      this.syscalls.push(this.held);
      this.held = [];
    }
  }
  write(piece: Buffer): boolean {
    if (this.corked > 0) this.held.push(piece);
    else this.syscalls.push([piece]);
    return true;
  }
  pause(): void {}
  resume(): void {}
  destroy(): void {}
}

const OPTIONS: KafkaServerOptions = { listeners: [], maxFrameBytes: 1 << 20, frameTimeoutMs: 60_000, sendBufferCapBytes: 1 << 20, maxConnections: 10 };
const apiVersions = (correlationId: number): Buffer =>
  encodeRequest(API_KEY.ApiVersions, 0, correlationId, 'test', {});
const heartbeat = (correlationId: number): Buffer =>
  encodeRequest(API_KEY.Heartbeat, 0, correlationId, 'test', { groupId: 'g', generationId: 1, memberId: 'm' });
/** After the handlers' promises settled and the end-of-turn flush they scheduled ran. */
const nextTurn = async (): Promise<void> => {
  await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
};

/** Correlation ids of the responses in one write syscall (each piece list starts with a size prefix). */
const correlationIds = (syscall: Buffer[]): number[] => {
  const bytes = Buffer.concat(syscall);
  const ids: number[] = [];
  for (let at = 0; at < bytes.length; at += 4 + bytes.readInt32BE(at)) ids.push(bytes.readInt32BE(at + 4));
  return ids;
};

const connect = (): FakeSocket => {
  const registry = new HandlerRegistry()
    .register({ apiKey: API_KEY.ApiVersions, minVersion: 0, maxVersion: 3, handle: () => ({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 }) })
    .register({ apiKey: API_KEY.Heartbeat, minVersion: 0, maxVersion: 4, handle: async () => ({ throttleTimeMs: 0, errorCode: 0 }) });
  const socket = new FakeSocket();
  new Connection(1, socket as unknown as net.Socket, { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 }, 'User:ANONYMOUS', registry, OPTIONS, silent, () => {});
  return socket;
};

describe('Connection: when answers are written (issue 14, C7)', () => {
  test('an answer given at once on an otherwise idle connection is written while its frame is read', () => {
    const socket = connect();
    socket.emit('data', apiVersions(7));
    expect(socket.syscalls).toHaveLength(1);
    const [frame] = socket.syscalls[0]!;
    expect(decodeResponse(API_KEY.ApiVersions, 0, frame!.subarray(4)).correlationId).toBe(7);
  });

  test('answers given at once to the frames of one chunk leave in one write, in request order', () => {
    const socket = connect();
    socket.emit('data', Buffer.concat([apiVersions(1), apiVersions(2), apiVersions(3)]));
    expect(socket.syscalls.map(correlationIds)).toEqual([[1, 2, 3]]);
  });

  test('an answer that waited for a promise is written after the turn, with the others of that turn', async () => {
    const socket = connect();
    socket.emit('data', heartbeat(1));
    expect(socket.syscalls).toHaveLength(0);
    socket.emit('data', heartbeat(2));
    await nextTurn();
    expect(socket.syscalls.map(correlationIds)).toEqual([[1, 2]]);
  });

  test('an answer given at once behind one still pending waits for it (request order)', async () => {
    const socket = connect();
    socket.emit('data', Buffer.concat([heartbeat(1), apiVersions(2)]));
    expect(socket.syscalls).toHaveLength(0);
    await nextTurn();
    expect(socket.syscalls.flatMap(correlationIds)).toEqual([1, 2]);
  });
});
