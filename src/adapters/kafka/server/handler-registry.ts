import type { ApiHandler } from './api-handler';

/** The set of APIs this broker serves; ApiVersions is answered from it (GEN-10). */
export class HandlerRegistry {
  private readonly handlers = new Map<number, ApiHandler>();

  register(handler: ApiHandler): this {
    if (this.handlers.has(handler.apiKey)) throw new Error(`duplicate handler for api key ${handler.apiKey}`);
    this.handlers.set(handler.apiKey, handler);
    return this;
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.handlers.get(apiKey);
  }

  /** Advertised ranges, sorted by api key. */
  ranges(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
