// Pure pieces: Go JSON encoding, time formats, the lease extension rule, increments, LIST keys,
// the raw LIST parser.
import { describe, expect, it } from '@jest/globals';
import { encodeGoJson, sortKeys } from './go-json.ts';
import { humanDuration, rfc3339Nano } from './time-format.ts';
import { extendLease, parseIncrement } from './ttl.ts';
import { listChildren } from './engines/list-keys.ts';
import { parseRawListRequest } from './list-method.ts';
import { goDurationString } from './engines/pki.ts';
import { FORMATS, newAccessor, newLeaseSuffix, newRequestId, newServiceToken, randomAlnum } from './ids.ts';

describe('encodeGoJson', () => {
  it('escapes <>& and line separators and ends with a newline, as Go does', () => {
    expect(encodeGoJson({ b: 'a<b>&c\u2028' })).toBe('{"b":"a\\u003cb\\u003e\\u0026c\\u2028"}\n');
  });
  it('sorts map keys recursively and keeps array order', () => {
    expect(JSON.stringify(sortKeys({ z: 1, a: { y: [{ d: 1, c: 2 }], b: null } }))).toBe('{"a":{"b":null,"y":[{"c":2,"d":1}]},"z":1}');
  });
});

describe('time formats', () => {
  it.each([
    [Date.UTC(2024, 4, 1, 12, 0, 0, 123), '2024-05-01T12:00:00.123Z'],
    [Date.UTC(2024, 4, 1, 12, 0, 0, 120), '2024-05-01T12:00:00.12Z'],
    [Date.UTC(2024, 4, 1, 12, 0, 0, 0), '2024-05-01T12:00:00Z'],
  ])('rfc3339Nano(%s) = %s', (ms, text) => {
    expect(rfc3339Nano(ms)).toBe(text);
  });
  it.each([[0, '0s'], [3600, '1h'], [1198, '19m58s'], [3661, '1h1m1s'], [59, '59s'], [7200, '2h']])('humanDuration(%s) = %s', (s, text) => {
    expect(humanDuration(s)).toBe(text);
  });
  it.each([[3600, '1h0m0s'], [600, '10m0s'], [30, '30s'], [0, '0s']])('goDurationString(%s) = %s', (s, text) => {
    expect(goDurationString(s)).toBe(text);
  });
});

describe('extendLease', () => {
  it('uses the default TTL for increment 0', () => {
    expect(extendLease({ now: 1000, incrementSeconds: 0, defaultTtl: 60, maxExpireMs: 1_000_000 })).toEqual({ ok: true, value: { expireMs: 61_000, ttl: 60, warnings: [] } });
  });
  it('uses the increment when given', () => {
    expect(extendLease({ now: 0, incrementSeconds: 10, defaultTtl: 60, maxExpireMs: 1_000_000 })).toEqual({ ok: true, value: { expireMs: 10_000, ttl: 10, warnings: [] } });
  });
  it('caps at the max TTL with Vault\'s warning', () => {
    expect(extendLease({ now: 0, incrementSeconds: 3600, defaultTtl: 60, maxExpireMs: 1_198_500 })).toEqual({
      ok: true,
      value: { expireMs: 1_198_500, ttl: 1198, warnings: ['TTL of "1h" exceeded the effective max_ttl of "19m58s"; TTL value is capped accordingly'] },
    });
  });
  it('refuses past the max TTL', () => {
    expect(extendLease({ now: 5000, incrementSeconds: 0, defaultTtl: 60, maxExpireMs: 5000 })).toEqual({ ok: false, error: 'past the max TTL, cannot renew' });
  });
});

describe('parseIncrement', () => {
  it.each([[undefined, 0], [0, 0], [30, 30], ['45', 45], ['1h', 3600], ['1m30s', 90], ['bad', undefined], [-1, undefined], [{}, undefined]])('%p → %p', (raw, want) => {
    expect(parseIncrement(raw)).toBe(want);
  });
});

describe('listChildren', () => {
  const paths = ['app/a', 'app/b/c', 'app/b/d', 'other', 'apple'];
  it('lists direct children with folders marked by a slash', () => {
    expect(listChildren(paths, 'app')).toEqual(['a', 'b/']);
    expect(listChildren(paths, 'app/')).toEqual(['a', 'b/']);
    expect(listChildren(paths, '')).toEqual(['app/', 'apple', 'other']);
    expect(listChildren(paths, 'none')).toEqual([]);
  });
});

describe('parseRawListRequest', () => {
  it('reads the request line and headers of a LIST request', () => {
    const raw = Buffer.from('LIST /v1/secret/metadata/app?x=1 HTTP/1.1\r\nHost: h\r\nX-Vault-Token: t\r\n\r\n');
    expect(parseRawListRequest(raw)).toEqual({ method: 'LIST', url: '/v1/secret/metadata/app?x=1', headers: { host: 'h', 'x-vault-token': 't' } });
  });
  it('ignores other methods and incomplete packets', () => {
    expect(parseRawListRequest(Buffer.from('BREW / HTTP/1.1\r\n\r\n'))).toBeUndefined();
    expect(parseRawListRequest(Buffer.from('LIST / HTTP/1.1\r\nHost: h'))).toBeUndefined();
    expect(parseRawListRequest(undefined)).toBeUndefined();
  });
});

describe('ids', () => {
  it('have Vault\'s formats', () => {
    expect(newRequestId()).toMatch(FORMATS.requestId);
    expect(newServiceToken()).toMatch(FORMATS.serviceToken);
    expect(newAccessor()).toMatch(FORMATS.accessor);
    expect(newLeaseSuffix()).toMatch(FORMATS.leaseSuffix);
    expect(randomAlnum(500)).toMatch(/^[A-Za-z0-9]{500}$/);
    expect(new Set(Array.from({ length: 50 }, newServiceToken)).size).toBe(50);
  });
});
