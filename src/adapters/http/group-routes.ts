import type { GroupSummary } from '../../application/group/group-admin-service';
import { historyReport } from '../../application/group/history-report';
import type { GroupHistory } from '../../domain/group/history';
import { escapeHtml } from './html-escape';
import { renderGroupPage } from './group-timeline-page';

/** What the group pages read: the coordinator's committed admin view. */
export interface GroupHistorySource {
  groupSummaries(): GroupSummary[];
  groupHistory(groupId: string): { readonly summary: GroupSummary; readonly history: GroupHistory } | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const json = (status: number, value: unknown): HttpAnswer => ({ status, contentType: JSON_TYPE, body: `${JSON.stringify(value, null, 2)}\n` });

/**
 * PE-13 over HTTP, beside /metrics: `GET /groups` (the `groups list --json` document),
 * `GET /groups/<group>/history` (the `groups history --json` document) and `GET /groups/<group>`
 * (the timeline page). The group id is one URL-encoded path segment. Null = not a group path.
 */
export const groupRoute = (source: GroupHistorySource, rawPath: string): HttpAnswer | null => {
  if (rawPath === '/groups' || rawPath === '/groups/') return json(200, source.groupSummaries());
  if (!rawPath.startsWith('/groups/')) return null;
  const segments = rawPath.slice('/groups/'.length).split('/');
  const asJson = segments.length === 2 && segments[1] === 'history';
  if (segments.length > 2 || (segments.length === 2 && !asJson)) return null;
  let groupId: string;
  try {
    groupId = decodeURIComponent(segments[0]!);
  } catch {
    return json(400, { error: 'the group id is not valid URL encoding' });
  }
  const found = source.groupHistory(groupId);
  if (found === undefined) {
    return asJson
      ? json(404, { error: `unknown group ${JSON.stringify(groupId)}` })
      : { status: 404, contentType: HTML_TYPE, body: `<!doctype html><title>unknown group</title><p>No group ${escapeHtml(JSON.stringify(groupId))}.</p>\n` };
  }
  const report = historyReport(found.summary, found.history);
  return asJson ? json(200, report) : { status: 200, contentType: HTML_TYPE, body: renderGroupPage(report) };
};
