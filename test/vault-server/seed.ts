// What the test server starts with: secret engine mounts and their data, Kubernetes auth roles,
// policies. Field names follow Vault's own API (snake_case) so a seed reads like `vault write`
// arguments. Durations are seconds or Go durations ("90s", "1h").
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type FieldError } from '../../shared/errors.ts';
import { parseVaultDuration } from '../../shared/parse/go-duration.ts';

export type DurationValue = number | string;

export interface KvMountSeed {
  readonly type: 'kv';
  /** 2 (default, like `vault server -dev`'s `secret/`) or 1. */
  readonly version?: 1 | 2;
  readonly description?: string;
  /** Secret path (inside the mount) → key/value data. On v2 this becomes version 1. */
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface DatabaseRoleSeed {
  readonly default_ttl?: DurationValue;
  readonly max_ttl?: DurationValue;
}

export interface DatabaseMountSeed {
  readonly type: 'database';
  readonly roles?: Readonly<Record<string, DatabaseRoleSeed>>;
}

export interface PkiRoleSeed {
  /** Empty or absent: any name is allowed. */
  readonly allowed_domains?: readonly string[];
  readonly allow_subdomains?: boolean;
  readonly allow_bare_domains?: boolean;
  readonly allow_ip_sans?: boolean;
  readonly ttl?: DurationValue;
  readonly max_ttl?: DurationValue;
  /** Attach a (non-renewable) lease to each issued certificate, as Vault's role option does. */
  readonly generate_lease?: boolean;
}

export interface PkiMountSeed {
  readonly type: 'pki';
  /** Common name of the mount's self-signed root CA (generated at start). */
  readonly common_name?: string;
  readonly roles?: Readonly<Record<string, PkiRoleSeed>>;
}

export type SecretMountSeed = KvMountSeed | DatabaseMountSeed | PkiMountSeed;

export interface KubernetesRoleSeed {
  /** Service-account names; `*` anywhere in an entry is a glob. */
  readonly bound_service_account_names: readonly string[];
  readonly bound_service_account_namespaces: readonly string[];
  readonly token_policies?: readonly string[];
  readonly token_ttl?: DurationValue;
  readonly token_max_ttl?: DurationValue;
  readonly token_no_default_policy?: boolean;
  /** When set, the JWT's `aud` must contain it. */
  readonly audience?: string;
}

export interface KubernetesAuthSeed {
  readonly type: 'kubernetes';
  readonly roles?: Readonly<Record<string, KubernetesRoleSeed>>;
}

/** The token fields every login role has (Vault's tokenutil). */
export interface TokenRoleSeed {
  readonly token_policies?: readonly string[];
  readonly token_ttl?: DurationValue;
  readonly token_max_ttl?: DurationValue;
  readonly token_no_default_policy?: boolean;
}

export interface AppRoleRoleSeed extends TokenRoleSeed {
  /** Fixed role ID (a random UUID when absent). */
  readonly role_id?: string;
  /** Default true: a secret ID is required. */
  readonly bind_secret_id?: boolean;
  /** Secret IDs that exist from the start. */
  readonly secret_ids?: readonly string[];
  /** Uses of each secret ID (0, the default: unlimited). */
  readonly secret_id_num_uses?: number;
}

export interface AppRoleAuthSeed {
  readonly type: 'approle';
  readonly roles?: Readonly<Record<string, AppRoleRoleSeed>>;
}

export interface JwtRoleSeed extends TokenRoleSeed {
  readonly bound_audiences?: readonly string[];
  readonly bound_subject?: string;
  /** Claim naming the user (the identity alias); default `sub`. */
  readonly user_claim?: string;
}

export interface JwtAuthSeed {
  readonly type: 'jwt';
  /** PEM public keys; when absent, signatures are not checked. */
  readonly jwt_validation_pubkeys?: readonly string[];
  readonly roles?: Readonly<Record<string, JwtRoleSeed>>;
}

export interface AwsRoleSeed extends TokenRoleSeed {
  readonly auth_type?: 'iam';
  readonly bound_iam_principal_arn: readonly string[];
}

export interface AwsAuthSeed {
  readonly type: 'aws';
  /** Where GetCallerIdentity requests are replayed (Vault's `sts_endpoint`; a fake STS in tests). */
  readonly sts_endpoint?: string;
  /** When set, logins must carry and sign X-Vault-AWS-IAM-Server-ID with this value. */
  readonly iam_server_id_header_value?: string;
  readonly roles?: Readonly<Record<string, AwsRoleSeed>>;
}

export interface CertRoleSeed extends TokenRoleSeed {
  /** PEM of the CA that issues client certificates (or of one client certificate). */
  readonly certificate: string;
  readonly allowed_common_names?: readonly string[];
}

export interface CertAuthSeed {
  readonly type: 'cert';
  /** Needs the server on HTTPS (`tls` option) so clients can present certificates. */
  readonly roles?: Readonly<Record<string, CertRoleSeed>>;
}

export interface GcpRoleSeed extends TokenRoleSeed {
  /** Only `gce` roles. */
  readonly type?: 'gce';
  readonly bound_projects?: readonly string[];
  readonly bound_zones?: readonly string[];
  readonly bound_service_accounts?: readonly string[];
}

export interface GcpAuthSeed {
  readonly type: 'gcp';
  /** PEM public keys the instance identity tokens are checked with (signatures unchecked when absent). */
  readonly gce_identity_pubkeys?: readonly string[];
  readonly roles?: Readonly<Record<string, GcpRoleSeed>>;
}

export interface AzureRoleSeed extends TokenRoleSeed {
  readonly bound_subscription_ids?: readonly string[];
  readonly bound_resource_groups?: readonly string[];
}

export interface AzureAuthSeed {
  readonly type: 'azure';
  /** The audience tokens must have (Vault's azure `resource`), e.g. https://management.azure.com/. */
  readonly resource: string;
  /** PEM public keys the access tokens are checked with (signatures unchecked when absent). */
  readonly azure_identity_pubkeys?: readonly string[];
  readonly roles?: Readonly<Record<string, AzureRoleSeed>>;
}

export type AuthMountSeed = KubernetesAuthSeed | AppRoleAuthSeed | JwtAuthSeed | AwsAuthSeed | CertAuthSeed | GcpAuthSeed | AzureAuthSeed;

/** Policy name → path pattern (Vault syntax: trailing `*`, `+` segments) → capabilities. */
export type PolicySeed = Readonly<Record<string, readonly string[]>>;

export interface VaultSeed {
  /** Fixed root token (handy for a demo); random `hvs.` token when absent. */
  readonly root_token?: string;
  /** When present, tokens are limited to their policies; when absent, every valid token may do anything. */
  readonly policies?: Readonly<Record<string, PolicySeed>>;
  /** Mount path (no slashes) → engine. */
  readonly secrets?: Readonly<Record<string, SecretMountSeed>>;
  /** Auth mount path under `auth/` → method. */
  readonly auth?: Readonly<Record<string, AuthMountSeed>>;
}

/** `vault server -dev` plus an empty Kubernetes auth mount. */
export const DEFAULT_SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2 } },
  auth: { kubernetes: { type: 'kubernetes' } },
};

export const CAPABILITIES = ['create', 'read', 'update', 'delete', 'list', 'sudo', 'deny', 'patch'] as const;

export function loadSeedFile(path: string): VaultSeed {
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError([{ field: path, message: `not valid YAML or JSON: ${(err as Error).message}` }]);
  }
  return parseSeed(raw);
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Checker {
  readonly problems: FieldError[] = [];
  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }
  object(v: unknown, field: string): Obj {
    if (v === undefined) return {};
    if (!isObj(v)) this.fail(field, 'must be a mapping');
    return isObj(v) ? v : {};
  }
  strings(v: unknown, field: string): void {
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) this.fail(field, 'must be a list of strings');
  }
  bool(v: unknown, field: string): void {
    if (v !== undefined && typeof v !== 'boolean') this.fail(field, 'must be true or false');
  }
  duration(v: unknown, field: string): void {
    if (v === undefined) return;
    try {
      if (typeof v !== 'number' && typeof v !== 'string') throw new Error('not a duration');
      if (parseVaultDuration(v) < 0) throw new Error('negative');
    } catch {
      this.fail(field, 'must be seconds or a duration such as "90s" or "1h"');
    }
  }
  keys(o: Obj, allowed: readonly string[], field: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail(`${field}.${k}`, 'unknown field');
  }
}

function checkMount(c: Checker, name: string, raw: unknown): void {
  const f = `secrets.${name}`;
  const m = c.object(raw, f);
  if (name === '' || name.includes('/') || name === 'sys' || name === 'auth') c.fail(f, 'mount path must be one segment, not sys or auth');
  switch (m['type']) {
    case 'kv':
      c.keys(m, ['type', 'version', 'description', 'data'], f);
      if (m['version'] !== undefined && m['version'] !== 1 && m['version'] !== 2) c.fail(`${f}.version`, 'must be 1 or 2');
      for (const [p, d] of Object.entries(c.object(m['data'], `${f}.data`))) c.object(d, `${f}.data.${p}`);
      break;
    case 'database':
      c.keys(m, ['type', 'roles'], f);
      for (const [r, role] of Object.entries(c.object(m['roles'], `${f}.roles`))) {
        const o = c.object(role, `${f}.roles.${r}`);
        c.keys(o, ['default_ttl', 'max_ttl'], `${f}.roles.${r}`);
        c.duration(o['default_ttl'], `${f}.roles.${r}.default_ttl`);
        c.duration(o['max_ttl'], `${f}.roles.${r}.max_ttl`);
      }
      break;
    case 'pki':
      c.keys(m, ['type', 'common_name', 'roles'], f);
      for (const [r, role] of Object.entries(c.object(m['roles'], `${f}.roles`))) {
        const g = `${f}.roles.${r}`;
        const o = c.object(role, g);
        c.keys(o, ['allowed_domains', 'allow_subdomains', 'allow_bare_domains', 'allow_ip_sans', 'ttl', 'max_ttl', 'generate_lease'], g);
        c.strings(o['allowed_domains'], `${g}.allowed_domains`);
        for (const b of ['allow_subdomains', 'allow_bare_domains', 'allow_ip_sans', 'generate_lease']) c.bool(o[b], `${g}.${b}`);
        c.duration(o['ttl'], `${g}.ttl`);
        c.duration(o['max_ttl'], `${g}.max_ttl`);
      }
      break;
    default:
      c.fail(`${f}.type`, 'must be kv, database or pki');
  }
}

const TOKEN_ROLE_KEYS = ['token_policies', 'token_ttl', 'token_max_ttl', 'token_no_default_policy'];

function checkTokenRole(c: Checker, o: Obj, g: string): void {
  c.strings(o['token_policies'], `${g}.token_policies`);
  c.duration(o['token_ttl'], `${g}.token_ttl`);
  c.duration(o['token_max_ttl'], `${g}.token_max_ttl`);
  c.bool(o['token_no_default_policy'], `${g}.token_no_default_policy`);
}

function checkString(c: Checker, v: unknown, field: string): void {
  if (v !== undefined && typeof v !== 'string') c.fail(field, 'must be a string');
}

const ROLE_KEYS: Readonly<Record<string, readonly string[]>> = {
  kubernetes: ['bound_service_account_names', 'bound_service_account_namespaces', 'audience'],
  approle: ['role_id', 'bind_secret_id', 'secret_ids', 'secret_id_num_uses'],
  jwt: ['bound_audiences', 'bound_subject', 'user_claim'],
  aws: ['auth_type', 'bound_iam_principal_arn'],
  cert: ['certificate', 'allowed_common_names'],
  gcp: ['type', 'bound_projects', 'bound_zones', 'bound_service_accounts'],
  azure: ['bound_subscription_ids', 'bound_resource_groups'],
};
const MOUNT_KEYS: Readonly<Record<string, readonly string[]>> = {
  kubernetes: ['type', 'roles'], approle: ['type', 'roles'], jwt: ['type', 'roles', 'jwt_validation_pubkeys'],
  aws: ['type', 'roles', 'sts_endpoint', 'iam_server_id_header_value'],
  cert: ['type', 'roles'],
  gcp: ['type', 'roles', 'gce_identity_pubkeys'],
  azure: ['type', 'roles', 'resource', 'azure_identity_pubkeys'],
};

function checkAuth(c: Checker, name: string, raw: unknown): void {
  const f = `auth.${name}`;
  const m = c.object(raw, f);
  const type = typeof m['type'] === 'string' ? m['type'] : '';
  const roleKeys = ROLE_KEYS[type];
  if (roleKeys === undefined) {
    c.fail(`${f}.type`, 'must be kubernetes, approle, jwt, aws, cert, gcp or azure');
    return;
  }
  c.keys(m, MOUNT_KEYS[type] ?? [], f);
  c.strings(m['jwt_validation_pubkeys'], `${f}.jwt_validation_pubkeys`);
  c.strings(m['gce_identity_pubkeys'], `${f}.gce_identity_pubkeys`);
  c.strings(m['azure_identity_pubkeys'], `${f}.azure_identity_pubkeys`);
  if (type === 'azure' && typeof m['resource'] !== 'string') c.fail(`${f}.resource`, 'is required (a string)');
  checkString(c, m['sts_endpoint'], `${f}.sts_endpoint`);
  checkString(c, m['iam_server_id_header_value'], `${f}.iam_server_id_header_value`);
  for (const [r, role] of Object.entries(c.object(m['roles'], `${f}.roles`))) {
    const g = `${f}.roles.${r}`;
    const o = c.object(role, g);
    c.keys(o, [...roleKeys, ...TOKEN_ROLE_KEYS], g);
    const required = type === 'kubernetes' ? ['bound_service_account_names', 'bound_service_account_namespaces'] : type === 'aws' ? ['bound_iam_principal_arn'] : type === 'cert' ? ['certificate'] : [];
    for (const k of ['bound_service_account_names', 'bound_service_account_namespaces', 'secret_ids', 'bound_audiences', 'bound_iam_principal_arn', 'allowed_common_names', 'bound_projects', 'bound_zones', 'bound_service_accounts', 'bound_subscription_ids', 'bound_resource_groups']) {
      if (required.includes(k) && o[k] === undefined) c.fail(`${g}.${k}`, 'is required');
      c.strings(o[k], `${g}.${k}`);
    }
    checkTokenRole(c, o, g);
    if (type === 'cert' && o['certificate'] === undefined) c.fail(`${g}.certificate`, 'is required');
    for (const k of ['audience', 'role_id', 'bound_subject', 'user_claim', 'certificate']) checkString(c, o[k], `${g}.${k}`);
    c.bool(o['bind_secret_id'], `${g}.bind_secret_id`);
    if (o['secret_id_num_uses'] !== undefined && !(Number.isInteger(o['secret_id_num_uses']) && (o['secret_id_num_uses'] as number) >= 0)) c.fail(`${g}.secret_id_num_uses`, 'must be a non-negative integer');
    if (o['auth_type'] !== undefined && o['auth_type'] !== 'iam') c.fail(`${g}.auth_type`, 'must be iam');
    if (type === 'gcp' && o['type'] !== undefined && o['type'] !== 'gce') c.fail(`${g}.type`, 'must be gce');
  }
}

function checkPolicies(c: Checker, raw: unknown): void {
  for (const [name, policy] of Object.entries(c.object(raw, 'policies'))) {
    for (const [path, caps] of Object.entries(c.object(policy, `policies.${name}`))) {
      const f = `policies.${name}.${path}`;
      c.strings(caps, f);
      if (Array.isArray(caps)) {
        for (const cap of caps) if (!(CAPABILITIES as readonly unknown[]).includes(cap)) c.fail(f, `unknown capability ${JSON.stringify(cap)}`);
      }
    }
  }
}

/** Checks a parsed seed document and reports every problem at once. */
export function parseSeed(raw: unknown): VaultSeed {
  const c = new Checker();
  const top = c.object(raw ?? {}, 'seed');
  c.keys(top, ['root_token', 'policies', 'secrets', 'auth'], 'seed');
  if (top['root_token'] !== undefined && (typeof top['root_token'] !== 'string' || top['root_token'] === '')) c.fail('root_token', 'must be a non-empty string');
  checkPolicies(c, top['policies']);
  for (const [name, m] of Object.entries(c.object(top['secrets'], 'secrets'))) checkMount(c, name, m);
  for (const [name, m] of Object.entries(c.object(top['auth'], 'auth'))) checkAuth(c, name, m);
  if (c.problems.length > 0) throw new ConfigError(c.problems);
  return top;
}

/** A seed duration in whole seconds; `fallback` when absent or zero (Vault's "use the default"). */
export function seedSeconds(value: DurationValue | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const s = Math.floor(parseVaultDuration(value) / 1000);
  return s === 0 ? fallback : s;
}
