import type { AlterOp } from '../topic/decide-alter-topic-configs';

const splitList = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/**
 * The value a SET, APPEND or SUBTRACT leaves (KIP-339): APPEND adds the list items not yet there,
 * SUBTRACT removes the given items; `current` is the config's present value or its default.
 */
export const applyAlterOp = (op: Exclude<AlterOp, 'DELETE'>, current: string, given: string): string => {
  if (op === 'SET') return given;
  const had = splitList(current);
  const items = splitList(given);
  return op === 'APPEND' ? [...had, ...items.filter((g) => !had.includes(g))].join(',') : had.filter((x) => !items.includes(x)).join(',');
};
