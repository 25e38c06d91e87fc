'use strict';
// What the harness knows about one group member, whatever the client: the partitions it was last
// assigned, the records it consumed (and, for committing members, committed), and whether it closed.

/** A fresh member view; `apply` folds one event from the client into it. */
function createMemberState(label) {
  const state = {
    label,
    assignment: null,
    assignments: 0,
    records: [],
    errors: [],
    closed: false,
    /** When it last gave up its partitions (host clock): the start of a leave. */
    revokedAt: null,
    apply(e) {
      switch (e.event) {
        case 'assigned':
          state.assignment = [...e.partitions].sort((a, b) => a - b);
          state.assignments += 1;
          break;
        case 'revoked':
          state.assignment = [];
          state.revokedAt = Date.now();
          break;
        case 'record':
          state.records.push({ p: e.p, o: Number(e.o), k: e.k, v: e.v });
          break;
        case 'error':
          state.errors.push(e.error);
          break;
        case 'closed':
          state.closed = true;
          break;
        default:
          break;
      }
    },
    describe() {
      const a = state.assignment === null ? 'none' : `[${state.assignment.join(',')}]`;
      const err = state.errors.length ? `, last error: ${state.errors[state.errors.length - 1]}` : '';
      return `${label}: assignment ${a}, ${state.records.length} records${err}`;
    },
  };
  return state;
}

/** Parses one JSON line a Python driver printed; non-JSON lines (library noise) are ignored. */
function parseJsonLine(line) {
  if (!line.startsWith('{')) return null;
  try { return JSON.parse(line); } catch { return null; }
}

/**
 * A group member that runs in a child process printing JSON lines (`{event…}` or `{error}`): its
 * events feed a member state; `stop` sends SIGTERM and records whether it closed cleanly.
 */
function memberFromProcess(proc, label) {
  const state = createMemberState(label);
  proc.onLine((stream, line) => {
    if (stream !== 'stdout') return;
    const e = parseJsonLine(line);
    if (!e) return;
    if (e.error) state.apply({ event: 'error', error: e.error });
    else if (e.event) state.apply(e);
  });
  return {
    state,
    stop: async () => {
      await proc.stop('SIGTERM', 10000);
      if (!state.closed) state.apply({ event: 'error', error: `member did not close cleanly (exit ${proc.exit?.code ?? proc.exit?.signal})` });
      state.apply({ event: 'closed' });
    },
  };
}

module.exports = { createMemberState, parseJsonLine, memberFromProcess };
