import { describe, expect, it } from '@jest/globals';
import { parseHandoff, serializeHandoff, type HandoffState } from './handoff.ts';
import { secretRequestKey } from '../render/engine.ts';
import { JsonNumber } from '../vault/json-number.ts';

const state: HandoffState = {
  version: 1,
  token: 'hvs.t',
  savedAt: 1000,
  entries: [{
    request: { kind: 'secret', path: 'database/creds/app', params: {}, key: secretRequestKey('secret', 'database/creds/app', {}) },
    response: { lease_id: 'database/creds/app/1', lease_duration: 30, renewable: true, data: { username: 'u' } },
    kvV1: false,
    fetchedAt: 900,
  }],
};

describe('hand-off state', () => {
  it('round-trips', () => {
    expect(parseHandoff(serializeHandoff(state))).toEqual(state);
  });
  it('keeps numbers exactly as Vault sent them, so the sidecar renders the bytes the init container wrote', () => {
    const entry = state.entries[0];
    if (entry === undefined) throw new Error('fixture');
    const exact: HandoffState = { ...state, entries: [{ ...entry, response: { ...entry.response, data: { price: new JsonNumber('1.50'), big: new JsonNumber('10000000000000000001'), port: 5432 } } }] };
    const text = serializeHandoff(exact);
    expect(text).toContain('"data":{"price":1.50,"big":10000000000000000001,"port":5432}');
    expect(parseHandoff(text)).toEqual(exact);
  });
  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ ...state, version: 2 })],
    ['no token', JSON.stringify({ ...state, token: '' })],
    ['a malformed entry', JSON.stringify({ ...state, entries: [{ request: { kind: 'secret' } }] })],
    ['an unknown request kind', JSON.stringify({ ...state, entries: [{ ...state.entries[0], request: { ...state.entries[0]?.request, kind: 'consul' } }] })],
  ])('refuses %s', (_what, text) => {
    expect(parseHandoff(text)).toBeUndefined();
  });
});
