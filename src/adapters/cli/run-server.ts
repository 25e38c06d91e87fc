import { startBroker } from '../../main';
import type { BrokerConfig } from '../config/broker-config';

/** Runs the broker until SIGTERM/SIGINT; exits 0 after closing sockets and files, non-zero on fatal errors. */
export const runServer = async (config: BrokerConfig, options: { repairMetalog: boolean }): Promise<void> => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  try {
    broker = await startBroker(config, {
      repairMetalog: options.repairMetalog,
      // Fail-stop (T-DUR-7): the failing requests were answered with an error; exit within a second.
      onFatal: () => setTimeout(() => process.exit(74), 100).unref(),
    });
  } catch (err) {
    process.stderr.write(`cohort-server: ${((err as Error).message ?? String(err)).split('\n')[0]}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    broker.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    broker.close().then(
      () => process.exit(0),
      (err: Error) => {
        broker.log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A bug must not take the broker down silently; it is logged and the process fails fast.
  process.on('uncaughtException', (err) => {
    broker.log.error({ err: err.stack }, 'uncaught exception');
    process.exit(70);
  });
  process.on('unhandledRejection', (err) => {
    broker.log.error({ err: (err as Error)?.stack ?? String(err) }, 'unhandled rejection');
    process.exit(70);
  });
};
