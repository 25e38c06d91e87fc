import pino from 'pino';
import type { Logger } from '../../ports/logger';

/** Structured JSON logs on stderr (stdout stays free for CLI output such as `metalog dump`). */
export const createPinoLogger = (level: string): Logger => {
  const base = pino({ level, base: { svc: 'cohort' } }, pino.destination({ fd: 2, sync: true }));
  return wrap(base);
};

const wrap = (p: pino.Logger): Logger => ({
  debug: (o, m) => (typeof o === 'string' ? p.debug(o) : p.debug(o, m)),
  info: (o, m) => (typeof o === 'string' ? p.info(o) : p.info(o, m)),
  warn: (o, m) => (typeof o === 'string' ? p.warn(o) : p.warn(o, m)),
  error: (o, m) => (typeof o === 'string' ? p.error(o) : p.error(o, m)),
  child: (b) => wrap(p.child(b)),
});

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
