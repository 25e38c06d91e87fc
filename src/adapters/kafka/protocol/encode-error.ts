/** Thrown when a value cannot be written in the requested version (bad input from our own code: a bug). */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/**
 * Kafka's UnsupportedVersionException: the target version lacks a non-ignorable field whose value is
 * not its default, so writing would silently change the message's meaning (README "ignorable").
 */
export class UnsupportedVersionError extends EncodeError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedVersionError';
  }
}
