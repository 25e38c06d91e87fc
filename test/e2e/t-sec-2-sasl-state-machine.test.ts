import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { startSecureBroker, type SecureBroker } from './support/secure-broker';
import { RawClient } from './support/raw-client';
import { ScramClient, plainToken, saslLogin } from './support/sasl-client';

const GENERIC = (m: string) => `Authentication failed during authentication due to invalid credentials with SASL mechanism ${m}`;
const DELAY_MS = 150;

describe('T-SEC-2 SASL state machine on a SASL_PLAINTEXT listener (security.md §2)', () => {
  let sb: SecureBroker;
  const connect = () => RawClient.connect(sb.sasl);

  beforeAll(async () => {
    sb = await startSecureBroker({ config: { connectionFailedAuthenticationDelayMs: DELAY_MS, authorizerEnabled: true, superUsers: 'User:alice' } });
    await sb.addUser('alice', 'alice-secret');
    await sb.addUser('we,ird=user', 'w-secret', ['SCRAM-SHA-256']);
  });
  afterAll(() => sb.close());

  it.each([
    ['Metadata', API_KEY.Metadata, 1, { topics: null }],
    ['JoinGroup', API_KEY.JoinGroup, 2, { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [] }],
    ['OffsetCommit', API_KEY.OffsetCommit, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [] }],
  ])('SA-1 %s before authentication closes the connection without a response', async (_n, key, version, body) => {
    const c = await connect();
    await expect(c.send(key, version, body)).rejects.toThrow('connection closed');
  });

  it('SA-1/SA-5 a second ApiVersions, or ApiVersions after the handshake, closes the connection', async () => {
    const c = await connect();
    expect((await c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).body.errorCode).toBe(0);
    await expect(c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).rejects.toThrow('connection closed');
    const d = await connect();
    expect((await d.send(API_KEY.SaslHandshake, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    // In the AUTHENTICATE state of handshake v1 an ApiVersions is just another illegal request (SA-5).
    expect((await d.send(API_KEY.ApiVersions, 0, {})).body.errorCode).toBe(34);
    expect(await d.closedWithin(2000)).toBe(true);
  });

  it('SA-2/LS-9 ApiVersions before authentication lists the same APIs as a PLAINTEXT listener; an unsupported version leaves the state unchanged', async () => {
    const plain = await RawClient.connect(sb.plaintext);
    const expected = (await plain.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).body.apiKeys;
    plain.close();
    const c = await connect();
    const frame = encodeRequest(API_KEY.ApiVersions, 3, 1, 'x', { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    frame.writeInt16BE(99, 6);
    const tooNew = await c.sendFrame(frame, API_KEY.ApiVersions, 0);
    expect(tooNew.body.errorCode).toBe(35);
    const res = await c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(res.body.apiKeys).toEqual(expected);
    expect(res.body.apiKeys.map((k: { apiKey: number }) => k.apiKey)).toEqual(expect.arrayContaining([17, 36, 29, 30, 31, 50, 51]));
    expect((await saslLogin(c, 'SCRAM-SHA-512', 'alice', 'alice-secret')).errorCode).toBe(0);
    c.close();
  });

  it('SA-3 an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then a delayed close (SA-8)', async () => {
    const c = await connect();
    const t0 = Date.now();
    const res = await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'FOO' });
    expect(res.body.errorCode).toBe(33);
    expect(res.body.mechanisms).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']);
    expect(await c.closedWithin(2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY_MS - 20);
    // Mechanism names compare case-sensitively.
    const d = await connect();
    expect((await d.send(API_KEY.SaslHandshake, 1, { mechanism: 'plain' })).body.errorCode).toBe(33);
  });

  it('SA-5 a non-SaslAuthenticate request after handshake v1 gets that API\'s ILLEGAL_SASL_STATE response, then close', async () => {
    const c = await connect();
    await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await c.send(API_KEY.Heartbeat, 1, { groupId: 'g', generationId: 1, memberId: 'm' });
    expect(res.body.errorCode).toBe(34);
    expect(await c.closedWithin(2000)).toBe(true);
  });

  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)('SA-6 %s wrong password: 58 with the generic message on the second round, close no earlier than the delay', async (m) => {
    const c = await connect();
    const t0 = Date.now();
    const res = await saslLogin(c, m, 'alice', 'wrong');
    expect(res).toMatchObject({ errorCode: 58, errorMessage: GENERIC(m) });
    expect(await c.closedWithin(2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(DELAY_MS - 20);
  });

  it('SA-14 an unknown SCRAM user fails on the first round with the same message as a wrong password', async () => {
    const c = await connect();
    await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    const res = await c.send(API_KEY.SaslAuthenticate, 1, { authBytes: new ScramClient('SCRAM-SHA-256', 'nobody', 'x').first() });
    expect(res.body).toMatchObject({ errorCode: 58, errorMessage: GENERIC('SCRAM-SHA-256') });
    expect(await c.closedWithin(2000)).toBe(true);
  });

  it.each([
    ['wrong password', plainToken('alice', 'nope'), 'Authentication failed: Invalid username or password'],
    ['unknown user', plainToken('nobody', 'x'), 'Authentication failed: Invalid username or password'],
    ['two tokens', Buffer.from('alice\u0000pw'), 'Invalid SASL/PLAIN response: expected 3 tokens, got 2'],
    ['four tokens', Buffer.from('a\u0000alice\u0000pw\u0000x'), 'Invalid SASL/PLAIN response: expected 3 tokens, got 4'],
    ['empty user', plainToken('', 'pw'), 'Authentication failed: username not specified'],
    ['empty password', plainToken('alice', ''), 'Authentication failed: password not specified'],
    ['another authzid', plainToken('alice', 'alice-secret', 'bob'), 'Authentication failed: Client requested an authorization id that is different from username'],
  ])('SA-11 PLAIN %s: 58 with Kafka\'s message, then close', async (_n, token, message) => {
    const c = await connect();
    await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await c.send(API_KEY.SaslAuthenticate, 2, { authBytes: token });
    expect(res.body).toMatchObject({ errorCode: 58, errorMessage: message });
    expect(await c.closedWithin(2000)).toBe(true);
  });

  it('SA-7 after authentication SaslHandshake and SaslAuthenticate get ILLEGAL_SASL_STATE and the connection stays open', async () => {
    const c = await connect();
    expect((await saslLogin(c, 'PLAIN', 'alice', 'alice-secret', 0)).errorCode).toBe(0);
    expect((await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(34);
    const again = await c.send(API_KEY.SaslAuthenticate, 1, { authBytes: Buffer.alloc(0) });
    expect(again.body).toMatchObject({ errorCode: 34, errorMessage: 'SaslAuthenticate request received after successful authentication' });
    expect((await c.send(API_KEY.Metadata, 1, { topics: null })).body.brokers[0].port).toBe(sb.sasl);
    c.close();
  });

  it('SA-9 a pre-authentication frame over 524288 bytes closes; SA-10 a first frame that is no Kafka header closes', async () => {
    const big = await connect();
    const head = Buffer.alloc(8);
    head.writeInt32BE(524289, 0);
    big.writeRaw(head);
    expect(await big.closedWithin(2000)).toBe(true);
    const garbage = await connect();
    garbage.writeRaw(Buffer.from([0, 0, 0, 3, 1, 2, 3]));
    expect(await garbage.closedWithin(2000)).toBe(true);
  });

  it('SA-13 a user name with "," and "=" logs in through =2C / =3D', async () => {
    const c = await connect();
    expect((await saslLogin(c, 'SCRAM-SHA-256', 'we,ird=user', 'w-secret')).errorCode).toBe(0);
    c.close();
  });

  it('SA-15 a client-final whose nonce lacks the server nonce fails', async () => {
    const c = await connect();
    await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' });
    const scram = new ScramClient('SCRAM-SHA-512', 'alice', 'alice-secret');
    const first = await c.send(API_KEY.SaslAuthenticate, 1, { authBytes: scram.first() });
    const res = await c.send(API_KEY.SaslAuthenticate, 1, { authBytes: scram.final(first.body.authBytes, { nonce: scram.nonce }) });
    expect(res.body.errorCode).toBe(58);
    expect(await c.closedWithin(2000)).toBe(true);
  });

  it('SA-4 handshake v0: SCRAM and PLAIN tokens travel as raw frames; PLAIN ends with an empty frame', async () => {
    const c = await connect();
    expect((await c.send(API_KEY.SaslHandshake, 0, { mechanism: 'SCRAM-SHA-512' })).body.errorCode).toBe(0);
    const scram = new ScramClient('SCRAM-SHA-512', 'alice', 'alice-secret');
    const serverFirst = await c.sendRawToken(scram.first());
    const serverFinal = await c.sendRawToken(scram.final(serverFirst));
    expect(scram.verifyServerFinal(serverFinal)).toBe(true);
    expect((await c.send(API_KEY.Metadata, 1, { topics: null })).body.brokers).toHaveLength(1);
    c.close();
    const p = await connect();
    expect((await p.send(API_KEY.SaslHandshake, 0, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    expect((await p.sendRawToken(plainToken('alice', 'alice-secret'))).length).toBe(0);
    expect((await p.send(API_KEY.ApiVersions, 0, {})).body.errorCode).toBe(0);
    p.close();
    const bad = await connect();
    await bad.send(API_KEY.SaslHandshake, 0, { mechanism: 'PLAIN' });
    await expect(bad.sendRawToken(plainToken('alice', 'wrong'))).rejects.toThrow('connection closed');
  });

  it('T-SEC-6 SaslHandshake + JoinGroup + SaslAuthenticate pipelined in one write: the JoinGroup closes the connection and never runs', async () => {
    const c = await connect();
    const join = { groupId: 'tsec6-group', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] };
    const frames = Buffer.concat([
      encodeRequest(API_KEY.SaslHandshake, 1, 1, 'p', { mechanism: 'PLAIN' }),
      encodeRequest(API_KEY.JoinGroup, 5, 2, 'p', join),
      encodeRequest(API_KEY.SaslAuthenticate, 1, 3, 'p', { authBytes: plainToken('alice', 'alice-secret') }),
    ]);
    const hs = c.sendFrame(frames, API_KEY.SaslHandshake, 1);
    const jg = new Promise<{ body: any }>((resolve, reject) => (c as any).waiting.push({ apiKey: API_KEY.JoinGroup, version: 5, resolve, reject }));
    expect((await hs).body.errorCode).toBe(0);
    expect((await jg).body.errorCode).toBe(34);
    expect(await c.closedWithin(2000)).toBe(true);
    expect(sb.broker.coordinator.listGroups({ statesFilter: [], typesFilter: [] }).groups.map((g: { groupId: string }) => g.groupId)).not.toContain('tsec6-group');
  });

  it('SaslAuthenticate v0, v1 and v2 all complete a SCRAM login; the principal then meets the authorizer', async () => {
    for (const v of [0, 1, 2]) {
      const c = await connect();
      expect((await saslLogin(c, 'SCRAM-SHA-256', 'alice', 'alice-secret', v)).errorCode).toBe(0);
      c.close();
    }
    await sb.addUser('bob', 'bob-secret', ['PLAIN']);
    const bob = await connect();
    expect((await saslLogin(bob, 'PLAIN', 'bob', 'bob-secret')).errorCode).toBe(0);
    const md = await bob.send(API_KEY.Metadata, 4, { topics: [{ name: 'secret-topic' }], allowAutoTopicCreation: true });
    expect(md.body.topics[0].errorCode).toBe(29);
    bob.close();
  });
});
