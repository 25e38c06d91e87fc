import type { GenerationReport, HistoryReport } from '../../application/group/history-report';
import { escapeHtml as e } from './html-escape';

const WIDTH = 1000;
const LEFT = 180;
const RIGHT = 20;
const BAND_Y = 40;
const BAND_H = 28;
const LANE_H = 26;
const LANES_Y = BAND_Y + BAND_H + 24;

const OUTCOME_FILL: Record<GenerationReport['outcome'], string> = {
  stable: '#4e9a06',
  empty: '#888a85',
  'in-progress': '#c4a000',
  abandoned: '#cc0000',
};

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const endOf = (g: GenerationReport): number => ms(g.rebalanceEndedAt) ?? ms(g.rebalanceStartedAt) ?? 0;
const startOf = (g: GenerationReport): number => ms(g.rebalanceStartedAt) ?? endOf(g);

interface Lane {
  readonly memberId: string;
  readonly label: string;
}

/** Members in order of first appearance, each with the client id and host it first showed. */
const lanesOf = (r: HistoryReport): Lane[] => {
  const lanes = new Map<string, Lane>();
  for (const g of r.generations) {
    for (const m of g.members) if (!lanes.has(m.memberId)) lanes.set(m.memberId, { memberId: m.memberId, label: `${m.clientId} ${m.host}` });
    for (const l of g.left) if (!lanes.has(l.memberId)) lanes.set(l.memberId, { memberId: l.memberId, label: l.memberId });
  }
  return [...lanes.values()];
};

/** The timeline as inline SVG: generations on a time axis, a lane per member, joins and leaves marked. */
const timeline = (r: HistoryReport): string => {
  const gens = r.generations;
  const lanes = lanesOf(r);
  const laneIndex = new Map(lanes.map((l, i) => [l.memberId, i] as const));
  const times = gens.flatMap((g) => [startOf(g), endOf(g), ...g.left.map((l) => Date.parse(l.at))]);
  const t0 = times.length > 0 ? Math.min(...times) : 0;
  const t1 = Math.max(t0 + 1000, ...times) + 500;
  const x = (t: number): number => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);
  const height = LANES_Y + Math.max(1, lanes.length) * LANE_H + 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="rebalance timeline">`);
  out.push(`<text x="4" y="${BAND_Y + 18}" class="axis-label">generations</text>`);
  gens.forEach((g, i) => {
    const x0 = x(startOf(g));
    const x1 = Math.max(x0 + 4, x(endOf(g)));
    const title = `generation ${g.generation} (${g.outcome}): ${g.trigger?.description ?? 'trigger unknown'}${g.durationMs === null ? '' : `, ${g.durationMs} ms`}`;
    out.push(
      `<g class="generation-group"><rect class="generation" data-generation="${g.generation}" data-outcome="${g.outcome}" x="${x0.toFixed(1)}" y="${BAND_Y}" width="${(x1 - x0).toFixed(1)}" height="${BAND_H}" fill="${OUTCOME_FILL[g.outcome]}"><title>${e(title)}</title></rect>` +
        // Labels of neighbouring generations alternate rows so that quick rebalances stay readable.
        `<text class="generation-label" x="${(x0 + 2).toFixed(1)}" y="${BAND_Y - 4 - (i % 2) * 11}">g${g.generation}</text></g>`,
    );
    // Membership: from this generation's end to the next generation's start (or the right edge).
    const until = i + 1 < gens.length ? startOf(gens[i + 1]!) : t1;
    for (const m of g.members) {
      const lane = laneIndex.get(m.memberId)!;
      const y = LANES_Y + lane * LANE_H;
      const mx0 = x(endOf(g));
      const mx1 = Math.max(mx0 + 2, x(until));
      out.push(
        `<rect class="membership" data-member="${e(m.memberId)}" data-generation="${g.generation}" x="${mx0.toFixed(1)}" y="${y + 4}" width="${(mx1 - mx0).toFixed(1)}" height="${LANE_H - 8}" fill="#729fcf"><title>${e(`${m.memberId} in generation ${g.generation}: ${m.partitions ?? '?'} partitions`)}</title></rect>` +
          `<text class="partitions" x="${(mx0 + 3).toFixed(1)}" y="${y + LANE_H - 9}">${m.partitions === null ? '?' : m.partitions}p</text>`,
      );
    }
    for (const id of g.joined) {
      const lane = laneIndex.get(id);
      if (lane === undefined) continue;
      out.push(`<circle class="joined" data-member="${e(id)}" cx="${x(endOf(g)).toFixed(1)}" cy="${LANES_Y + lane * LANE_H + LANE_H / 2}" r="5" fill="#4e9a06"><title>${e(`${id} joined in generation ${g.generation}`)}</title></circle>`);
    }
    for (const l of g.left) {
      const lane = laneIndex.get(l.memberId)!;
      const cx = x(Date.parse(l.at));
      const cy = LANES_Y + lane * LANE_H + LANE_H / 2;
      out.push(
        `<g class="left" data-member="${e(l.memberId)}" data-reason="${e(l.reason)}"><path d="M${(cx - 5).toFixed(1)} ${cy - 5} l10 10 m0 -10 l-10 10" stroke="#cc0000" stroke-width="2"/><title>${e(l.description)}</title></g>`,
      );
    }
  });
  lanes.forEach((l, i) => {
    out.push(`<text class="lane-label" x="4" y="${LANES_Y + i * LANE_H + LANE_H / 2 + 4}">${e(l.label.length > 26 ? `${l.label.slice(0, 25)}…` : l.label)}<title>${e(l.memberId)}</title></text>`);
  });
  const axisY = height - 12;
  out.push(`<line x1="${LEFT}" y1="${axisY - 10}" x2="${WIDTH - RIGHT}" y2="${axisY - 10}" stroke="#555"/>`);
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    out.push(`<text class="tick" x="${x(t).toFixed(1)}" y="${axisY}" text-anchor="middle">${new Date(t).toISOString().slice(11, 23)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
};

const table = (r: HistoryReport): string => {
  const rows = r.generations.map((g) => {
    const members = g.members.map((m) => `${e(m.clientId)} (${e(m.host)}) ${m.partitions ?? '?'}p<br><small>${e(m.memberId)}</small>`).join('<br>');
    const left = g.left.map((l) => `<li>${e(l.description)}</li>`).join('');
    return `<tr class="generation-row" data-generation="${g.generation}"><td>${g.generation}</td><td>${e(g.outcome)}</td><td>${e(g.rebalanceStartedAt ?? '?')}</td><td>${e(g.rebalanceEndedAt ?? '-')}</td><td>${g.durationMs ?? '-'}</td><td class="trigger">${e(g.trigger?.description ?? 'unknown')}${left === '' ? '' : `<ul class="left">${left}</ul>`}</td><td>${e(`${g.protocolType ?? ''}/${g.protocol ?? '-'}`)}</td><td>${e(g.leader ?? '-')}</td><td>${members}</td></tr>`;
  });
  return `<table><thead><tr><th>generation</th><th>outcome</th><th>rebalance started</th><th>ended</th><th>ms</th><th>trigger</th><th>protocol</th><th>leader</th><th>members</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
};

/** PE-13: the group's timeline as a page — server-rendered HTML and inline SVG, no script, no CDN. */
export const renderGroupPage = (r: HistoryReport): string => {
  const s = r.group;
  const notes = r.notes.map((n) => `<li class="note">${e(n.at ?? '?')}: ${e(n.description)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(`group ${s.groupId} — Cohort`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}svg text{font:11px monospace}small{color:#666}</style>
</head><body>
<h1>Group <span id="group-id">${e(s.groupId)}</span></h1>
<p id="summary">${e(s.state)}, generation ${s.generation}, ${s.members} members${s.lastRebalance === null ? '' : `, last rebalance ${e(s.lastRebalance)}`}</p>
${timeline(r)}
${table(r)}
${notes === '' ? '' : `<h2>Notes</h2><ul>${notes}</ul>`}
<p><a href="../groups">all groups (JSON)</a> · <a href="${e(encodeURIComponent(s.groupId))}/history">this history as JSON</a></p>
</body></html>
`;
};
