import { summarize, type GroupSummary } from '../../application/group/group-admin-service';
import { overviewOf } from '../../domain/group/group-overview';
import { historyReport, type HistoryReport } from '../../application/group/history-report';
import { expandHistory, type GroupHistory } from '../../domain/group/history';
import { CorruptMetaLogError, NotCohortDirectoryError, readGroupsOffline } from './offline-groups';

/** Where the command writes: process.stdout / process.stderr fit. */
export interface Output {
  write(text: string): unknown;
}

export interface GroupsCommandOptions {
  readonly dataDir: string;
  readonly json: boolean;
  readonly historyMaxGenerations: number;
}

const EXIT_DATA = 1;
const EXIT_USAGE = 2;

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

const renderList = (groups: readonly GroupSummary[]): string => {
  const rows = [['GROUP', 'STATE', 'GENERATION', 'MEMBERS', 'LAST REBALANCE']];
  for (const g of groups) {
    rows.push([g.groupId, g.state, String(g.generation), String(g.members), g.lastRebalanceAt === null ? '-' : new Date(g.lastRebalanceAt).toISOString()]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
};

const renderHistory = (r: HistoryReport): string => {
  const lines = [`group ${r.group.groupId}: ${r.group.state}, generation ${r.group.generation}, ${r.group.members} members`];
  for (const g of r.generations) {
    const span = `${g.rebalanceStartedAt ?? '?'} → ${g.rebalanceEndedAt ?? (g.outcome === 'abandoned' ? 'abandoned' : 'in progress')}`;
    lines.push('');
    lines.push(`generation ${g.generation} (${g.outcome})  ${span}${g.durationMs === null ? '' : ` (${g.durationMs} ms)`}`);
    lines.push(`  trigger: ${g.trigger?.description ?? 'unknown (written before histories were kept)'}`);
    for (const l of g.left) lines.push(`  left: ${l.description}`);
    if (g.protocol !== null) lines.push(`  protocol: ${g.protocolType ?? ''}/${g.protocol}  leader: ${g.leader ?? '-'}`);
    for (const m of g.members) {
      lines.push(`  member ${m.memberId}  instance ${m.instanceId ?? '-'}  client ${m.clientId}  host ${m.host}  partitions ${m.partitions ?? '?'}`);
    }
  }
  if (r.notes.length > 0) lines.push('');
  for (const n of r.notes) lines.push(`note ${n.at ?? '?'}: ${n.description}`);
  return lines.join('\n') + '\n';
};

/**
 * `cohort-server groups list|history [GROUP] --data-dir D [--json]` (PE-13), offline and read-only.
 * Exit 0; 2 for usage errors (unknown group, not a data directory); 1 when the MetaLog is corrupt
 * (with `metalog verify`'s line).
 */
export const runGroupsCommand = async (action: string, groupId: string | undefined, o: GroupsCommandOptions, out: Output, err: Output): Promise<number> => {
  const fail = (code: number, message: string): number => {
    err.write(`cohort-server: ${message.split('\n')[0]}\n`);
    return code;
  };
  if (action !== 'list' && action !== 'history') return fail(EXIT_USAGE, `unknown groups action "${action}" (expected list or history)`);
  if (action === 'history' && (groupId === undefined || groupId === '')) return fail(EXIT_USAGE, 'groups history needs a GROUP');
  let read;
  try {
    read = await readGroupsOffline(o.dataDir, o.historyMaxGenerations);
  } catch (e) {
    if (e instanceof NotCohortDirectoryError) return fail(EXIT_USAGE, e.message);
    if (e instanceof CorruptMetaLogError) return fail(EXIT_DATA, e.message);
    return fail(EXIT_DATA, (e as Error).message ?? String(e));
  }
  if (action === 'list') {
    const groups = [...read.state.groups.values()].map((g) => {
      const v = overviewOf(g);
      return summarize(g.groupId, v.state, v.protocolType, v.generation, v.members, read.history.get(g.groupId));
    });
    out.write(o.json ? `${JSON.stringify(groups, null, 2)}\n` : renderList(groups));
    return 0;
  }
  const g = read.state.groups.get(groupId!);
  if (g === undefined) return fail(EXIT_USAGE, `unknown group ${JSON.stringify(groupId)} in ${o.dataDir}`);
  const stored = read.history.get(g.groupId);
  const history: GroupHistory = stored === undefined ? { groupId: g.groupId, generations: [], leftSinceGeneration: [], openedAt: null, notes: [] } : expandHistory(stored);
  const v = overviewOf(g);
  const report = historyReport(summarize(g.groupId, v.state, v.protocolType, v.generation, v.members, history), history);
  out.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderHistory(report));
  return 0;
};
