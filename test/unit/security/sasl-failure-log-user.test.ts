import * as fc from 'fast-check';
import { guessUser } from '../../../src/adapters/kafka/server/sasl-authenticator';

/**
 * SP-2: the user name logged with a failed SASL login comes from the client's first token and never
 * carries the password. T-SEC-5's fuzz found a PLAIN token whose second NUL was mutated away: the
 * "user" then ran into the password and the broker logged it.
 */
describe('SP-2 failed-login log line: the user it names', () => {
  const name = fc.stringMatching(/^[a-z]{1,12}$/);
  const secret = fc.stringMatching(/^[A-Za-z0-9-]{8,24}$/);

  it('SP-2 a well-formed PLAIN token names its authcid', () => {
    expect(guessUser('PLAIN', Buffer.from('\u0000alice\u0000pw-secret'))).toBe('alice');
    expect(guessUser('PLAIN', Buffer.from('admin\u0000alice\u0000pw-secret'))).toBe('alice');
  });

  it('SP-2 a PLAIN token with a NUL lost, replaced or added names no user, so no password reaches the log', () => {
    fc.assert(
      fc.property(name, name, secret, fc.integer({ min: 0, max: 2 }), fc.constantFrom('drop', 'replace', 'extra'), (authz, user, password, which, how) => {
        const pieces = [authz, user, password];
        const nul = which === 2 ? 1 : which; // which separator to damage: the first or the second
        const sep = (i: number): string => (i !== nul ? '\u0000' : how === 'drop' ? '' : how === 'replace' ? '\ufffd' : '\u0000\u0000');
        const token = Buffer.from(`${pieces[0]}${sep(0)}${pieces[1]}${sep(1)}${pieces[2]}`, 'utf8');
        const logged = guessUser('PLAIN', token);
        expect(logged === null || !logged.includes(password)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('SP-2 a SCRAM client-first message names its n= user', () => {
    expect(guessUser('SCRAM-SHA-256', Buffer.from('n,,n=alice,r=abcdef'))).toBe('alice');
  });
});
