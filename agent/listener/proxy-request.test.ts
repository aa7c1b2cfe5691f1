import { describe, expect, it } from '@jest/globals';
import {
  chooseToken,
  clientToken,
  forwardHeaders,
  hasVaultRequestHeader,
  returnedHeaders,
  targetPath,
  wantsAutoAuth,
} from './proxy-request.ts';
import { clearRequest } from './agent-api.ts';

describe('API proxy request rules', () => {
  it('reads the client token from X-Vault-Token, else an Authorization bearer', () => {
    expect(clientToken({ 'x-vault-token': ['a'], authorization: ['Bearer b'] })).toBe('a');
    expect(clientToken({ authorization: ['Bearer b'] })).toBe('b');
    expect(clientToken({ authorization: ['Basic b'] })).toBeUndefined();
    expect(clientToken({})).toBeUndefined();
  });

  it('true adds the auto-auth token only when the client has none; force always uses it; false never', () => {
    expect(chooseToken(undefined, 'auto', true)).toEqual({ token: 'auto', autoAuth: true });
    expect(chooseToken('mine', 'auto', true)).toEqual({ token: 'mine', autoAuth: false });
    expect(chooseToken('mine', 'auto', 'force')).toEqual({ token: 'auto', autoAuth: true });
    expect(chooseToken(undefined, 'auto', false)).toEqual({ token: undefined, autoAuth: false });
    expect(chooseToken('auto', 'auto', false)).toEqual({ token: 'auto', autoAuth: true });
    expect([
      wantsAutoAuth(undefined, true),
      wantsAutoAuth('x', true),
      wantsAutoAuth('x', 'force'),
      wantsAutoAuth(undefined, false),
    ]).toEqual([true, false, true, false]);
  });

  it('forwards the client headers minus hop-by-hop ones, with one token', () => {
    const headers = {
      'x-vault-token': ['mine'],
      authorization: ['Bearer mine'],
      connection: ['keep-alive'],
      host: ['127.0.0.1:8200'],
      'accept-encoding': ['gzip'],
      'x-vault-namespace': ['ns1'],
      'user-agent': ['app/1'],
    };
    expect(forwardHeaders(headers, { token: 'auto', autoAuth: true }, 'proxy')).toEqual({
      'x-vault-namespace': ['ns1'],
      'x-vault-token': ['auto'],
      'user-agent': ['proxy; app/1'],
    });
    expect(forwardHeaders(headers, { token: 'mine', autoAuth: false }, 'proxy')).toEqual({
      authorization: ['Bearer mine'],
      'x-vault-namespace': ['ns1'],
      'x-vault-token': ['mine'],
      'user-agent': ['proxy; app/1'],
    });
    expect(
      returnedHeaders({
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        'cache-control': 'no-store',
        connection: 'close',
      }),
    ).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('requires exactly one X-Vault-Request: true', () => {
    expect([
      hasVaultRequestHeader({ 'x-vault-request': ['true'] }),
      hasVaultRequestHeader({}),
      hasVaultRequestHeader({ 'x-vault-request': ['TRUE'] }),
      hasVaultRequestHeader({ 'x-vault-request': ['true', 'true'] }),
    ]).toEqual([true, false, false, false]);
  });

  it('keeps only path and query of the request target (the token never goes to a host a client names)', () => {
    expect(targetPath('/v1/secret/data/a?version=2')).toBe('/v1/secret/data/a?version=2');
    expect(targetPath('http://attacker.invalid:9/v1/secret/data/a')).toBe('/v1/secret/data/a');
    expect(targetPath('//attacker.invalid/v1/x')).toBe('/v1/x');
  });

  it('reads cache-clear bodies as Vault Agent does', () => {
    expect(clearRequest({ type: 'all' })).toEqual({ type: 'all' });
    expect(clearRequest({ type: 'lease', value: 'l' })).toEqual({ type: 'lease', value: 'l' });
    expect([clearRequest({ type: 'lease' }), clearRequest({ type: 'bogus', value: 'x' }), clearRequest([])]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
