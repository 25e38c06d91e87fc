/**
 * When the file partition log calls fdatasync (Kafka's flush.messages / flush.ms, as one setting):
 * `always` before an append resolves (group commit per event-loop turn), `interval` on a timer,
 * `os` never explicitly (the page cache decides; the log is still synced on close).
 */
export type FsyncPolicy = { readonly kind: 'always' } | { readonly kind: 'interval'; readonly ms: number } | { readonly kind: 'os' };

/** Parses `always`, `os` or `interval:<ms>`; null when the text is none of them. */
export const parseFsyncPolicy = (text: string): FsyncPolicy | null => {
  if (text === 'always') return { kind: 'always' };
  if (text === 'os') return { kind: 'os' };
  const m = /^interval:(\d+)$/.exec(text);
  if (m !== null && Number(m[1]) > 0) return { kind: 'interval', ms: Number(m[1]) };
  return null;
};
