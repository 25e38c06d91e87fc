'use strict';
// One Kafka connection for scripted drivers: request(apiKey, version, body) -> decoded response body.
// Responses of one connection arrive in request order; correlation ids are checked.
const { connectLoopback, frameSplitter } = require('./raw-client');
const { kafkaCodec } = require('./kafka-codec');

class KafkaConnection {
  /** Connects to 127.0.0.1:port. */
  static async open(port, { clientId = 'cohort-bench', host = '127.0.0.1' } = {}) {
    return new KafkaConnection(await connectLoopback(host, port), clientId);
  }

  constructor(socket, clientId) {
    this.socket = socket;
    this.clientId = clientId;
    this.corr = 1;
    this.fifo = [];
    this.closedError = null;
    socket.on('data', frameSplitter((frame) => this.onFrame(frame)));
    const fail = (e) => {
      this.closedError = this.closedError || e;
      for (const p of this.fifo.splice(0)) p.reject(this.closedError);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  onFrame(frame) {
    const p = this.fifo.shift();
    if (p === undefined) return;
    try {
      if (p.raw) {
        if (frame.readInt32BE(0) !== p.corr) throw new Error(`correlation id ${frame.readInt32BE(0)}, expected ${p.corr}`);
        p.resolve(frame);
        return;
      }
      const { correlationId, body } = kafkaCodec().decodeResponse(p.apiKey, p.version, frame);
      if (correlationId !== p.corr) throw new Error(`correlation id ${correlationId}, expected ${p.corr}`);
      p.resolve(body);
    } catch (e) { p.reject(e); }
  }

  /** Sends one request; `sentAt` (optional callback) is called right after the frame is handed to the socket. */
  request(apiKey, version, body, sentAt) {
    return this.send(apiKey, version, body, sentAt, false);
  }

  /** Like request, but resolves the undecoded response frame (after the size prefix; correlation id checked). */
  requestRaw(apiKey, version, body, sentAt) {
    return this.send(apiKey, version, body, sentAt, true);
  }

  send(apiKey, version, body, sentAt, raw) {
    if (this.closedError) return Promise.reject(this.closedError);
    const corr = this.corr++;
    const frame = kafkaCodec().encodeRequest(apiKey, version, corr, this.clientId, body);
    return new Promise((resolve, reject) => {
      this.fifo.push({ apiKey, version, corr, resolve, reject, raw });
      this.socket.write(frame);
      if (sentAt) sentAt();
    });
  }

  close() { this.socket.destroy(); }
}

module.exports = { KafkaConnection };
