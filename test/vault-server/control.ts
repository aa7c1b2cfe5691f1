// The fault and inspection controls over HTTP, under /_test/ (outside Vault's /v1/), so another
// process — the demo, a shell — can drive a running server. Every call needs the root token.
import { errors, json, noContent, notFound, permissionDenied } from './responses.ts';
import type { VaultResponse } from './http-types.ts';
import type { VaultTestServer } from './server.ts';

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function attempt(fn: () => void): VaultResponse {
  try {
    fn();
    return noContent;
  } catch (err) {
    return errors(400, [(err as Error).message]);
  }
}

export function handleControl(opts: { server: VaultTestServer; method: string; name: string; token: string | undefined; body: unknown }): VaultResponse {
  const { server, method, name, body } = opts;
  if (opts.token !== server.rootToken) return permissionDenied;
  const b = isObject(body) ? body : {};
  if (method === 'GET') {
    switch (name) {
      case 'leases': return json(200, { leases: server.leases() });
      case 'tokens': return json(200, { tokens: server.tokens() });
      case 'requests': return json(200, { requests: server.requests });
      default: return notFound;
    }
  }
  if (method !== 'POST' && method !== 'PUT') return errors(405, ['use POST']);
  const f = server.faults;
  switch (name) {
    case 'seal': return attempt(() => { f.seal(); });
    case 'unseal': return attempt(() => { f.unseal(); });
    case 'reset': return attempt(() => { f.reset(); });
    case 'revoke-all-tokens': return attempt(() => { f.revokeAllTokens(); });
    case 'fail-next': return attempt(() => { f.failNext(Number(b['count']), b['status'] === undefined ? undefined : Number(b['status'])); });
    case 'latency': return attempt(() => { f.setLatency(Number(b['ms'])); });
    case 'standby': return attempt(() => { f.setStandby(b['standby'] === true); });
    case 'kv': return attempt(() => {
      if (typeof b['mount'] !== 'string' || typeof b['path'] !== 'string' || !isObject(b['data'])) throw new Error('body needs mount, path and data');
      server.writeKv(b['mount'], b['path'], b['data']);
    });
    default: return notFound;
  }
}
