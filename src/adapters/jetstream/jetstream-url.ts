/** `jetstream://host:4222,host2:4222` → the NATS server list; null when the value is not a jetstream:// URL. */
export const parseJetStreamUrl = (value: string): string[] | null => {
  const m = /^jetstream:\/\/(.+)$/.exec(value.trim());
  if (m === null) return null;
  const servers = m[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (servers.length === 0 || servers.some((s) => !/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(s))) return null;
  return servers;
};
