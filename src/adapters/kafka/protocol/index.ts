/**
 * Cohort's Kafka wire codec: a runtime interpreter of the schema table generated from Apache Kafka's JSON
 * message definitions (`npm run codegen` → messages.generated.ts).
 *
 * JS representation: field names are the JSON names with the first letter lowercased; int8/16/32,
 * uint16/32 and float64 are numbers, int64 is bigint, uuid is Kafka's 22-char base64url rendering,
 * bytes/records are Buffers (views on the decoded frame, not copies), structs are objects, arrays arrays.
 * Decoding fills every field the version lacks (or a tagged field that was not sent) with its default.
 * Unknown tagged fields are kept as `_unknownTaggedFields` and written back, so canonical bytes round-trip.
 *
 * Decoding throws only DecodeError. Encoding is always strict: a non-ignorable field with a non-default
 * value that the target version lacks throws UnsupportedVersionError (Kafka's UnsupportedVersionException)
 * rather than being dropped; other bad input throws EncodeError. Strings with invalid UTF-8 decode lossily
 * (U+FFFD), as Kafka's Java readers do.
 */
import { DecodeError } from './decode-error';
import { UnsupportedVersionError } from './encode-error';
import {
  API_VERSIONS_KEY, isFlexibleRequest, readRequestHeader, readResponseHeader, writeRequestHeader, writeResponseHeader,
} from './headers';
import {
  isValidVersion, readMessage, requestSchema, responseSchema, schemaByName, writeMessage,
} from './message-codec';
import { defaultStruct } from './field-default';
import { Reader } from './reader';
import type { MessageSchema } from './schema';
import { parseVersionRange } from './version-range';
import { Writer } from './writer';

export * from './messages.generated';
export type { FieldSchema, MessageSchema, TaggedField } from './schema';
export { DecodeError } from './decode-error';
export { EncodeError, UnsupportedVersionError } from './encode-error';
export type { RequestHeader } from './headers';
export { readRequestHeader } from './headers';
export { ZERO_UUID } from './uuid';
export {
  decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription,
} from './consumer-protocol';
export type { ConsumerAssignment, ConsumerSubscription, TopicPartitions } from './consumer-protocol';

function knownRequest(apiKey: number): MessageSchema {
  const s = requestSchema(apiKey);
  if (!s) throw new DecodeError(`unknown api key ${apiKey}`);
  return s;
}

function knownResponse(apiKey: number): MessageSchema {
  const s = responseSchema(apiKey);
  if (!s) throw new UnsupportedVersionError(`unknown api key ${apiKey}`);
  return s;
}

function knownMessage(name: string): MessageSchema {
  const s = schemaByName(name);
  if (!s) throw new UnsupportedVersionError(`unknown message ${name}`);
  return s;
}

export function isKnownApiKey(apiKey: number): boolean {
  return requestSchema(apiKey) !== undefined;
}

/** The API's validVersions; throws for an unknown api key (check isKnownApiKey first). */
export function apiVersionRange(apiKey: number): { min: number; max: number } {
  const s = requestSchema(apiKey);
  if (!s) throw new RangeError(`unknown api key ${apiKey}`);
  const { min, max } = parseVersionRange(s.validVersions);
  return { min, max };
}

/** Whether the request (and so the response body) of this version uses the flexible encodings (KIP-482). */
export function isFlexible(apiKey: number, version: number): boolean {
  return isFlexibleRequest(apiKey, version);
}

/** Decodes a request body that starts at `offset` of `frame`. Throws DecodeError. */
export function decodeRequestBody(apiKey: number, version: number, frame: Buffer, offset: number): any {
  return readMessage(knownRequest(apiKey), version, new Reader(frame, offset));
}

/** Returns the whole frame INCLUDING the 4-byte size prefix; response header v0 or v1 (ApiVersions always v0). */
export function encodeResponse(apiKey: number, version: number, correlationId: number, body: object): Buffer {
  // Nothing is kept by reference, so the frame is one piece.
  return writeResponseFrame(new Writer(512), apiKey, version, correlationId, body)[0];
}

/**
 * A response frame as pieces for one corked socket write: record sets of at least
 * RECORDS_BY_REFERENCE bytes (a Fetch's batches) are not copied into the frame.
 */
export function encodeResponsePieces(apiKey: number, version: number, correlationId: number, body: object): Buffer[] {
  return writeResponseFrame(new Writer(512, RECORDS_BY_REFERENCE), apiKey, version, correlationId, body);
}

/** Byte strings at least this long go into a response frame by reference (encodeResponsePieces). */
const RECORDS_BY_REFERENCE = 4096;

/** Size prefix, response header and body through `w`; the frame's pieces, the size written into the first. */
function writeResponseFrame(w: Writer, apiKey: number, version: number, correlationId: number, body: object): Buffer[] {
  const schema = knownResponse(apiKey);
  w.int32(0);
  writeResponseHeader(w, apiKey, version, correlationId);
  writeMessage(schema, version, w, body);
  const pieces = w.pieces();
  pieces[0].writeInt32BE(w.length() - 4, 0);
  return pieces;
}

/** For tests and load generators: whole request frame including size prefix. */
export function encodeRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: object): Buffer {
  const schema = requestSchema(apiKey);
  if (!schema) throw new UnsupportedVersionError(`unknown api key ${apiKey}`);
  const w = new Writer(512);
  w.int32(0);
  writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId });
  writeMessage(schema, version, w, body);
  w.buf.writeInt32BE(w.pos - 4, 0);
  return w.result();
}

/** Decodes a response frame (without size prefix). Throws DecodeError. */
export function decodeResponse(apiKey: number, version: number, frame: Buffer): { correlationId: number; body: any } {
  const schema = responseSchema(apiKey);
  if (!schema) throw new DecodeError(`unknown api key ${apiKey}`);
  const r = new Reader(frame);
  const correlationId = readResponseHeader(r, apiKey, version);
  return { correlationId, body: readMessage(schema, version, r) };
}

/** Encodes a message body by schema name (`JoinGroupRequest`, `RequestHeader`, …), no header. */
export function encodeMessage(name: string, version: number, body: object): Buffer {
  const w = new Writer(256);
  writeMessage(knownMessage(name), version, w, body);
  return w.result();
}

/** Decodes a message body by schema name. Throws DecodeError. */
export function decodeMessage(name: string, version: number, buf: Buffer, offset = 0): any {
  return decodeMessageAt(name, version, buf, offset).value;
}

/** Like decodeMessage, also returning the offset just past the message (to check nothing trails it). */
export function decodeMessageAt(name: string, version: number, buf: Buffer, offset = 0): { value: any; offset: number } {
  const schema = schemaByName(name);
  if (!schema) throw new DecodeError(`unknown message ${name}`);
  const r = new Reader(buf, offset);
  const value = readMessage(schema, version, r);
  return { value, offset: r.pos };
}

/** Every field of the message at its default: a starting point for handlers that build responses. */
export function defaultMessage(name: string): any {
  return defaultStruct(knownMessage(name).fields);
}

/** Whether `version` is in the message's validVersions. */
export function hasVersion(name: string, version: number): boolean {
  const s = schemaByName(name);
  return s !== undefined && isValidVersion(s, version);
}

export { API_VERSIONS_KEY };
