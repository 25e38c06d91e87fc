'use strict';
// kcat 1.7.1 (librdkafka 2.0.2), one bounded child process per operation. Group members run `kcat -G`
// and report their assignment through kcat's "% Group … rebalanced" lines on stderr.
const { runBounded, spawnTracked } = require('../bounded-process');
const { createMemberState } = require('../member-state');

const KCAT = '/usr/bin/kcat';
const FORMAT = '%p\\t%o\\t%k\\t%s\\n';
const COMMON = ['-X', 'reconnect.backoff.max.ms=500', '-X', 'socket.timeout.ms=15000'];

const parseRecord = (line) => {
  const [p, o, k, ...v] = line.split('\t');
  if (v.length === 0 || !/^\d+$/.test(p) || !/^\d+$/.test(o)) return null;
  return { p: Number(p), o: Number(o), k, v: v.join('\t') };
};

const failure = (what, r) => new Error(`${what} ${r.timedOut ? 'timed out' : `exited ${r.code ?? r.signal}`}: ${r.stderr.filter((l) => l.trim()).slice(-3).join(' | ')}`);

// "% Group g rebalanced (memberid m): assigned: t [0], t [1]" (or "revoked: …").
const REBALANCE = /^% Group .* rebalanced \(memberid .*\): (assigned|revoked): ?(.*)$/;

module.exports = {
  name: 'kcat',
  version: 'kcat 1.7.1 (librdkafka 2.0.2)',
  async available() {
    const r = await runBounded(KCAT, ['-V'], { timeoutMs: 5000 }).catch(() => null);
    return r && r.code === 0 ? null : `${KCAT} not found`;
  },
  unsupported: {
    'create-topic': 'kcat has no topic-creation (admin) mode',
    'admin-groups': 'kcat has no consumer-group admin commands',
  },
  extraApis: {},

  async partitions(bootstrap, topic) {
    const r = await runBounded(KCAT, ['-L', '-b', bootstrap, '-t', topic, '-J', '-m', '10', ...COMMON], { timeoutMs: 15000 });
    if (r.code !== 0) throw failure('kcat -L', r);
    const md = JSON.parse(r.stdout.join('\n'));
    const t = md.topics.find((x) => x.topic === topic);
    if (!t || t.error) throw new Error(`kcat -L: topic ${topic}: ${t ? t.error : 'missing'}`);
    return t.partitions.map((p) => p.partition).sort((a, b) => a - b);
  },

  async produce(bootstrap, topic, messages) {
    const input = messages.map((m) => `${m.k}\t${m.v}\n`).join('');
    const r = await runBounded(KCAT, ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-X', 'acks=all', '-X', 'message.timeout.ms=15000', ...COMMON],
      { timeoutMs: 25000, input });
    if (r.code !== 0 || r.stderr.some((l) => /fail|error/i.test(l))) throw failure('kcat -P', r);
  },

  async consume(bootstrap, topic, count, timeoutMs) {
    const r = await runBounded(KCAT, ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-f', FORMAT, ...COMMON], { timeoutMs });
    const recs = r.stdout.map(parseRecord).filter(Boolean);
    if (recs.length < count && r.code !== 0) throw failure('kcat -C', r);
    return recs;
  },

  /** `kcat -G` with auto-commit every 100 ms; SIGTERM makes it close the consumer (final commit + LeaveGroup). */
  async startMember(bootstrap, { topic, group, label }) {
    const state = createMemberState(label);
    // -o beginning would override committed offsets on every assignment (TOOLCHAIN.md); the reset policy does not.
    const proc = spawnTracked(KCAT, ['-u', '-b', bootstrap, '-G', group, topic, '-f', FORMAT,
      '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500',
      '-X', 'max.poll.interval.ms=10000', '-X', 'auto.commit.interval.ms=100', '-X', `client.id=compat-kcat-${label}`, ...COMMON]);
    proc.onLine((stream, line) => {
      if (stream === 'stdout') {
        const rec = parseRecord(line);
        if (rec) state.apply({ event: 'record', ...rec });
        return;
      }
      const m = REBALANCE.exec(line);
      if (m) {
        const partitions = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
        state.apply(m[1] === 'assigned' ? { event: 'assigned', partitions } : { event: 'revoked', partitions });
      } else if (/^%\d\|.*(ERROR|FAIL)/.test(line) || /^% ERROR/.test(line)) {
        state.apply({ event: 'error', error: line });
      }
    });
    return {
      state,
      stop: async () => {
        await proc.stop('SIGTERM', 10000);
        state.apply({ event: 'closed' });
      },
    };
  },
};
