import { groupRoute, type GroupHistorySource } from '../../../src/adapters/http/group-routes';
import type { GroupHistory } from '../../../src/domain/group/history';

/** PE-13 HTTP documents and the page: client-controlled strings are escaped everywhere. */
const EVIL = `<script>alert("x")</script>&'`;

const history: GroupHistory = {
  groupId: EVIL,
  generations: [
    {
      generation: 1, startedAt: 1_000, joinedAt: 1_200, endedAt: 1_300, outcome: 'stable',
      trigger: { kind: 'MemberJoined', memberId: `m-${EVIL}`, replacedMemberId: null },
      protocolType: 'consumer', protocolName: `range${EVIL}`, leaderId: `m-${EVIL}`,
      members: [{ memberId: `m-${EVIL}`, instanceId: `i-${EVIL}`, clientId: `c-${EVIL}`, clientHost: '/127.0.0.1', partitions: 3 }],
      joined: [`m-${EVIL}`], left: [],
    },
    {
      generation: 2, startedAt: 2_000, joinedAt: 2_100, endedAt: 2_150, outcome: 'stable',
      trigger: { kind: 'MemberLeft', memberId: `x-${EVIL}`, reason: 'SessionTimeout' },
      protocolType: 'consumer', protocolName: 'range', leaderId: `m-${EVIL}`,
      members: [{ memberId: `m-${EVIL}`, instanceId: null, clientId: `c-${EVIL}`, clientHost: '/127.0.0.1', partitions: 6 }],
      joined: [], left: [{ memberId: `x-${EVIL}`, reason: 'SessionTimeout', at: 1_900 }],
    },
  ],
  leftSinceGeneration: [],
  openedAt: null,
  notes: [{ kind: 'GroupRecovered', at: 3_000, fromState: 'PreparingRebalance', fromGeneration: 3, generation: 2 }],
};

const source: GroupHistorySource = {
  groupSummaries: () => [{ groupId: EVIL, state: 'Stable', protocolType: 'consumer', generation: 2, members: 1, lastRebalanceAt: 2_150 }],
  groupHistory: (id) => (id === EVIL ? { summary: source.groupSummaries()[0]!, history } : undefined),
};

describe('PE-13 group routes', () => {
  test('GET /groups is the list document; /groups/<id>/history the history document', () => {
    const list = groupRoute(source, '/groups')!;
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)[0].groupId).toBe(EVIL);
    const doc = groupRoute(source, `/groups/${encodeURIComponent(EVIL)}/history`)!;
    expect(doc.contentType).toMatch(/^application\/json/);
    const report = JSON.parse(doc.body);
    expect(report.generations.map((g: { trigger: { description: string } }) => g.trigger.description)).toEqual([
      `member m-${EVIL} joined`,
      `member x-${EVIL} left: session timeout`,
    ]);
    expect(report.generations[0].durationMs).toBe(300);
    expect(report.notes[0].description).toBe('restart recovery: PreparingRebalance at generation 3, back to generation 2');
  });

  test('unknown group → 404 (JSON or page); bad encoding → 400; other paths are not mine', () => {
    expect(groupRoute(source, '/groups/nope/history')!.status).toBe(404);
    expect(groupRoute(source, '/groups/nope')!.status).toBe(404);
    expect(groupRoute(source, '/groups/%E0%A4%A')!.status).toBe(400);
    expect(groupRoute(source, '/groups/a/b/c')).toBeNull();
    expect(groupRoute(source, '/other')).toBeNull();
  });

  test('the page escapes every client-controlled string (group, member, client, instance and protocol names)', () => {
    const page = groupRoute(source, `/groups/${encodeURIComponent(EVIL)}`)!;
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.body).not.toContain('<script');
    expect(page.body).not.toContain(`"x")`);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(page.body.match(/<rect class="generation"/g)?.length).toBe(2);
    expect(page.body).toContain('data-reason="SessionTimeout"');
  });
});
