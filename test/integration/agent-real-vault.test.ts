// The agent's Vault client against a real Vault, when VAULT_ADDR and VAULT_TOKEN are set (e.g.
// `vault server -dev`); against the in-repo test server otherwise. Needs a KV v2 mount at secret/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpTransport } from '../../agent/vault/http-transport.ts';
import { VaultClient } from '../../agent/vault/client.ts';
import { SecretFetcher } from '../../agent/secrets/fetcher.ts';
import { secretRequestKey, type SecretRequest } from '../../agent/render/engine.ts';
import { systemClock } from '../../shared/clock.ts';
import { startVaultServer, type VaultTestServer } from '../vault-server/server.ts';

const realAddr = process.env['VAULT_ADDR'];
const realToken = process.env['VAULT_TOKEN'];
const useReal = realAddr !== undefined && realAddr !== '' && realToken !== undefined && realToken !== '';

let server: VaultTestServer | undefined;
let client: VaultClient;
let token: string;
beforeAll(async () => {
  if (useReal) {
    client = new VaultClient({ transport: createHttpTransport({ address: realAddr, skipVerify: process.env['VAULT_SKIP_VERIFY'] === 'true' }), clock: systemClock, random: Math.random });
    token = realToken;
  } else {
    server = await startVaultServer({ seed: { secrets: { secret: { type: 'kv', version: 2 } } } });
    client = new VaultClient({ transport: createHttpTransport({ address: server.url }), clock: systemClock, random: Math.random });
    token = server.rootToken;
  }
});
afterAll(async () => {
  client.close();
  await server?.close();
});

const req = (kind: SecretRequest['kind'], path: string, params: Record<string, string> = {}): SecretRequest => ({ kind, path, params, key: secretRequestKey(kind, path, params) });

describe(`VaultClient against ${useReal ? 'a real Vault (VAULT_ADDR)' : 'the Vault test server'}`, () => {
  it('writes and reads a KV v2 secret through the preflight and the data/ shim, and lists it', async () => {
    const fetcher = new SecretFetcher(client);
    const written = await fetcher.fetch(token, req('secret', 'secret/vaultlet-agent-test', { password: 'pw-1' }));
    expect(written.response.data).toEqual(expect.objectContaining({ version: expect.any(Number) }));
    const read = await fetcher.fetch(token, req('secret', 'secret/vaultlet-agent-test'));
    expect(read.kvV1).toBe(false);
    expect(read.response.lease_duration).toBe(0);
    expect((read.response.data as { data: unknown }).data).toEqual({ password: 'pw-1' });
    const listed = await fetcher.fetch(token, req('secrets', 'secret/'));
    expect((listed.response.data as { keys: string[] }).keys).toContain('vaultlet-agent-test');
    await expect(fetcher.fetch(token, req('secret', 'secret/vaultlet-agent-none'))).rejects.toThrow('no secret exists at secret/vaultlet-agent-none');
  });

  it('looks the token up and answers 403 for a bogus token', async () => {
    const self = await client.lookupSelf(token);
    expect(self.ttl).toBeGreaterThanOrEqual(0);
    const err = await client.lookupSelf('hvs.bogus-token').catch((e: unknown) => e);
    expect(err).toEqual(expect.objectContaining({ status: 403, retryable: false }));
  });
});
