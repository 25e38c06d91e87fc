/**
 * ApiVersions, the one API whose framing differs (README "ApiVersions: the special case", KIP-511):
 * request header v2 from v3 up, response header always v0, tagged fields in v3+ bodies.
 */
import {
  API_KEY, apiVersionRange, decodeRequestBody, decodeResponse, DecodeError, encodeRequest, encodeResponse, isFlexible,
  readRequestHeader,
} from '../../../src/adapters/kafka/protocol';

const hex = (b: Buffer) => b.toString('hex');

describe('ApiVersions (api key 18)', () => {
  it('v3 request: header v2 keeps the int16 ClientId, then a tagged section; body strings are compact', () => {
    const whole = encodeRequest(API_KEY.ApiVersions, 3, 1, 'c', { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7' });
    expect(hex(whole)).toBe(
      '00000016' + '0012' + '0003' + '00000001' + '000163' + '00' + '056b636174' + '04312e37' + '00',
    );
    const { header, bodyOffset } = readRequestHeader(whole.subarray(4));
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'c' });
    expect(decodeRequestBody(18, 3, whole.subarray(4), bodyOffset)).toEqual({ clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7' });
  });

  it('v3 response: header v0 (no tagged byte after the correlation id) although the body is flexible (KIP-511)', () => {
    const whole = encodeResponse(API_KEY.ApiVersions, 3, 7, {
      errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], throttleTimeMs: 0,
    });
    expect(hex(whole)).toBe('00000013' + '00000007' + '0000' + '02' + '001200000004' + '00' + '00000000' + '00');
  });

  it('v3 response: tagged fields at their defaults are not written, others are written in tag order', () => {
    const body = {
      errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: 5n, zkMigrationReady: true,
      supportedFeatures: [{ name: 'f', minVersion: 1, maxVersion: 2 }],
    };
    const whole = encodeResponse(API_KEY.ApiVersions, 3, 7, body);
    const tail = hex(whole).slice(2 * (4 + 4 + 2 + 1 + 4));
    expect(tail).toBe(
      '03' + '00' + '08' + '02' + '0266' + '0001' + '0002' + '00' // tag 0: SupportedFeatures
      + '01' + '08' + '0000000000000005' // tag 1: FinalizedFeaturesEpoch
      + '03' + '01' + '01', // tag 3: ZkMigrationReady; FinalizedFeatures (tag 2) is empty, its default
    );
    expect(decodeResponse(18, 3, whole.subarray(4)).body).toEqual({ ...body, finalizedFeatures: [] });
  });

  it('v3 response decoded without tagged fields gets their defaults (FinalizedFeaturesEpoch -1)', () => {
    const whole = encodeResponse(API_KEY.ApiVersions, 3, 7, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    expect(decodeResponse(18, 3, whole.subarray(4)).body).toEqual({
      errorCode: 0, apiKeys: [], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false,
    });
  });

  it('a version above the highest still has a readable header (v2, flexible), but its body is refused', () => {
    expect(apiVersionRange(18)).toEqual({ min: 0, max: 4 });
    expect(isFlexible(18, 9)).toBe(true);
    const frame = Buffer.from('0012' + '0009' + '0000002a' + '0003616263' + '00' + 'ffff', 'hex');
    const { header, bodyOffset } = readRequestHeader(frame);
    expect(header).toEqual({ apiKey: 18, apiVersion: 9, correlationId: 42, clientId: 'abc' });
    expect(bodyOffset).toBe(14);
    expect(() => decodeRequestBody(18, 9, frame, bodyOffset)).toThrow(DecodeError);
  });

  it('the UNSUPPORTED_VERSION answer is a v0 response: int32 array count, no ThrottleTimeMs', () => {
    const whole = encodeResponse(API_KEY.ApiVersions, 0, 42, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
    expect(hex(whole)).toBe('00000010' + '0000002a' + '0023' + '00000001' + '001200000004');
  });

  it('v0 drops the ignorable ThrottleTimeMs silently', () => {
    const whole = encodeResponse(API_KEY.ApiVersions, 0, 1, { errorCode: 0, apiKeys: [], throttleTimeMs: 100 });
    expect(decodeResponse(18, 0, whole.subarray(4)).body.throttleTimeMs).toBe(0);
  });

  it('other flexible responses use header v1 (a tagged section after the correlation id)', () => {
    const whole = encodeResponse(API_KEY.Heartbeat, 4, 7, { throttleTimeMs: 0, errorCode: 0 });
    expect(hex(whole)).toBe('0000000c' + '00000007' + '00' + '00000000' + '0000' + '00');
  });
});
