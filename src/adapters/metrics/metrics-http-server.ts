import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../ports/logger';
import type { HttpAnswer } from '../http/group-routes';

/** What the endpoint serves: a text exposition and its Content-Type. */
export interface ScrapeSource {
  scrape(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsHttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** Other GET pages served beside /metrics (the group history, PE-13): an answer, or null = not mine. */
  readonly routes?: (path: string) => HttpAnswer | null;
}

/**
 * The Prometheus scrape endpoint on node:http: `GET /metrics` (and HEAD) answers the exposition,
 * the extra routes answer their pages; any other path is 404, any other method 405. It shares
 * nothing with the Kafka listener, so a slow scraper cannot hold up clients.
 */
export class MetricsHttpServer {
  private server: http.Server | null = null;

  constructor(
    private readonly source: ScrapeSource,
    private readonly options: MetricsHttpServerOptions,
    private readonly log: Logger,
  ) {}

  /** Starts listening; resolves with the bound port (port 0 picks a free one). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.keepAliveTimeout = 5_000;
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.error({ err: err.message }, 'metrics listener error'));
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops idle keep-alive connections of scrapers. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const page = path === '/metrics' ? null : (this.options.routes?.(path) ?? null);
    if (path !== '/metrics' && page === null) return this.reply(res, 404, 'text/plain; charset=utf-8', 'not found: try /metrics or /groups\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return this.reply(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (page !== null) return this.reply(res, page.status, page.contentType, req.method === 'HEAD' ? '' : page.body);
    this.source.scrape().then(
      (text) => this.reply(res, 200, this.source.contentType, req.method === 'HEAD' ? '' : text),
      (err: Error) => {
        this.log.error({ err: err.stack ?? err.message }, 'metrics scrape failed');
        this.reply(res, 500, 'text/plain; charset=utf-8', 'scrape failed\n');
      },
    );
  }

  private reply(res: http.ServerResponse, status: number, contentType: string, body: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.end(body);
  }
}
