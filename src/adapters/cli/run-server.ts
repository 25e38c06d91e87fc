import { startBroker, type RunningBroker } from '../../main';
import type { BrokerConfig } from '../config/broker-config';

/** Runs the broker until SIGTERM/SIGINT; exits 0 after closing sockets and files, non-zero on fatal errors. */
export const runServer = async (config: BrokerConfig, options: { repairMetalog: boolean }): Promise<void> => {
  let broker: RunningBroker | null = null;
  let stopRequested: string | null = null;
  let stopping = false;

  const stop = (signal: string) => {
    if (broker === null) {
      // The listener may already accept connections while recovery runs: remember the signal and
      // shut down as soon as the broker is up, instead of dying with the default handler.
      stopRequested = signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    const b = broker;
    b.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    b.close().then(
      () => process.exit(0),
      (err: Error) => {
        b.log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // Installed before the broker starts, so a signal during start-up is handled too.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Certificate rotation (issue 17): SIGHUP re-reads every TLS listener's key store and trust store.
  // Installed early too: during start-up it is ignored instead of killing the process.
  process.on('SIGHUP', () => {
    const b = broker;
    if (b === null) return;
    for (const r of b.reloadTls()) {
      if (r.error === null) b.log.info({ listener: r.listener }, 'TLS certificates reloaded');
      else b.log.error({ listener: r.listener, err: r.error }, 'TLS certificate reload failed; the previous certificates stay in use');
    }
  });

  try {
    // Issue 15: `--metalog jetstream://…` selects cluster mode (docs/scale-out.md); the file WAL stays the default.
    const start = config.metalog === 'file' ? startBroker : (await import('../../main-cluster')).startClusterBroker;
    broker = await start(config, {
      repairMetalog: options.repairMetalog,
      // Fail-stop (T-DUR-7): the failing requests were answered with an error; exit within a second.
      onFatal: () => setTimeout(() => process.exit(74), 100).unref(),
    });
  } catch (err) {
    process.stderr.write(`cohort-server: ${((err as Error).message ?? String(err)).split('\n')[0]}\n`);
    process.exit(1);
  }
  const running = broker;
  // A bug must not take the broker down silently; it is logged and the process fails fast.
  process.on('uncaughtException', (err) => {
    running.log.error({ err: err.stack }, 'uncaught exception');
    process.exit(70);
  });
  process.on('unhandledRejection', (err) => {
    running.log.error({ err: (err as Error)?.stack ?? String(err) }, 'unhandled rejection');
    process.exit(70);
  });
  if (stopRequested !== null) stop(stopRequested);
};
