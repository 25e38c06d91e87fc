import {
  decideAlterScramCredentials, describeScramCredentials, evolveSecurity, initialSecurity, type ScramAlteration, type SecurityState,
} from '../../../src/domain/security';

const key = new Uint8Array(32);
const upsert = (name: string, mechanism = 1, iterations = 4096): ScramAlteration => ({
  kind: 'upsert', name, mechanism, iterations,
  credential: mechanism === 1 || mechanism === 2
    ? { name, mechanism: mechanism === 1 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', iterations, salt: key, storedKey: key, serverKey: key }
    : null,
});
const del = (name: string, mechanism = 1): ScramAlteration => ({ kind: 'delete', name, mechanism, iterations: 0, credential: null });
const apply = (s: SecurityState, alterations: ScramAlteration[]) => {
  const d = decideAlterScramCredentials(s, alterations);
  return { state: d.events.reduce(evolveSecurity, s), results: d.results.map((r) => [r.user, r.error?.code ?? 0, r.error?.message ?? null]) };
};

describe('SCRAM credential management (security.md CR-1..CR-7)', () => {
  it('CR-4 per-user validation, one result per distinct user, valid users applied', () => {
    const { state, results } = apply(initialSecurity, [
      upsert('ok'), upsert(''), upsert('few', 1, 4095), upsert('many', 2, 16385), upsert('mech', 3),
      upsert('twice'), del('twice', 2), del('missing'),
    ]);
    expect(results).toEqual([
      ['', 93, 'Username must not be empty'],
      ['few', 93, 'Too few iterations'],
      ['many', 93, 'Too many iterations'],
      ['mech', 33, 'Unknown SCRAM mechanism'],
      ['missing', 91, 'Attempt to delete a user credential that does not exist'],
      ['ok', 0, null],
      ['twice', 92, 'A user credential cannot be altered twice in the same request'],
    ]);
    expect([...state.credentials.keys()]).toEqual(['ok']);
  });

  it('CR-6 an upsertion replaces one mechanism and leaves the other; CR-2 describe lists both without secrets', () => {
    let s = apply(initialSecurity, [upsert('u', 1)]).state;
    s = apply(s, [upsert('u', 2, 8192)]).state;
    s = apply(s, [upsert('u', 1, 5000)]).state;
    expect(describeScramCredentials(s, null)).toEqual([{ user: 'u', error: null, credentials: [{ mechanism: 1, iterations: 5000 }, { mechanism: 2, iterations: 8192 }] }]);
    const d = describeScramCredentials(s, ['u', 'x', 'y', 'y']);
    expect(d.map((r) => [r.user, r.error?.code ?? 0])).toEqual([['u', 0], ['x', 91], ['y', 92]]);
    s = apply(s, [del('u', 1)]).state;
    s = apply(s, [del('u', 2)]).state;
    expect(s.credentials.size).toBe(0);
  });

  it('PLAIN credentials are not SCRAM credentials: describe never lists them', () => {
    const s = evolveSecurity(initialSecurity, { type: 'ScramCredentialUpserted', name: 'p', mechanism: 'PLAIN', salt: key, storedKey: key, serverKey: key, iterations: 4096 });
    expect(describeScramCredentials(s, null)).toEqual([]);
    expect(describeScramCredentials(s, ['p'])[0]!.error?.code).toBe(91);
  });
});
