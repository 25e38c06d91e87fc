import { spawn, type ChildProcess } from 'node:child_process';
import type { GroupLedger } from './kafkajs-group-load';

/**
 * A kcat balanced consumer (`-G`, librdkafka) committing automatically every 100 ms; every consumed
 * (partition, offset) goes into the group's ledger. Per TOOLCHAIN.md, auto.offset.reset=earliest
 * (never `-o beginning`, which would ignore committed offsets).
 */
export const startKcatConsumer = (bootstrap: string[], groupId: string, topic: string, ledger: GroupLedger): { child: ChildProcess; groupId: string; stderr: string[]; stop(): Promise<void> } => {
  const child = spawn('kcat', [
    '-b', bootstrap.join(','), '-G', groupId, '-q', '-u', '-f', '%p %o\\n',
    '-X', 'auto.offset.reset=earliest', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100',
    '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=500', '-X', 'topic.metadata.refresh.interval.ms=1000',
    topic,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const m = /^(\d+) (\d+)$/.exec(l.trim());
      if (m === null) continue;
      const p = Number(m[1]);
      let set = ledger.consumed.get(p);
      if (set === undefined) ledger.consumed.set(p, (set = new Set()));
      set.add(Number(m[2]));
    }
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr.push(...d.toString().split('\n').filter((l) => l.trim() !== ''));
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  child.once('exit', (code, signal) => stderr.push(`kcat exited code=${code} signal=${signal}`));
  return {
    child,
    groupId,
    stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};
