/**
 * The one error every decode path throws for malformed or hostile input (short frames, bad lengths,
 * oversize counts, overlong varints). Callers map it to "close the connection", as Kafka does for a
 * request it cannot parse; any other exception escaping the codec is a bug.
 */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}
