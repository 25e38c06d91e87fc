/**
 * Commands and replies of the classic join/sync protocol in domain terms: what `decide` reads and
 * answers. The Kafka handlers map each request version onto these and back.
 */
import type { ErrorCode } from '../error-code';
import type { MemberProtocol } from './events';

export interface JoinGroupCommand {
  readonly groupId: string;
  /** "" for a new member. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  readonly sessionTimeoutMs: number;
  /** null for JoinGroup v0 (CG-3: the session timeout is used). */
  readonly rebalanceTimeoutMs: number | null;
  readonly apiVersion: number;
  readonly clientId: string;
  /** Java-style peer address, e.g. "/127.0.0.1" (GEN-8). */
  readonly clientHost: string;
  /** KIP-800, logged only. */
  readonly reason?: string | null;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Uint8Array;
}

export interface JoinGroupResult {
  readonly errorCode: ErrorCode;
  readonly memberId: string;
  /** −1 on error (CG-34). */
  readonly generationId: number;
  /** null on error or when absent (v7+ encodes null; older versions omit it). */
  readonly protocolType: string | null;
  /** null when absent: v7+ encodes null, v0–v6 "" (CG-34). */
  readonly protocolName: string | null;
  readonly leader: string;
  /** KIP-814 (v9+). */
  readonly skipAssignment: boolean;
  /** Non-empty only for the leader (CG-33). */
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupCommand {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** `partitions`: how many partitions the adapter parsed from the bytes (history), null if unknown. */
  readonly assignments: ReadonlyArray<{ readonly memberId: string; readonly assignment: Uint8Array; readonly partitions?: number | null }>;
  readonly apiVersion: number;
}

export interface SyncGroupResult {
  readonly errorCode: ErrorCode;
  /** null on error (CG-43). */
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Uint8Array;
}

/** CG-34: an error answer to JoinGroup. */
export const joinError = (memberId: string, errorCode: ErrorCode): JoinGroupResult => ({
  errorCode,
  memberId,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  skipAssignment: false,
  members: [],
});

/** CG-43: an error answer to SyncGroup. */
export const syncError = (errorCode: ErrorCode): SyncGroupResult => ({
  errorCode,
  protocolType: null,
  protocolName: null,
  assignment: new Uint8Array(0),
});
