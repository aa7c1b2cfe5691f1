// The agent's resolved, validated, deep-frozen settings: what every other agent module reads
// instead of the raw Vault Agent JSON config or the environment. Defaults follow Vault Agent
// every duration is in milliseconds.
import type { AgentConfig, TemplateEngineName } from '../../shared/agent-config.ts';
import type { ProxySettings } from './listener.ts';

export const AGENT_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type AgentLogLevel = (typeof AGENT_LOG_LEVELS)[number];

export const AGENT_LOG_FORMATS = ['standard', 'json'] as const;
export type AgentLogFormat = (typeof AGENT_LOG_FORMATS)[number];

/** Vault Agent's subsystem names in `disable_idle_connections` / `disable_keep_alives`. */
export const AGENT_SUBSYSTEMS = ['auto-auth', 'caching', 'proxying', 'templating'] as const;
export type AgentSubsystem = (typeof AGENT_SUBSYSTEMS)[number];

/** Auth methods this agent implements. Others are rejected with "not supported yet". */
export const SUPPORTED_AUTH_METHODS = [
  'kubernetes',
  'approle',
  'jwt',
  'token_file',
  'cert',
  'aws',
  'gcp',
  'azure',
] as const;
export type AuthMethodType = (typeof SUPPORTED_AUTH_METHODS)[number];

export interface VaultConnectionSettings {
  /** Base URL, e.g. `https://vault.vault.svc:8200` (no trailing slash). */
  readonly address: string;
  /** CA bundle file (`ca_cert` / VAULT_CACERT); re-read by the client, not cached here. */
  readonly caCertPath?: string;
  /** CA bundle PEM text from VAULT_CACERT_BYTES (PEM or base64 of PEM). */
  readonly caCertPem?: string;
  /** Directory of CA files (`ca_path` / VAULT_CAPATH). */
  readonly caPath?: string;
  readonly clientCertPath?: string;
  readonly clientKeyPath?: string;
  readonly skipVerify: boolean;
  readonly tlsServerName?: string;
  /** Namespace for every request except login (VAULT_NAMESPACE overrides `vault.namespace`). */
  readonly namespace?: string;
  /** HTTPS_PROXY / https_proxy. */
  readonly proxyUrl?: string;
  /** Template fetch retries: `num_retries` / VAULT_MAX_RETRIES, 0 → 12, −1 → 0. */
  readonly numRetries: number;
  /** Per-request timeout, VAULT_CLIENT_TIMEOUT (default 60 s). */
  readonly timeoutMs: number;
}

/** What every auth method shares: where it logs in and how it retries. */
export interface AuthCommonSettings {
  /** Without leading or trailing `/`; login goes to `/v1/<mountPath>/login`. Default `auth/<type>`. */
  readonly mountPath: string;
  /** Namespace for the login (method `namespace` < VAULT_NAMESPACE). */
  readonly namespace?: string;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly exitOnErr: boolean;
}

export interface KubernetesAuthSettings extends AuthCommonSettings {
  readonly type: 'kubernetes';
  readonly role: string;
  /** Service-account JWT file, re-read on every login. */
  readonly tokenPath: string;
}

export interface AppRoleAuthSettings extends AuthCommonSettings {
  readonly type: 'approle';
  readonly roleIdFilePath: string;
  /** Absent when the role does not bind a secret ID. */
  readonly secretIdFilePath?: string;
  /** Default true: the secret ID file is deleted once read (the ID is kept in memory). */
  readonly removeSecretIdFileAfterReading: boolean;
  /** The file holds a response-wrapping token whose creation path must be this. */
  readonly secretIdResponseWrappingPath?: string;
}

export interface JwtAuthSettings extends AuthCommonSettings {
  readonly type: 'jwt';
  readonly role: string;
  /** The JWT file, read on every login. */
  readonly path: string;
  /** Default true: the JWT file is deleted once read (the JWT is kept in memory). */
  readonly removeJwtAfterReading: boolean;
}

export interface TokenFileAuthSettings extends AuthCommonSettings {
  readonly type: 'token_file';
  readonly tokenFilePath: string;
}

export interface CertAuthSettings extends AuthCommonSettings {
  readonly type: 'cert';
  /** The cert role to log in with (`name`); absent: Vault tries every role. */
  readonly name?: string;
  /** TLS files for the login connection; absent ones fall back to the `vault` stanza's. */
  readonly caCertPath?: string;
  readonly clientCertPath?: string;
  readonly clientKeyPath?: string;
}

/** Where the AWS credentials come from, resolved from the environment the SDKs read. */
export type AwsCredentialSource =
  | {
      readonly kind: 'static';
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    }
  /** IRSA: AssumeRoleWithWebIdentity with the (re-read) token file. */
  | {
      readonly kind: 'web-identity';
      readonly roleArn: string;
      readonly tokenFilePath: string;
      readonly sessionName: string;
    };

export interface AwsAuthSettings extends AuthCommonSettings {
  readonly type: 'aws';
  readonly role: string;
  /** Signing region of the GetCallerIdentity request (`region`, default us-east-1). */
  readonly region: string;
  /** `header_value`: sent (and signed) as X-Vault-AWS-IAM-Server-ID. */
  readonly headerValue?: string;
  readonly credentials: AwsCredentialSource;
  /** The URL the GetCallerIdentity login request is signed for (aws-sts-endpoint.ts). */
  readonly loginUrl: string;
  /** STS endpoint for AssumeRoleWithWebIdentity (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, else the SDK's default). */
  readonly stsEndpoint: string;
}

export interface GcpAuthSettings extends AuthCommonSettings {
  readonly type: 'gcp';
  readonly role: string;
  /** The instance's service account whose identity token is asked for (`service_account`, default `default`). */
  readonly serviceAccount: string;
  /** Metadata server `host[:port]`: GCE_METADATA_HOST, else metadata.google.internal. */
  readonly metadataHost: string;
}

export interface AzureAuthSettings extends AuthCommonSettings {
  readonly type: 'azure';
  readonly role: string;
  /** The audience of the managed identity token (`resource`), e.g. https://management.azure.com/. */
  readonly resource: string;
  /** A user-assigned identity, by object or client ID (at most one). */
  readonly objectId?: string;
  readonly clientId?: string;
  /** IMDS base URL: AZURE_POD_IDENTITY_AUTHORITY_HOST, else http://169.254.169.254. */
  readonly imdsUrl: string;
}

export type AuthSettings =
  | KubernetesAuthSettings
  | AppRoleAuthSettings
  | JwtAuthSettings
  | TokenFileAuthSettings
  | CertAuthSettings
  | AwsAuthSettings
  | GcpAuthSettings
  | AzureAuthSettings;

export interface SinkSettings {
  readonly path: string;
  /** File mode, default 0o640. */
  readonly mode: number;
}

export interface TemplateSettings {
  /** Position in the merged `template` list (for messages: `template[2]`). */
  readonly index: number;
  /** Absolute, cleaned destination path. */
  readonly destination: string;
  /** Directories the destination must stay under (sandbox.ts); see AgentSettings.destinationRoots. */
  readonly destinationRoots: readonly string[];
  /** Exactly one of `contents` and `source` is set. */
  readonly contents?: string;
  readonly source?: string;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  /** Octal mode from `perms`; undefined keeps the existing file's mode (else 0o644). */
  readonly perms?: number;
  /** A single string (via `sh -c` when it has spaces) or an argv list. */
  readonly command?: string | readonly string[];
  readonly commandTimeoutMs: number;
  readonly errorOnMissingKey: boolean;
  readonly engine: TemplateEngineName;
  /** Loopback http URL POSTed after the file changed. */
  readonly reloadUrl?: string;
  readonly createDestDirs: boolean;
  /** `sandbox_path`: `file` reads and `writeToFile` writes must resolve inside it. */
  readonly sandboxPath?: string;
  /** `function_denylist` (or `function_blacklist`): functions whose calls fail the render. */
  readonly functionDenylist?: readonly string[];
}

export interface TemplateConfigSettings {
  readonly exitOnRetryFailure: boolean;
  readonly staticSecretRenderIntervalMs: number;
  readonly leaseRenewalThreshold: number;
  readonly maxConnectionsPerHost: number;
  /** Template fetch retry backoff: 250 ms doubling to 1 m, or the auth min/max_backoff when set. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

export interface AgentSettings {
  /** The merged, validated config as given (before defaults and env overrides). */
  readonly config: AgentConfig;
  readonly vault: VaultConnectionSettings;
  readonly auth: AuthSettings;
  readonly sinks: readonly SinkSettings[];
  readonly templates: readonly TemplateSettings[];
  readonly templateConfig: TemplateConfigSettings;
  readonly exitAfterAuth: boolean;
  readonly pidFile?: string;
  /** vaultlet: agent-only directory shared by init container and sidecar. */
  readonly stateDir?: string;
  /** vaultlet: marker written after the first complete render. */
  readonly readyFile?: string;
  readonly revokeOnShutdown: boolean;
  /**
   * vaultlet `destination_roots` (the secret volume mount paths, set by the webhook). Empty when
   * not configured: writes then walk from `/` and refuse any symlinked directory on the path
   * (output/atomic-write.ts).
   */
  readonly destinationRoots: readonly string[];
  readonly logLevel: AgentLogLevel;
  readonly logFormat: AgentLogFormat;
  readonly disableIdleConnections: readonly AgentSubsystem[];
  readonly disableKeepAlives: readonly AgentSubsystem[];
  /** Listeners, API proxy, lease cache, agent API, telemetry; absent without listener and cache. */
  readonly proxy?: ProxySettings;
}

export const DEFAULTS = Object.freeze({
  vaultAddress: 'https://127.0.0.1:8200',
  numRetries: 12,
  clientTimeoutMs: 60_000,
  tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  minBackoffMs: 1_000,
  maxBackoffMs: 300_000,
  sinkMode: 0o640,
  commandTimeoutMs: 30_000,
  staticSecretRenderIntervalMs: 300_000,
  leaseRenewalThreshold: 0.9,
  maxConnectionsPerHost: 10,
  templateRetryInitialMs: 250,
  templateRetryMaxMs: 60_000,
  delimiters: ['{{', '}}'] as const,
});
