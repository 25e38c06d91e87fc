import { DecodeError } from './decode-error';
import { EncodeError } from './encode-error';
import { isFlexibleVersion, requestSchema, skipTaggedSection } from './message-codec';
import { Reader } from './reader';
import { Writer } from './writer';

/*
 * Request/response headers (README "Framing and headers"). Request header v1 when the request version is
 * not flexible, v2 (plus a tagged section) when it is; ClientId keeps its int16 length in both
 * (`"flexibleVersions": "none"`). Response header v0, or v1 when flexible — except ApiVersions, whose
 * response header is always v0 (KIP-511) so a client can read it before it knows the broker's versions.
 */

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Header flexibility from the API's request flexibleVersions; unknown APIs are read as header v1. */
export function isFlexibleRequest(apiKey: number, version: number): boolean {
  const schema = requestSchema(apiKey);
  return schema !== undefined && isFlexibleVersion(schema, version);
}

export function usesFlexibleResponseHeader(apiKey: number, version: number): boolean {
  return apiKey !== API_VERSIONS_KEY && isFlexibleRequest(apiKey, version);
}

/**
 * Reads the request header from a frame (the bytes after the size prefix). Tagged fields of header v2 are
 * skipped: none are defined for it.
 */
export function readRequestHeader(frame: Buffer): { header: RequestHeader; bodyOffset: number } {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const len = r.int16();
  let clientId: string | null = null;
  if (len >= 0) clientId = r.utf8(len, 'RequestHeader.ClientId');
  else if (len !== -1) throw new DecodeError(`RequestHeader.ClientId: negative length ${len}`);
  // Any version of an API with open-ended flexibleVersions is flexible, even above our highest (ApiVersions).
  if (isFlexibleRequest(apiKey, apiVersion)) skipTaggedSection(r, 'RequestHeader');
  return { header: { apiKey, apiVersion, correlationId, clientId }, bodyOffset: r.pos };
}

export function writeRequestHeader(w: Writer, header: RequestHeader): void {
  w.int16(header.apiKey);
  w.int16(header.apiVersion);
  w.int32(header.correlationId);
  if (header.clientId === null) w.int16(-1);
  else {
    const len = Buffer.byteLength(header.clientId, 'utf8');
    if (len > 0x7fff) throw new EncodeError(`client id of ${len} bytes is too long`);
    w.int16(len);
    w.utf8(header.clientId, len);
  }
  if (isFlexibleRequest(header.apiKey, header.apiVersion)) w.uvarint(0);
}

export function writeResponseHeader(w: Writer, apiKey: number, version: number, correlationId: number): void {
  w.int32(correlationId);
  if (usesFlexibleResponseHeader(apiKey, version)) w.uvarint(0);
}

/** Reads the response header; returns the correlation id (r is left at the body). */
export function readResponseHeader(r: Reader, apiKey: number, version: number): number {
  const correlationId = r.int32();
  if (usesFlexibleResponseHeader(apiKey, version)) skipTaggedSection(r, 'ResponseHeader');
  return correlationId;
}
