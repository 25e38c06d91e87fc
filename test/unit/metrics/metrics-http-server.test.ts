import * as http from 'node:http';
import * as net from 'node:net';
import { MetricsHttpServer, type ScrapeSource } from '../../../src/adapters/metrics/metrics-http-server';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import { silentLogger } from '../../../src/adapters/system/pino-logger';

const request = (port: number, method: string, path: string): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('MetricsHttpServer (the /metrics endpoint on node:http)', () => {
  let server: MetricsHttpServer;
  let port: number;
  const metrics = new PromMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    metrics.increment('cohort_snapshots_total');
    server = new MetricsHttpServer(metrics, { host: '127.0.0.1', port: 0 }, silentLogger);
    port = await server.listen();
  });
  afterAll(() => server.close());

  it('GET /metrics answers the exposition with the Prometheus text content type', async () => {
    const res = await request(port, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toBe(metrics.contentType);
    expect(res.body).toMatch(/^cohort_snapshots_total 1$/m);
  });

  it('a query string is ignored; HEAD answers headers only', async () => {
    expect((await request(port, 'GET', '/metrics?x=1')).status).toBe(200);
    const head = await request(port, 'HEAD', '/metrics');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('other paths are 404 and other methods 405', async () => {
    expect((await request(port, 'GET', '/')).status).toBe(404);
    expect((await request(port, 'GET', '/metricsx')).status).toBe(404);
    expect((await request(port, 'POST', '/metrics')).status).toBe(405);
  });

  it('a failing scrape is a 500, and the endpoint keeps serving', async () => {
    let fail = true;
    const source: ScrapeSource = {
      contentType: 'text/plain',
      scrape: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve('ok\n')),
    };
    const s = new MetricsHttpServer(source, { host: '127.0.0.1', port: 0 }, silentLogger);
    const p = await s.listen();
    try {
      expect((await request(p, 'GET', '/metrics')).status).toBe(500);
      fail = false;
      expect((await request(p, 'GET', '/metrics')).body).toBe('ok\n');
    } finally {
      await s.close();
    }
  });

  it('close() stops listening, also with a scraper holding a keep-alive connection', async () => {
    const s = new MetricsHttpServer(metrics, { host: '127.0.0.1', port: 0 }, silentLogger);
    const p = await s.listen();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: p, path: '/metrics', agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    await s.close();
    agent.destroy();
    expect(await canConnect(p)).toBe(false);
  });

  it('listen() rejects when the port is taken', async () => {
    const s = new MetricsHttpServer(metrics, { host: '127.0.0.1', port }, silentLogger);
    await expect(s.listen()).rejects.toThrow(/EADDRINUSE/);
  });
});
