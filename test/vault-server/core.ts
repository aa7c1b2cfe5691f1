// The request pipeline every Vault request goes through: health first, then the seal, logins, the
// token, the ACL, and finally the engine that owns the path. Order matters and follows Vault:
// no token → 403, bad token → 403 invalid token, no mount → 404, policy → 403.
import { randomBytes, randomUUID } from 'node:crypto';
import type { VaultRequest, VaultResponse } from './http-types.ts';
import { invalidToken, noHandler, permissionDenied, policyDenied, sealed, unsupportedOperation } from './responses.ts';
import { TokenStore } from './tokens.ts';
import { LeaseStore } from './leases.ts';
import { buildAcl, type Capability } from './policy.ts';
import { buildMounts, type Mounts } from './mounts.ts';
import type { VaultSeed } from './seed.ts';
import { KvV1Engine } from './engines/kv-v1.ts';
import { KvV2Engine } from './engines/kv-v2.ts';
import { handleTokenSelf } from './auth/token.ts';
import { handleLeases } from './sys/leases.ts';
import { health, sealStatus, type ClusterIdentity } from './sys/health.ts';
import { uiMount } from './sys/ui-mounts.ts';
import type { ServerStatus } from './sys/status.ts';
import { WrappingStore } from './wrapping.ts';

const CAPABILITY: Readonly<Record<string, Capability>> = { GET: 'read', HEAD: 'read', LIST: 'list', PUT: 'update', POST: 'update', DELETE: 'delete' };
const LEASE_PATH = /^sys\/(?:leases\/)?(renew|revoke|lookup)(?:\/(.*))?$/;

export class VaultCore {
  readonly status: ServerStatus = { sealed: false, standby: false, initialized: true };
  readonly tokens: TokenStore;
  readonly leases: LeaseStore;
  readonly rootToken: string;
  readonly wrapping: WrappingStore;
  readonly #now: () => number;
  readonly #seed: VaultSeed;
  readonly #mounts: Mounts;
  readonly #cluster: ClusterIdentity = { name: `vault-cluster-${randomBytes(4).toString('hex')}`, id: randomUUID() };

  private constructor(opts: { seed: VaultSeed; now: () => number; tokens: TokenStore; leases: LeaseStore; mounts: Mounts }) {
    this.#seed = opts.seed;
    this.#now = opts.now;
    this.tokens = opts.tokens;
    this.leases = opts.leases;
    this.#mounts = opts.mounts;
    this.rootToken = this.tokens.createRoot(opts.seed.root_token).id;
    this.wrapping = new WrappingStore(opts.now);
  }

  static async create(seed: VaultSeed, now: () => number): Promise<VaultCore> {
    const tokens = new TokenStore(now);
    const leases = new LeaseStore(now, tokens);
    const mounts = await buildMounts(seed, { now, tokens, leases });
    return new VaultCore({ seed, now, tokens, leases, mounts });
  }

  writeKv(mount: string, path: string, data: Readonly<Record<string, unknown>>): void {
    const engine = this.#mounts.engines.get(mount.replace(/^\/+|\/+$/g, ''));
    if (engine instanceof KvV2Engine || engine instanceof KvV1Engine) {
      engine.write(path, data);
      return;
    }
    throw new Error(`no KV mount at ${JSON.stringify(mount)}`);
  }

  revokeAllTokens(): void {
    for (const t of this.tokens.all()) {
      if (t.id === this.rootToken) continue;
      t.revoked = true;
      this.leases.revokeByToken(t);
    }
  }

  async handle(req: VaultRequest): Promise<VaultResponse> {
    const answer = await this.#route(req);
    const wrappable = req.wrapTtl !== undefined && !req.path.startsWith('sys/wrapping/');
    return wrappable ? this.wrapping.wrap(req.path, req.wrapTtl ?? '', answer) : answer;
  }

  async #route(req: VaultRequest): Promise<VaultResponse> {
    const { path } = req;
    if (path === 'sys/health') return health({ method: req.method, query: req.query, status: this.status, nowMs: this.#now(), cluster: this.#cluster });
    if (path === 'sys/seal-status') return sealStatus(this.status, this.#cluster);
    if (this.status.sealed || !this.status.initialized) return sealed;
    const login = /^auth\/(.+)\/login$/.exec(path);
    const auth = login === null ? undefined : this.#mounts.auth.get(login[1] ?? '');
    if (auth !== undefined) return req.method === 'PUT' || req.method === 'POST' ? auth.login(req.body, req.clientCertificate) : unsupportedOperation;
    if (path === 'sys/wrapping/lookup') return req.method === 'GET' || req.method === 'PUT' || req.method === 'POST' ? this.wrapping.lookup(req.body['token'], req.token) : unsupportedOperation;
    // A spent or unknown wrapping token gets Vault's 400 from the unwrap endpoint, not the 403 of a bad token.
    if (path === 'sys/wrapping/unwrap' && req.token !== undefined && req.token !== '' && this.tokens.find(req.token) === undefined) return this.wrapping.unwrap(req.token);
    if (req.token === undefined || req.token === '') return permissionDenied;
    const token = this.tokens.find(req.token);
    if (token === undefined) return invalidToken;
    const acl = buildAcl(token.policies, this.#seed.policies);
    if (path.startsWith('sys/internal/ui/mounts/')) {
      if (req.method !== 'GET') return unsupportedOperation;
      return uiMount(this.#mounts.named, path.slice('sys/internal/ui/mounts/'.length), acl);
    }
    const capability = CAPABILITY[req.method];
    if (capability === undefined) return unsupportedOperation;
    const leaseOp = LEASE_PATH.exec(path);
    const firstSegment = path.split('/')[0] ?? '';
    const engine = this.#mounts.engines.get(firstSegment);
    const authRoute = /^auth\/(.+?)\/(role\/.+)$/.exec(path);
    const authEndpoint = authRoute === null ? undefined : this.#mounts.auth.get(authRoute[1] ?? '');
    const known = path.startsWith('auth/token/') || leaseOp !== null || engine !== undefined || authEndpoint?.handle !== undefined;
    if (!known) return noHandler(path);
    // Vault gives list requests a trailing slash before the ACL check, so `app/*` grants LIST on `app`.
    if (!acl.allows(capability === 'list' ? `${path}/` : path, capability)) return policyDenied;
    if (path.startsWith('auth/token/')) {
      return handleTokenSelf({ method: req.method, op: path.slice('auth/token/'.length), body: req.body, token }, this.tokens, this.leases);
    }
    if (authEndpoint?.handle !== undefined) return authEndpoint.handle(req.method, authRoute?.[2] ?? '');
    if (leaseOp !== null) {
      return handleLeases({ method: req.method, op: leaseOp[1] ?? '', suffix: leaseOp[2] ?? '', body: req.body, nowMs: this.#now() }, this.leases);
    }
    if (engine === undefined) return noHandler(path);
    return engine.handle({ method: req.method, subpath: path.slice(firstSegment.length + 1), fullPath: path, query: req.query, body: req.body, token });
  }
}
