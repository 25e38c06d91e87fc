import type { KafkaError } from '../error-code';
import { ErrorCode, kafkaError } from '../error-code';
import type { SecurityEvent } from './events';
import type { CredentialMechanism, SecurityState } from './security-state';

/** SCRAM mechanism codes of DescribeUserScramCredentials / AlterUserScramCredentials (CR-2). */
export const SCRAM_MECHANISM_BY_CODE: Readonly<Record<number, CredentialMechanism>> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };
export const SCRAM_CODE_BY_MECHANISM: Readonly<Record<string, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
/** SA-17: iteration bounds of both SCRAM mechanisms. */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

/** A credential to store, its keys already derived from the salted password (CR-3). */
export interface CredentialUpsert {
  readonly name: string;
  readonly mechanism: CredentialMechanism;
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly storedKey: Uint8Array;
  readonly serverKey: Uint8Array;
}

/** CR-4 checks of one upsertion: empty name, iteration bounds. */
const validateUpsert = (u: { name: string; iterations: number }): KafkaError | null => {
  if (u.name === '') return kafkaError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
  if (u.iterations < MIN_ITERATIONS) return kafkaError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
  if (u.iterations > MAX_ITERATIONS) return kafkaError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
  return null;
};

const validateDeletion = (state: SecurityState, name: string, mechanism: CredentialMechanism): KafkaError | null => {
  if (name === '') return kafkaError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
  if (state.credentials.get(name)?.has(mechanism) !== true) return kafkaError(ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
  return null;
};

const upserted = (u: CredentialUpsert): SecurityEvent => ({
  type: 'ScramCredentialUpserted', name: u.name, mechanism: u.mechanism, salt: u.salt, storedKey: u.storedKey, serverKey: u.serverKey, iterations: u.iterations,
});

/** Upserts one credential (the offline `users add` command and PLAIN users): an error or its event. */
export const decideUpsertCredential = (u: CredentialUpsert): KafkaError | SecurityEvent => validateUpsert(u) ?? upserted(u);

/** Removes one credential (`users delete`). */
export const decideRemoveCredential = (state: SecurityState, name: string, mechanism: CredentialMechanism): KafkaError | SecurityEvent =>
  validateDeletion(state, name, mechanism) ?? { type: 'ScramCredentialRemoved', name, mechanism };

/** One AlterUserScramCredentials entry as the wire sends it; `mechanism` is the CR-2 code. */
export interface ScramAlteration {
  readonly kind: 'delete' | 'upsert';
  readonly name: string;
  readonly mechanism: number;
  /** Upsertions only: the credential with derived keys, or null when the mechanism code is unknown. */
  readonly credential: CredentialUpsert | null;
  readonly iterations: number;
}

/**
 * AlterUserScramCredentials (CR-4, CR-5): a user named twice anywhere fails as DUPLICATE_RESOURCE with
 * none of its entries applied; other users' valid entries are applied together. One result per
 * distinct user, sorted by name (Kafka's order is a hash order; clients compare as sets).
 */
export const decideAlterScramCredentials = (
  state: SecurityState,
  alterations: readonly ScramAlteration[],
): { results: { user: string; error: KafkaError | null }[]; events: SecurityEvent[] } => {
  const counts = new Map<string, number>();
  for (const a of alterations) counts.set(a.name, (counts.get(a.name) ?? 0) + 1);
  const errors = new Map<string, KafkaError | null>();
  const events: SecurityEvent[] = [];
  // Deletions are checked before upsertions, as Kafka's ScramControlManager does.
  const ordered = [...alterations.filter((a) => a.kind === 'delete'), ...alterations.filter((a) => a.kind === 'upsert')];
  for (const a of ordered) {
    if (counts.get(a.name)! > 1) {
      errors.set(a.name, kafkaError(ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'));
      continue;
    }
    const mechanism = SCRAM_MECHANISM_BY_CODE[a.mechanism];
    let error: KafkaError | null;
    if (a.name === '') error = kafkaError(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
    else if (mechanism === undefined) error = kafkaError(ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
    else if (a.kind === 'delete') error = validateDeletion(state, a.name, mechanism);
    else error = validateUpsert({ name: a.name, iterations: a.iterations });
    errors.set(a.name, error);
    if (error !== null) continue;
    events.push(a.kind === 'delete' ? { type: 'ScramCredentialRemoved', name: a.name, mechanism: mechanism! } : upserted(a.credential!));
  }
  const results = [...errors].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([user, error]) => ({ user, error }));
  return { results, events };
};

/** One DescribeUserScramCredentials result (CR-2): salts and keys are never part of it. */
export interface ScramDescription {
  readonly user: string;
  readonly error: KafkaError | null;
  readonly credentials: readonly { mechanism: number; iterations: number }[];
}

const scramInfos = (state: SecurityState, user: string): { mechanism: number; iterations: number }[] =>
  [...(state.credentials.get(user)?.values() ?? [])]
    .filter((c) => SCRAM_CODE_BY_MECHANISM[c.mechanism] !== undefined)
    .map((c) => ({ mechanism: SCRAM_CODE_BY_MECHANISM[c.mechanism]!, iterations: c.iterations }))
    .sort((a, b) => a.mechanism - b.mechanism);

/** DescribeUserScramCredentials (CR-1, CR-2): null or empty `users` lists every user holding a SCRAM credential. */
export const describeScramCredentials = (state: SecurityState, users: readonly string[] | null): ScramDescription[] => {
  if (users === null || users.length === 0) {
    return [...state.credentials.keys()]
      .map((user) => ({ user, error: null, credentials: scramInfos(state, user) }))
      .filter((d) => d.credentials.length > 0);
  }
  const counts = new Map<string, number>();
  for (const u of users) counts.set(u, (counts.get(u) ?? 0) + 1);
  return [...counts.keys()].map((user): ScramDescription => {
    if (counts.get(user)! > 1) {
      return { user, error: kafkaError(ErrorCode.DUPLICATE_RESOURCE, `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`), credentials: [] };
    }
    const credentials = scramInfos(state, user);
    if (credentials.length === 0) return { user, error: kafkaError(ErrorCode.RESOURCE_NOT_FOUND, `Attempt to describe a user credential that does not exist: ${user}`), credentials: [] };
    return { user, error: null, credentials };
  });
};
