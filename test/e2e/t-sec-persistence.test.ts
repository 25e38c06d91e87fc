import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { resolveConfig } from '../../src/adapters/config/broker-config';
import { startBroker } from '../../src/main';
import { freePort, startBrokerProcess, tempDir } from './support/broker-process';
import { RawClient } from './support/raw-client';
import { saslLogin } from './support/sasl-client';
import { acl, createAcls, listAcls } from './support/acl-admin';
import { AclOperation as Op, ResourceType as RT } from '../../src/domain/security/acl';
import { cliAddUser } from './support/security-process';

/*
 * SP-1..SP-5: ACLs and SCRAM credentials are MetaLog events; they survive restarts through the log and
 * through snapshots, and an acknowledged CreateAcls or AlterUserScramCredentials survives kill -9.
 */

const saltedFor = (password: string, salt: Buffer, iterations: number) => require('node:crypto').pbkdf2Sync(password, salt, iterations, 64, 'sha512') as Buffer;

describe('security state persistence (security.md SP-1..SP-5, CR-7)', () => {
  it('SP-5 ACLs and credentials come back from the MetaLog and from a snapshot, deciding the same', async () => {
    const dataDir = tempDir('cohort-sp-');
    const open = async () => startBroker(resolveConfig({
      dataDir, logLevel: 'silent', fsync: 'always', listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0', authorizerEnabled: true, superUsers: 'User:ANONYMOUS',
    }));
    let broker = await open();
    const plain = await RawClient.connect(broker.ports.get('PLAINTEXT')!);
    const salt = Buffer.alloc(24, 5);
    const alter = await plain.send(API_KEY.AlterUserScramCredentials, 0, { deletions: [], upsertions: [{ name: 'dana', mechanism: 2, iterations: 8192, salt, saltedPassword: saltedFor('dana-pw', salt, 8192) }] });
    expect(alter.body.results[0].errorCode).toBe(0);
    await createAcls(plain, [acl(RT.TOPIC, 'dana-', Op.READ, 3, 4, 'User:dana'), acl(RT.TOPIC, 'dana-secret', Op.ALL, 2, 3, 'User:dana')]);
    plain.close();
    const check = async () => {
      const c = await RawClient.connect(broker.ports.get('SASL_PLAINTEXT')!);
      expect((await saslLogin(c, 'SCRAM-SHA-512', 'dana', 'dana-pw')).errorCode).toBe(0);
      const md = async (name: string) => (await c.send(API_KEY.Metadata, 4, { topics: [{ name }], allowAutoTopicCreation: false })).body.topics[0].errorCode;
      expect([await md('dana-a'), await md('dana-secret'), await md('other')]).toEqual([3, 29, 29]);
      c.close();
      const admin = await RawClient.connect(broker.ports.get('PLAINTEXT')!);
      const described = await admin.send(API_KEY.DescribeUserScramCredentials, 0, { users: [{ name: 'dana' }] });
      expect(described.body.results[0].credentialInfos).toEqual([{ mechanism: 2, iterations: 8192 }]);
      expect(await listAcls(admin)).toHaveLength(2);
      admin.close();
    };
    await check();
    await broker.close();
    broker = await open();
    await check();
    await broker.journal.snapshotNow();
    await broker.close();
    expect(fs.readdirSync(path.join(dataDir, 'snapshots')).some((f) => f.endsWith('.snap'))).toBe(true);
    broker = await open();
    await check();
    await broker.close();
  });

  it('SP-3 an acknowledged CreateAcls or AlterUserScramCredentials survives kill -9', async () => {
    const dataDir = tempDir('cohort-sp9-');
    await cliAddUser(dataDir, 'boot', 'PLAIN', 'boot-pw');
    const port = await freePort();
    const start = () => startBrokerProcess({ dataDir, port, args: ['--authorizer-enabled', 'true', '--super-users', 'User:ANONYMOUS'] });
    for (let round = 0; round < 4; round++) {
      const broker = await start();
      const c = await RawClient.connect(port);
      expect(await listAcls(c)).toHaveLength(round);
      await createAcls(c, [acl(RT.GROUP, `g-${round}`, Op.READ)]);
      const salt = Buffer.alloc(16, round);
      const res = await c.send(API_KEY.AlterUserScramCredentials, 0, { deletions: [], upsertions: [{ name: `u${round}`, mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32, round) }] });
      expect(res.body.results[0].errorCode).toBe(0);
      await broker.kill9();
    }
    const broker = await start();
    const c = await RawClient.connect(port);
    expect((await listAcls(c)).map((a) => a.resourceName).sort()).toEqual(['g-0', 'g-1', 'g-2', 'g-3']);
    const users = await c.send(API_KEY.DescribeUserScramCredentials, 0, { users: null });
    expect(users.body.results.map((r: { user: string }) => r.user).sort()).toEqual(['u0', 'u1', 'u2', 'u3']);
    c.close();
    expect(await broker.stop()).toBe(0);
  });
});
