// Builds the engines and auth methods a seed describes. PKI mounts need their CA generated first,
// which is why this is async.
import { randomBytes, randomUUID, type X509Certificate } from 'node:crypto';
import { createCa } from '../../shared/tls/certificates.ts';
import { KvV1Engine } from './engines/kv-v1.ts';
import { KvV2Engine } from './engines/kv-v2.ts';
import { DatabaseEngine, type DatabaseRole } from './engines/database.ts';
import { PkiEngine, type PkiRole } from './engines/pki.ts';
import type { Engine, MountInfo } from './engines/engine.ts';
import { KubernetesAuth, type KubernetesRole } from './auth/kubernetes.ts';
import { AppRoleAuth, type AppRoleRole } from './auth/approle.ts';
import { JwtAuth, type JwtRole } from './auth/jwt.ts';
import { AwsAuth, type AwsRole } from './auth/aws.ts';
import { CertAuth } from './auth/cert.ts';
import { GcpAuth, type GcpRole } from './auth/gcp.ts';
import { AzureAuth, type AzureRole } from './auth/azure.ts';
import type { TokenRole } from './auth/issue.ts';
import type { VaultResponse } from './http-types.ts';
import type { NamedMount } from './sys/ui-mounts.ts';
import { seedSeconds, type AuthMountSeed, type SecretMountSeed, type TokenRoleSeed, type VaultSeed } from './seed.ts';
import { SYSTEM_MAX_TTL, type TokenStore } from './tokens.ts';
import type { LeaseStore } from './leases.ts';
import { VAULT_VERSION } from './sys/status.ts';

const BUILTIN = `v${VAULT_VERSION}+builtin.vault`;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function mountInfo(type: string, description: string, options: Record<string, string> | null, runningPluginVersion: string): MountInfo {
  return { type, description, options, runningPluginVersion, accessor: `${type}_${randomBytes(4).toString('hex')}`, uuid: randomUUID() };
}

/** An auth mount's login endpoint: the body of `PUT auth/<mount>/login`. */
export interface LoginEndpoint {
  /** `clientCertificate`: the TLS peer certificate, for cert auth. */
  login(body: Readonly<Record<string, unknown>>, clientCertificate?: X509Certificate): VaultResponse | Promise<VaultResponse>;
  /** Other authenticated paths under the mount (`route`: the part after `auth/<mount>/`), e.g. AppRole's `role/<r>/secret-id`. */
  handle?(method: string, route: string): VaultResponse;
}

export interface Mounts {
  readonly engines: ReadonlyMap<string, Engine>;
  readonly auth: ReadonlyMap<string, LoginEndpoint>;
  /** Every mount with its path, for sys/internal/ui/mounts. */
  readonly named: readonly NamedMount[];
}

interface Deps {
  readonly now: () => number;
  readonly tokens: TokenStore;
  readonly leases: LeaseStore;
}

async function buildEngine(name: string, m: SecretMountSeed, deps: Deps): Promise<Engine> {
  switch (m.type) {
    case 'kv': {
      const version = m.version ?? 2;
      const info = mountInfo('kv', m.description ?? 'key/value secret storage', { version: String(version) }, 'v0.20.0+builtin');
      return version === 2 ? new KvV2Engine(info, deps.now, m.data ?? {}) : new KvV1Engine(info, m.data ?? {});
    }
    case 'database': {
      const roles = new Map<string, DatabaseRole>();
      for (const [r, role] of Object.entries(m.roles ?? {})) {
        roles.set(r, { defaultTtl: seedSeconds(role.default_ttl, SYSTEM_MAX_TTL), maxTtl: seedSeconds(role.max_ttl, SYSTEM_MAX_TTL) });
      }
      return new DatabaseEngine({ info: mountInfo('database', '', null, BUILTIN), mount: name, roles, leases: deps.leases, now: deps.now });
    }
    case 'pki': {
      const ca = await createCa({ commonName: m.common_name ?? `${name} root CA`, validityMs: TEN_YEARS_MS, now: new Date(deps.now()) });
      const roles = new Map<string, PkiRole>();
      for (const [r, role] of Object.entries(m.roles ?? {})) {
        const maxTtl = seedSeconds(role.max_ttl, SYSTEM_MAX_TTL);
        roles.set(r, {
          allowedDomains: role.allowed_domains ?? [], allowSubdomains: role.allow_subdomains ?? false,
          allowBareDomains: role.allow_bare_domains ?? false, allowIpSans: role.allow_ip_sans ?? true,
          ttl: Math.min(seedSeconds(role.ttl, maxTtl), maxTtl), maxTtl, generateLease: role.generate_lease ?? false,
        });
      }
      return new PkiEngine({ info: mountInfo('pki', '', null, BUILTIN), mount: name, ca, roles, leases: deps.leases, now: deps.now });
    }
  }
}

export async function buildMounts(seed: VaultSeed, deps: Deps): Promise<Mounts> {
  const engines = new Map<string, Engine>();
  const named: NamedMount[] = [];
  for (const [name, m] of Object.entries(seed.secrets ?? {})) {
    const engine = await buildEngine(name, m, deps);
    engines.set(name, engine);
    named.push({ path: `${name}/`, info: engine.info });
  }
  const auth = new Map<string, LoginEndpoint>();
  for (const [name, a] of Object.entries(seed.auth ?? {})) {
    auth.set(name, buildAuth(name, a, deps));
    named.push({ path: `auth/${name}/`, info: mountInfo(a.type, '', null, a.type === 'kubernetes' ? 'v0.19.0+builtin' : BUILTIN) });
  }
  named.push({ path: 'auth/token/', info: mountInfo('token', 'token based credentials', null, BUILTIN) });
  return { engines, auth, named };
}

function tokenRole(role: TokenRoleSeed): TokenRole {
  return {
    policies: role.token_policies ?? [], ttl: seedSeconds(role.token_ttl, SYSTEM_MAX_TTL), maxTtl: seedSeconds(role.token_max_ttl, SYSTEM_MAX_TTL),
    noDefaultPolicy: role.token_no_default_policy ?? false,
  };
}

function buildAuth(name: string, a: AuthMountSeed, deps: Deps): LoginEndpoint {
  switch (a.type) {
    case 'kubernetes': {
      const roles = new Map<string, KubernetesRole>();
      for (const [r, role] of Object.entries(a.roles ?? {})) {
        roles.set(r, { ...tokenRole(role), boundNames: role.bound_service_account_names, boundNamespaces: role.bound_service_account_namespaces, audience: role.audience });
      }
      return new KubernetesAuth({ mount: name, roles, tokens: deps.tokens, now: deps.now });
    }
    case 'approle': {
      const roles: AppRoleRole[] = Object.entries(a.roles ?? {}).map(([r, role]) => ({
        ...tokenRole(role), name: r, roleId: role.role_id ?? randomUUID(), bindSecretId: role.bind_secret_id ?? true,
        secretIds: new Map((role.secret_ids ?? []).map((id) => [id, role.secret_id_num_uses ?? 0])),
        secretIdNumUses: role.secret_id_num_uses ?? 0,
      }));
      return new AppRoleAuth({ mount: name, roles, tokens: deps.tokens });
    }
    case 'jwt': {
      const roles = new Map<string, JwtRole>();
      for (const [r, role] of Object.entries(a.roles ?? {})) {
        roles.set(r, { ...tokenRole(role), boundAudiences: role.bound_audiences ?? [], boundSubject: role.bound_subject ?? '', userClaim: role.user_claim ?? 'sub' });
      }
      return new JwtAuth({ mount: name, roles, publicKeysPem: a.jwt_validation_pubkeys ?? [], tokens: deps.tokens, now: deps.now });
    }
    case 'aws': {
      const roles = new Map<string, AwsRole>();
      for (const [r, role] of Object.entries(a.roles ?? {})) roles.set(r, { ...tokenRole(role), boundIamPrincipalArns: role.bound_iam_principal_arn });
      return new AwsAuth({ mount: name, roles, stsEndpoint: a.sts_endpoint ?? 'https://sts.amazonaws.com', serverIdHeaderValue: a.iam_server_id_header_value ?? '', tokens: deps.tokens });
    }
    case 'cert': {
      const roles = Object.entries(a.roles ?? {}).map(([r, role]) => ({ ...tokenRole(role), name: r, certificatePem: role.certificate, allowedCommonNames: role.allowed_common_names ?? [] }));
      return new CertAuth({ mount: name, roles, tokens: deps.tokens, now: deps.now });
    }
    case 'gcp': {
      const roles = new Map<string, GcpRole>();
      for (const [r, role] of Object.entries(a.roles ?? {})) {
        roles.set(r, { ...tokenRole(role), boundProjects: role.bound_projects ?? [], boundZones: role.bound_zones ?? [], boundServiceAccounts: role.bound_service_accounts ?? [] });
      }
      return new GcpAuth({ mount: name, roles, publicKeysPem: a.gce_identity_pubkeys ?? [], tokens: deps.tokens, now: deps.now });
    }
    case 'azure': {
      const roles = new Map<string, AzureRole>();
      for (const [r, role] of Object.entries(a.roles ?? {})) {
        roles.set(r, { ...tokenRole(role), boundSubscriptionIds: role.bound_subscription_ids ?? [], boundResourceGroups: role.bound_resource_groups ?? [] });
      }
      return new AzureAuth({ mount: name, roles, resource: a.resource, publicKeysPem: a.azure_identity_pubkeys ?? [], tokens: deps.tokens, now: deps.now });
    }
  }
}
