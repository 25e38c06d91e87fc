import { ConfigError, configFromFlags, resolveConfig } from '../../../src/adapters/config/broker-config';
import { parseListeners } from '../../../src/adapters/config/security-config';

const cfg = (flags: Record<string, string>) => resolveConfig(configFromFlags(flags));

describe('listener and security options (security.md LS-1, LS-2, LS-7, AC-9)', () => {
  it('defaults: one PLAINTEXT listener on --host/--port, advertised as before', () => {
    expect(parseListeners(cfg({ host: '0.0.0.0', port: '9092' }))).toEqual([
      { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '0.0.0.0', port: 9092, advertisedHost: '127.0.0.1', advertisedPort: null },
    ]);
    expect(parseListeners(cfg({ 'advertised-host': 'kafka.example', 'advertised-port': '19092' }))[0]).toMatchObject({ advertisedHost: 'kafka.example', advertisedPort: 19092 });
  });

  it('LS-1/LS-2 --listeners with a protocol map and per-listener advertised endpoints', () => {
    const listeners = parseListeners(cfg({
      listeners: 'PLAINTEXT://:9092,sasl_ssl://10.0.0.1:9094,EXTERNAL://[::1]:9095',
      'listener-security-protocol-map': 'PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,EXTERNAL:SASL_PLAINTEXT',
      'advertised-listeners': 'SASL_SSL://broker.example:19094,EXTERNAL://:0',
      'ssl-keystore-location': '/k.pem',
      'advertised-host': 'h',
    }));
    expect(listeners).toEqual([
      { name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '0.0.0.0', port: 9092, advertisedHost: 'h', advertisedPort: null },
      { name: 'SASL_SSL', protocol: 'SASL_SSL', host: '10.0.0.1', port: 9094, advertisedHost: 'broker.example', advertisedPort: 19094 },
      { name: 'EXTERNAL', protocol: 'SASL_PLAINTEXT', host: '::1', port: 9095, advertisedHost: 'h', advertisedPort: null },
    ]);
  });

  it.each([
    [{ listeners: 'FOO://:1' }, /FOO has no protocol/],
    [{ listeners: 'PLAINTEXT://:1,PLAINTEXT://:2' }, /given twice/],
    [{ listeners: 'PLAINTEXT://:1,SSL://:1', 'ssl-keystore-location': 'k' }, /port 1 given twice/],
    [{ listeners: 'nonsense' }, /NAME:\/\/host:port/],
    [{ listeners: 'SSL://:9093' }, /--ssl-keystore-location is not set/],
    [{ 'advertised-listeners': 'PLAINTEXT://h:1', listeners: 'PLAINTEXT://:1,SASL_PLAINTEXT://:2', 'listener-security-protocol-map': 'PLAINTEXT:PLAINTEXT' }, /SASL_PLAINTEXT has no protocol/],
    [{ listeners: 'PLAINTEXT://:1', 'advertised-listeners': 'OTHER://h:1' }, /OTHER is not one of --listeners/],
    [{ 'super-users': 'User:a;alice' }, /"alice" is not a principal/],
    [{ 'sasl-enabled-mechanisms': 'GSSAPI' }, /unsupported mechanism GSSAPI/],
    [{ 'ssl-enabled-protocols': 'TLSv1.1' }, /TLSv1.1 is not supported/],
    [{ 'ssl-client-auth': 'maybe' }, /--ssl-client-auth/],
    [{ 'authorizer-enabled': 'yes' }, /--authorizer-enabled/],
  ])('%j is a one-line config error', (flags, message) => {
    expect(() => cfg(flags as Record<string, string>)).toThrow(ConfigError);
    expect(() => cfg(flags as Record<string, string>)).toThrow(message);
  });

  it('AC-9 super users are split on ";", trimmed, empty entries dropped', () => {
    expect(cfg({ 'super-users': ' User:admin ;; User:ops;' }).superUsers).toBe(' User:admin ;; User:ops;');
  });
});
