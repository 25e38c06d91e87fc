import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_KEY, decodeRequestBody, encodeRequest, readRequestHeader } from '../../../src/adapters/kafka/protocol';

/** Frames kcat 1.7.1 (librdkafka 2.0.2) sent, captured by test/fixtures/codec/capture-kcat-frames.js. */
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/codec/kcat-requests.json'), 'utf8')) as {
  frames: { key: string; hex: string }[];
};
const frame = (key: string) => Buffer.from(fixture.frames.find((f) => f.key === key)!.hex, 'hex');

describe('golden bytes captured from kcat / librdkafka 2.0.2', () => {
  it('ApiVersions v3 (flexible body, request header v2) decodes to librdkafka\'s software name and re-encodes to the same bytes', () => {
    const bytes = frame('18v3');
    const { header, bodyOffset } = readRequestHeader(bytes);
    expect(header).toMatchObject({ apiKey: API_KEY.ApiVersions, apiVersion: 3, clientId: 'rdkafka' });
    const body = decodeRequestBody(header.apiKey, header.apiVersion, bytes, bodyOffset);
    expect(body).toMatchObject({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    const again = encodeRequest(header.apiKey, header.apiVersion, header.correlationId, header.clientId, body).subarray(4);
    expect(again.equals(bytes)).toBe(true);
  });

  it('Metadata v4 asks for the named topic with auto-creation allowed (the librdkafka default) and re-encodes to the same bytes', () => {
    const bytes = frame('3v4');
    const { header, bodyOffset } = readRequestHeader(bytes);
    expect(header).toMatchObject({ apiKey: API_KEY.Metadata, apiVersion: 4 });
    const body = decodeRequestBody(header.apiKey, header.apiVersion, bytes, bodyOffset);
    expect(body.topics.map((t: { name: string }) => t.name)).toEqual(['golden']);
    expect(body.allowAutoTopicCreation).toBe(true);
    const again = encodeRequest(header.apiKey, header.apiVersion, header.correlationId, header.clientId, body).subarray(4);
    expect(again.equals(bytes)).toBe(true);
  });
});
