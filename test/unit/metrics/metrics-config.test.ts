import { DEFAULT_CONFIG, configFromEnv, configFromFile, configFromFlags, resolveConfig } from '../../../src/adapters/config/broker-config';

describe('metrics options (--metrics-port, --metrics-host)', () => {
  it('are off by default: no port, loopback host', () => {
    expect(DEFAULT_CONFIG.metricsPort).toBeNull();
    expect(resolveConfig().metricsHost).toBe('127.0.0.1');
  });

  it('come from flags, COHORT_METRICS_PORT / COHORT_METRICS_HOST and the file, flags winning', () => {
    expect(resolveConfig(configFromFlags({ 'metrics-port': '9404' })).metricsPort).toBe(9404);
    const env = resolveConfig(configFromEnv({ COHORT_METRICS_PORT: '9405', COHORT_METRICS_HOST: '0.0.0.0' }));
    expect(env.metricsPort).toBe(9405);
    expect(env.metricsHost).toBe('0.0.0.0');
    expect(resolveConfig(configFromFile({ metricsPort: 9406 }, 'c.json'), configFromFlags({ 'metrics-port': '9407' })).metricsPort).toBe(9407);
  });

  it.each(['70000', 'abc', '-1'])('a bad --metrics-port %s is one line naming the option', (v) => {
    expect(() => resolveConfig(configFromFlags({ 'metrics-port': v }))).toThrow(/--metrics-port/);
  });
});
