// crc-32 ships CRC-32C (Castagnoli) as a separate entry point without its own typings.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const CRC32C: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');

/** CRC-32C of `data` as an unsigned 32-bit number (the record batch v2 checksum). */
export const crc32c = (data: Uint8Array): number => CRC32C.buf(data) >>> 0;
