/**
 * When an append counts as durable (the `log.flush` knobs of Kafka, `appendfsync` of Redis):
 * - `always` (default): each group-commit batch is fdatasynced before any of its appends resolve.
 *   Loss window: none for acknowledged appends. Deferrable appends (PE-10 soft events) wait to be
 *   written with the next other batch, or `deferredSyncMs` later: they resolve only then, and only
 *   they can be lost by a crash before that.
 * - `interval:<ms>`: appends resolve after the write; a background fdatasync runs at most every
 *   `ms`. Loss window: up to `ms` of acknowledged appends on power loss (none on a process crash,
 *   since the page cache survives kill -9).
 * - `os`: never fdatasync except when sealing a segment and on close; the kernel writes back when it
 *   likes (about 30 s on Linux). Loss window: whatever the kernel had not written back.
 */
export type FsyncPolicy =
  | { readonly kind: 'always' }
  | { readonly kind: 'interval'; readonly ms: number }
  | { readonly kind: 'os' };

/** Parses `always`, `interval:<ms>` or `os`; null when the text is none of them. */
export const parseFsyncPolicy = (text: string): FsyncPolicy | null => {
  if (text === 'always') return { kind: 'always' };
  if (text === 'os') return { kind: 'os' };
  const m = /^interval:(\d+)$/.exec(text);
  if (m) {
    const ms = Number(m[1]);
    return ms > 0 ? { kind: 'interval', ms } : null;
  }
  return null;
};
