import { ConfigError, DEFAULT_CONFIG, configFromEnv, configFromFile, configFromFlags, resolveConfig } from '../../../src/adapters/config/broker-config';

describe('broker config (io-ts decoded, layered defaults < file < env < flags)', () => {
  it('embedded defaults decode and use Kafka\'s port and coordinator defaults', () => {
    const cfg = resolveConfig();
    expect(cfg.port).toBe(9092);
    expect(cfg.groupMinSessionTimeoutMs).toBe(6000);
    expect(cfg.groupMaxSessionTimeoutMs).toBe(1800000);
    expect(cfg.fsync).toBe('always');
    expect(cfg).toEqual(DEFAULT_CONFIG);
  });

  it('flags override env which overrides the file', () => {
    const cfg = resolveConfig(
      configFromFile({ port: 1000, 'log-level': 'debug' }, 'x.json'),
      configFromEnv({ COHORT_PORT: '2000', COHORT_DATA_DIR: '/tmp/d' }),
      configFromFlags({ port: '3000' }),
    );
    expect(cfg.port).toBe(3000);
    expect(cfg.dataDir).toBe('/tmp/d');
    expect(cfg.logLevel).toBe('debug');
  });

  it.each([
    [{ port: '70000' }, /--port/],
    [{ port: 'abc' }, /--port/],
    [{ fsync: 'sometimes' }, /--fsync/],
    [{ 'log-level': 'loud' }, /--log-level/],
    [{ 'auto-create-topics': 'maybe' }, /--auto-create-topics/],
  ])('bad value %j is one line naming the option', (flags, re) => {
    expect(() => resolveConfig(configFromFlags(flags as Record<string, string>))).toThrow(re);
    try {
      resolveConfig(configFromFlags(flags as Record<string, string>));
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('accepts interval fsync policies and rejects interval:0', () => {
    expect(resolveConfig(configFromFlags({ fsync: 'interval:5' })).fsync).toBe('interval:5');
    expect(() => resolveConfig(configFromFlags({ fsync: 'interval:0' }))).toThrow(/--fsync/);
  });

  it('unknown env variables, file keys and flags are errors, not silently ignored', () => {
    expect(() => configFromEnv({ COHORT_PROT: '1' })).toThrow(/COHORT_PROT/);
    expect(() => configFromFile({ prot: 1 }, 'c.json')).toThrow(/prot/);
    expect(() => configFromFile([1], 'c.json')).toThrow(/JSON object/);
    expect(() => configFromFlags({ prot: '1' })).toThrow(/--prot/);
  });

  it('min session timeout above max is rejected', () => {
    expect(() => resolveConfig(configFromFlags({ 'group-min-session-timeout-ms': '10', 'group-max-session-timeout-ms': '5' }))).toThrow(ConfigError);
  });
});
