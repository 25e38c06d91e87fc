import { ScramSaslServer } from '../../../src/adapters/security/scram-sasl-server';
import { PlainSaslServer } from '../../../src/adapters/security/plain-sasl-server';
import { credentialFromPassword, keysFromSaltedPassword, saltedPassword, serverNonce } from '../../../src/adapters/security/scram-formatter';
import { parseClientFinal, parseClientFirst, usernameFromSaslName } from '../../../src/adapters/security/scram-messages';
import type { StoredCredential } from '../../../src/domain/security';

/** RFC 7677 section 3: the SCRAM-SHA-256 example exchange (user "user", password "pencil"). */
const RFC = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const rfcCredential = async (): Promise<StoredCredential> => {
  const salted = await saltedPassword(Buffer.from('pencil'), RFC.salt, 4096, 'sha256');
  const { storedKey, serverKey } = keysFromSaltedPassword(salted, 'sha256');
  return { name: 'user', mechanism: 'SCRAM-SHA-256', salt: RFC.salt, storedKey, serverKey, iterations: 4096 };
};

describe('SCRAM server (RFC 5802/7677; security.md SA-13..SA-18)', () => {
  it('SA-14..SA-17 reproduces the RFC 7677 exchange byte for byte', async () => {
    const cred = await rfcCredential();
    const server = new ScramSaslServer('SCRAM-SHA-256', (u) => (u === 'user' ? cred : undefined), () => RFC.serverNonce);
    const first = await server.evaluate(Buffer.from(RFC.clientFirst));
    expect(first).toEqual({ kind: 'challenge', bytes: Buffer.from(RFC.serverFirst) });
    const final = await server.evaluate(Buffer.from(RFC.clientFinal));
    expect(final).toEqual({ kind: 'complete', bytes: Buffer.from(RFC.serverFinal), authorizationId: 'user' });
    expect((await server.evaluate(Buffer.from('x'))).kind).toBe('failed');
  });

  it('T-SEC-2 the proof is compared with crypto.timingSafeEqual', async () => {
    const cred = await rfcCredential();
    // The module object itself (named imports read it at call time).
    const spy = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'timingSafeEqual');
    try {
      const server = new ScramSaslServer('SCRAM-SHA-256', () => cred, () => RFC.serverNonce);
      await server.evaluate(Buffer.from(RFC.clientFirst));
      await server.evaluate(Buffer.from(RFC.clientFinal));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('SA-15 a wrong proof, a foreign nonce and a malformed final message fail', async () => {
    const cred = await rfcCredential();
    const run = async (final: string) => {
      const server = new ScramSaslServer('SCRAM-SHA-256', () => cred, () => RFC.serverNonce);
      await server.evaluate(Buffer.from(RFC.clientFirst));
      return (await server.evaluate(Buffer.from(final))).kind;
    };
    expect(await run(RFC.clientFinal.replace('p=dHzb', 'p=dHzc'))).toBe('failed');
    expect(await run(RFC.clientFinal.replace('hNlF$k0', 'hNlF$k1'))).toBe('failed');
    expect(await run('c=biws,p=AAAA')).toBe('failed');
    expect(await run(RFC.clientFinal.replace(/,p=.*/, ',p=AAAA'))).toBe('failed');
  });

  it('SA-13/SA-14 failures at the first message: unknown user, a different authzid (specific message), too few iterations, channel binding, delegation tokens', async () => {
    const cred = await rfcCredential();
    const first = async (msg: string, c: StoredCredential | null = cred) =>
      new ScramSaslServer('SCRAM-SHA-256', () => c ?? undefined, serverNonce).evaluate(Buffer.from(msg));
    expect((await first(RFC.clientFirst, null)).kind).toBe('failed');
    expect(await first('n,a=other,n=user,r=abc')).toMatchObject({ kind: 'failed', clientMessage: 'Authentication failed: Client requested an authorization id that is different from username' });
    expect((await first('n,a=user,n=user,r=abc')).kind).toBe('challenge');
    expect(await first(RFC.clientFirst, { ...cred, iterations: 4095 })).toMatchObject({ kind: 'failed', clientMessage: null });
    expect((await first('y,,n=user,r=abc')).kind).toBe('failed');
    expect((await first('p=tls-unique,,n=user,r=abc')).kind).toBe('failed');
    expect((await first('n,,n=user,r=abc,tokenauth=true')).kind).toBe('failed');
    expect((await first('n,,n=user,r=abc,ext=ignored')).kind).toBe('challenge');
  });

  it('SA-13 message grammar: =2C and =3D escapes, reserved m=, non-ASCII names refused', () => {
    expect(parseClientFirst('n,,n=a=2Cb=3Dc,r=xyz')).toMatchObject({ username: 'a,b=c', nonce: 'xyz', bare: 'n=a=2Cb=3Dc,r=xyz' });
    expect(parseClientFirst('n,,m=ext,n=u,r=x')).toMatchObject({ username: 'u', bare: 'm=ext,n=u,r=x' });
    expect(parseClientFirst('n,,n=a=2Xb,r=x')).toBeNull();
    expect(parseClientFirst('n,,n=é,r=x')).toBeNull();
    expect(parseClientFirst('n,,r=x')).toBeNull();
    expect(parseClientFinal('c=biws,r=abc,p=AAAA')).toMatchObject({ nonce: 'abc', withoutProof: 'c=biws,r=abc' });
    expect(parseClientFinal('c=biws,r=abc,x=1,p=AAAA')).toMatchObject({ withoutProof: 'c=biws,r=abc,x=1' });
    expect(parseClientFinal('c=biws,r=abc,p=A')).toBeNull();
    expect(usernameFromSaslName('=3D2C')).toBe('=2C');
  });

  it('SA-14 the server nonce is 130 random bits in base 36', () => {
    const nonces = Array.from({ length: 50 }, serverNonce);
    expect(new Set(nonces).size).toBe(50);
    for (const n of nonces) {
      expect(n).toMatch(/^[0-9a-z]+$/);
      expect(BigInt(`0x0`) + [...n].reduce((acc, ch) => acc * 36n + BigInt(parseInt(ch, 36)), 0n)).toBeLessThan(1n << 130n);
    }
  });
});

describe('PLAIN server (RFC 4616; security.md SA-11, SA-12)', () => {
  it('checks the PLAIN credential, else a SCRAM one, with salted keys; never the stored password', async () => {
    const plain = await credentialFromPassword('p', 'plain-pw', 'PLAIN', 4096);
    const scram = await credentialFromPassword('s', 'scram-pw', 'SCRAM-SHA-256', 4096);
    const lookup = (user: string, m: string) => (user === 'p' && m === 'PLAIN' ? plain : user === 's' && m === 'SCRAM-SHA-256' ? scram : undefined) as StoredCredential | undefined;
    const login = (token: string) => new PlainSaslServer(lookup).evaluate(Buffer.from(token));
    expect(await login('\u0000p\u0000plain-pw')).toEqual({ kind: 'complete', bytes: Buffer.alloc(0), authorizationId: 'p' });
    expect(await login('p\u0000p\u0000plain-pw')).toMatchObject({ kind: 'complete' });
    expect(await login('\u0000s\u0000scram-pw')).toMatchObject({ kind: 'complete', authorizationId: 's' });
    expect(await login('\u0000p\u0000nope')).toMatchObject({ kind: 'failed', clientMessage: 'Authentication failed: Invalid username or password' });
    expect(await login('x\u0000p\u0000plain-pw')).toMatchObject({ clientMessage: 'Authentication failed: Client requested an authorization id that is different from username' });
    expect(await login('\u0000p\u0000')).toMatchObject({ clientMessage: 'Authentication failed: password not specified' });
  });
});
