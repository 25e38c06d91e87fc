import fc from 'fast-check';
import { ErrorCode } from '../../../src/domain/error-code';
import { settle, TxnHarness } from '../../unit/transaction/txn-harness';

/**
 * Model-based test of the transaction coordinator (transactions spec §2.2–2.6): random command
 * sequences run against the real coordinator (decide → MetaLog → fold, completion, timers) and
 * against a small reference model written from Kafka's rules (TX-20…TX-30, TX-44, TX-46, TX-51,
 * TX-52, TX-55, TX-59). After every command the answer code, state, epoch and partition set agree.
 */
type State = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';
interface Model { epoch: number; state: State; parts: Set<string> }

type Cmd =
  | { kind: 'init' }
  | { kind: 'add'; parts: string[]; epochDelta: number; wrongPid: boolean }
  | { kind: 'end'; commit: boolean; epochDelta: number }
  | { kind: 'markers'; flowing: boolean }
  | { kind: 'timeout' };

const TIMEOUT_MS = 10_000;
const PARTS = ['a-0', 'a-1', 'b-0'];

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.constant<Cmd>({ kind: 'init' }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('add' as const), parts: fc.subarray(PARTS, { minLength: 1 }), epochDelta: fc.constantFrom(0, 0, 0, 0, 0, -1, 1), wrongPid: fc.nat(19).map((n) => n === 0) }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), commit: fc.boolean(), epochDelta: fc.constantFrom(0, 0, 0, 0, 0, -1) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('markers' as const), flowing: fc.boolean() }), weight: 1 },
  { arbitrary: fc.constant<Cmd>({ kind: 'timeout' }), weight: 1 },
);

const isPrepare = (s: State) => s === 'PrepareCommit' || s === 'PrepareAbort';
const completeOf = (s: State): State => (s === 'PrepareCommit' ? 'CompleteCommit' : s === 'PrepareAbort' ? 'CompleteAbort' : s);

/** The reference model: the code the command answers, and the model after it (markers complete at once when flowing). */
const step = (m: Model | null, cmd: Cmd, flowing: boolean): { code: number | null; next: Model | null } => {
  const settle = (n: Model): Model => (flowing && isPrepare(n.state) ? { ...n, state: completeOf(n.state), parts: new Set() } : n);
  switch (cmd.kind) {
    case 'init': {
      if (m === null) return { code: 0, next: { epoch: 0, state: 'Empty', parts: new Set() } };
      if (isPrepare(m.state)) return { code: ErrorCode.CONCURRENT_TRANSACTIONS, next: m };
      if (m.state === 'Ongoing') return { code: ErrorCode.CONCURRENT_TRANSACTIONS, next: settle({ ...m, epoch: m.epoch + 1, state: 'PrepareAbort' }) };
      return { code: 0, next: { epoch: m.epoch + 1, state: 'Empty', parts: new Set() } };
    }
    case 'add': {
      if (m === null || cmd.wrongPid) return { code: ErrorCode.INVALID_PRODUCER_ID_MAPPING, next: m };
      if (cmd.epochDelta !== 0) return { code: ErrorCode.PRODUCER_FENCED, next: m };
      if (isPrepare(m.state)) return { code: ErrorCode.CONCURRENT_TRANSACTIONS, next: m };
      const base = m.state === 'Ongoing' ? m.parts : new Set<string>();
      return { code: 0, next: { ...m, state: 'Ongoing', parts: new Set([...base, ...cmd.parts]) } };
    }
    case 'end': {
      if (m === null) return { code: ErrorCode.INVALID_PRODUCER_ID_MAPPING, next: m };
      if (cmd.epochDelta !== 0) return { code: ErrorCode.PRODUCER_FENCED, next: m };
      const table: Record<State, [number, number]> = {
        Ongoing: [0, 0],
        PrepareCommit: [ErrorCode.CONCURRENT_TRANSACTIONS, ErrorCode.INVALID_TXN_STATE],
        PrepareAbort: [ErrorCode.INVALID_TXN_STATE, ErrorCode.CONCURRENT_TRANSACTIONS],
        CompleteCommit: [0, ErrorCode.INVALID_TXN_STATE],
        CompleteAbort: [ErrorCode.INVALID_TXN_STATE, 0],
        Empty: [ErrorCode.INVALID_TXN_STATE, ErrorCode.INVALID_TXN_STATE],
      };
      const code = table[m.state][cmd.commit ? 0 : 1];
      if (m.state === 'Ongoing') return { code, next: settle({ ...m, state: cmd.commit ? 'PrepareCommit' : 'PrepareAbort' }) };
      return { code, next: m };
    }
    case 'markers':
      return { code: null, next: m === null ? m : cmd.flowing ? settle(m) : m };
    case 'timeout':
      if (m !== null && m.state === 'Ongoing') return { code: null, next: settle({ ...m, epoch: m.epoch + 1, state: 'PrepareAbort' }) };
      return { code: null, next: m };
  }
};

describe('transaction coordinator vs a model of Kafka\'s rules (model-based, fast-check)', () => {
  it('TX-20…TX-30 TX-44 TX-51 TX-52 TX-55 TX-59: every command sequence agrees with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 30 }).map((rest): Cmd[] => [{ kind: 'init' }, ...rest]), async (cmds) => {
        const h = new TxnHarness(undefined, undefined, { abortTimedOutIntervalMs: 1000 });
        h.timers.start();
        let model: Model | null = null;
        let flowing = true;
        let pid = -1n;
        for (const cmd of cmds) {
          const expected = step(model, cmd, cmd.kind === 'markers' ? cmd.flowing : flowing);
          let code: number | null = null;
          const epoch = (model?.epoch ?? 0) + ('epochDelta' in cmd ? cmd.epochDelta : 0);
          switch (cmd.kind) {
            case 'init': {
              const r = await h.coordinator.initProducerId('tx', TIMEOUT_MS, -1n, -1);
              code = r.errorCode;
              if (r.errorCode === 0) pid = r.producerId;
              break;
            }
            case 'add':
              code = await h.coordinator.addPartitions({ txnId: 'tx', producerId: cmd.wrongPid ? pid + 1000n : pid, producerEpoch: epoch }, cmd.parts.map((p) => ({ topic: p.split('-')[0]!, partition: Number(p.split('-')[1]) })));
              break;
            case 'end':
              code = await h.coordinator.endTxn({ txnId: 'tx', producerId: pid, producerEpoch: epoch }, cmd.commit);
              break;
            case 'markers':
              flowing = cmd.flowing;
              h.markerResult = flowing ? 'written' : 'retry';
              break;
            case 'timeout':
              for (let i = 0; i < 12; i++) {
                h.clock.advance(1000);
                await settle();
              }
              break;
          }
          await settle();
          if (flowing) {
            h.clock.advance(150); // a held completion retries after 100 ms
            await settle();
          }
          if (expected.code !== null) expect({ cmd, code }).toEqual({ cmd, code: expected.code });
          model = expected.next;
          const t = h.coordinator.txn('tx');
          const actual = t === undefined ? null : { epoch: t.producerEpoch, state: t.state, parts: t.partitions.map((p) => `${p.topic}-${p.partition}`).sort() };
          const wanted = model === null ? null : { epoch: model.epoch, state: model.state, parts: [...model.parts].sort() };
          expect({ cmd, state: actual }).toEqual({ cmd, state: wanted });
        }
        h.timers.stop();
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
