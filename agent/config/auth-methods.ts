// Each auth method's `auto_auth.method.config` keys, with Vault Agent's names and defaults
// One reader per method; the caller adds the shared fields (mount path,
// namespace, backoff). Values from the environment are those the cloud SDKs read.
import { AGENT_AUTH_CONFIG_KEYS, INJECTOR_AUTH_CONFIG_KEYS } from '../../shared/agent-capabilities.ts';
import type {
  AppRoleAuthSettings,
  AuthCommonSettings,
  AuthMethodType,
  AuthSettings,
  AwsAuthSettings,
  AwsCredentialSource,
  AzureAuthSettings,
  CertAuthSettings,
  GcpAuthSettings,
  JwtAuthSettings,
  KubernetesAuthSettings,
  TokenFileAuthSettings,
} from './settings.ts';
import { DEFAULTS } from './settings.ts';
import { defaultStsEndpoint } from './aws-sts-endpoint.ts';
import { optional } from './flags.ts';
import type { Json, Problems } from './problems.ts';
import { trimTrailing } from '../../shared/string-ends.ts';

export type EnvLookup = (name: string) => string | undefined;

/** Config keys each method accepts (anything else is reported as an unknown key), from the capability table the webhook checks pods against. */
export const METHOD_CONFIG_KEYS: Readonly<Record<AuthMethodType, readonly string[]>> =
  AGENT_AUTH_CONFIG_KEYS;

interface Reader {
  readonly config: Json;
  readonly path: string;
  readonly problems: Problems;
  readonly env: EnvLookup;
}

/** A method's own settings: AuthSettings without the shared fields (kept per union member). */
export type MethodSettings<T extends AuthSettings = AuthSettings> = T extends unknown
  ? Omit<T, keyof AuthCommonSettings>
  : never;
type Parsed<T extends AuthSettings> = MethodSettings<T> | undefined;

function required(r: Reader, key: string, what: string): string | undefined {
  const value = r.problems.string(r.config[key], `${r.path}.${key}`, { nonEmpty: true });
  if (r.config[key] === undefined) r.problems.add(`${r.path}.${key}`, `is required for the ${what} method`);
  return value;
}

function filePath(r: Reader, key: string): string | undefined {
  return r.problems.absolutePath(r.config[key], `${r.path}.${key}`);
}

function kubernetes(r: Reader): Parsed<KubernetesAuthSettings> {
  const role = required(r, 'role', 'kubernetes');
  const tokenPath = r.problems.string(r.config['token_path'], `${r.path}.token_path`, { nonEmpty: true });
  return role === undefined ? undefined : { type: 'kubernetes', role, tokenPath: tokenPath ?? DEFAULTS.tokenPath };
}

function approle(r: Reader): Parsed<AppRoleAuthSettings> {
  const roleIdFilePath = filePath(r, 'role_id_file_path');
  if (r.config['role_id_file_path'] === undefined)
    r.problems.add(`${r.path}.role_id_file_path`, 'is required for the approle method');
  const secretIdFilePath = filePath(r, 'secret_id_file_path');
  const remove = r.problems.bool(
    r.config['remove_secret_id_file_after_reading'],
    `${r.path}.remove_secret_id_file_after_reading`,
  );
  const wrapping = r.problems.string(
    r.config['secret_id_response_wrapping_path'],
    `${r.path}.secret_id_response_wrapping_path`,
    { nonEmpty: true },
  );
  if (wrapping !== undefined && r.config['secret_id_file_path'] === undefined) {
    r.problems.add(
      `${r.path}.secret_id_response_wrapping_path`,
      'needs secret_id_file_path (the file holds the wrapping token)',
    );
  }
  if (roleIdFilePath === undefined) return undefined;
  return {
    type: 'approle',
    roleIdFilePath,
    removeSecretIdFileAfterReading: remove ?? true,
    ...optional('secretIdFilePath', secretIdFilePath),
    ...optional(
      'secretIdResponseWrappingPath',
      wrapping === undefined ? undefined : wrapping.replace(/^\/+|\/+$/g, ''),
    ),
  };
}

function jwt(r: Reader): Parsed<JwtAuthSettings> {
  const role = required(r, 'role', 'jwt');
  const path = filePath(r, 'path');
  if (r.config['path'] === undefined) r.problems.add(`${r.path}.path`, 'is required for the jwt method');
  const remove = r.problems.bool(r.config['remove_jwt_after_reading'], `${r.path}.remove_jwt_after_reading`);
  // Vault Agent polls the file every jwt_read_period; vaultlet reads it at each login instead, so
  // the key is checked and has no effect.
  r.problems.duration(r.config['jwt_read_period'], `${r.path}.jwt_read_period`, { positive: true });
  if (role === undefined || path === undefined) return undefined;
  return { type: 'jwt', role, path, removeJwtAfterReading: remove ?? true };
}

function tokenFile(r: Reader): Parsed<TokenFileAuthSettings> {
  const tokenFilePath = filePath(r, 'token_file_path');
  if (r.config['token_file_path'] === undefined)
    r.problems.add(`${r.path}.token_file_path`, 'is required for the token_file method');
  return tokenFilePath === undefined ? undefined : { type: 'token_file', tokenFilePath };
}

function cert(r: Reader): Parsed<CertAuthSettings> {
  const name = r.problems.string(r.config['name'], `${r.path}.name`, { nonEmpty: true });
  const caCertPath = filePath(r, 'ca_cert');
  const clientCertPath = filePath(r, 'client_cert');
  const clientKeyPath = filePath(r, 'client_key');
  if ((r.config['client_cert'] === undefined) !== (r.config['client_key'] === undefined)) {
    r.problems.add(
      `${r.path}.${r.config['client_cert'] === undefined ? 'client_cert' : 'client_key'}`,
      'is required when the other of client_cert and client_key is set',
    );
  }
  return {
    type: 'cert',
    ...optional('name', name),
    ...optional('caCertPath', caCertPath),
    ...optional('clientCertPath', clientCertPath),
    ...optional('clientKeyPath', clientKeyPath),
  };
}

function aws(r: Reader): Parsed<AwsAuthSettings> {
  const flavour = r.problems.string(r.config['type'], `${r.path}.type`, { nonEmpty: true }) ?? 'iam';
  if (flavour !== 'iam') r.problems.add(`${r.path}.type`, 'only "iam" is supported (the ec2 flavour is not)');
  const role = required(r, 'role', 'aws');
  // Vault Agent polls for changed credentials; vaultlet takes them at each login: checked, no effect.
  r.problems.duration(r.config['credential_poll_interval'], `${r.path}.credential_poll_interval`, { positive: true });
  const region =
    r.problems.string(r.config['region'], `${r.path}.region`, { nonEmpty: true }) ??
    r.env('AWS_REGION') ??
    r.env('AWS_DEFAULT_REGION') ??
    'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region))
    r.problems.add(`${r.path}.region`, 'must be an AWS region name such as "eu-west-1"');
  const headerValue = r.problems.string(r.config['header_value'], `${r.path}.header_value`, { nonEmpty: true });
  const credentials = awsCredentials(r);
  const sdkDefault = defaultStsEndpoint(region, r.env('AWS_STS_REGIONAL_ENDPOINTS') === 'regional');
  const endpoint = r.env('AWS_ENDPOINT_URL_STS') ?? r.env('AWS_ENDPOINT_URL') ?? sdkDefault;
  if (!/^https?:\/\/[^/?#]+\/?$/.test(endpoint))
    r.problems.add('AWS_ENDPOINT_URL_STS', 'must be a URL such as https://sts.eu-west-1.amazonaws.com');
  if (role === undefined || credentials === undefined) return undefined;
  return {
    type: 'aws',
    role,
    region,
    credentials,
    loginUrl: `${sdkDefault}/`,
    stsEndpoint: trimTrailing(endpoint, '/'),
    ...optional('headerValue', headerValue),
  };
}

/** The SDK's order: keys in the config, then AWS_ACCESS_KEY_ID/…, then IRSA's web identity. */
function awsCredentials(r: Reader): AwsCredentialSource | undefined {
  const accessKey = r.problems.string(r.config['access_key'], `${r.path}.access_key`, { nonEmpty: true });
  const secretKey = r.problems.string(r.config['secret_key'], `${r.path}.secret_key`, { nonEmpty: true });
  const sessionToken = r.problems.string(r.config['session_token'], `${r.path}.session_token`, { nonEmpty: true });
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    r.problems.add(
      `${r.path}.${accessKey === undefined ? 'access_key' : 'secret_key'}`,
      'is required when the other of access_key and secret_key is set',
    );
    return undefined;
  }
  if (accessKey !== undefined && secretKey !== undefined)
    return {
      kind: 'static',
      accessKeyId: accessKey,
      secretAccessKey: secretKey,
      ...optional('sessionToken', sessionToken),
    };
  const envKey = r.env('AWS_ACCESS_KEY_ID') ?? r.env('AWS_ACCESS_KEY');
  const envSecret = r.env('AWS_SECRET_ACCESS_KEY') ?? r.env('AWS_SECRET_KEY');
  if (envKey !== undefined && envSecret !== undefined) {
    return {
      kind: 'static',
      accessKeyId: envKey,
      secretAccessKey: envSecret,
      ...optional('sessionToken', r.env('AWS_SESSION_TOKEN')),
    };
  }
  const roleArn = r.env('AWS_ROLE_ARN');
  const tokenFilePath = r.env('AWS_WEB_IDENTITY_TOKEN_FILE');
  if (roleArn !== undefined && tokenFilePath !== undefined) {
    if (!tokenFilePath.startsWith('/'))
      return r.problems.add('AWS_WEB_IDENTITY_TOKEN_FILE', 'must be an absolute path');
    return {
      kind: 'web-identity',
      roleArn,
      tokenFilePath,
      sessionName: r.env('AWS_ROLE_SESSION_NAME') ?? 'vaultlet-agent',
    };
  }
  return r.problems.add(
    r.path,
    'no AWS credentials: set access_key and secret_key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE',
  );
}

function gcp(r: Reader): Parsed<GcpAuthSettings> {
  const flavour = r.problems.string(r.config['type'], `${r.path}.type`, { nonEmpty: true });
  if (r.config['type'] === undefined) r.problems.add(`${r.path}.type`, 'is required for the gcp method ("gce")');
  if (flavour !== undefined && flavour !== 'gce')
    r.problems.add(`${r.path}.type`, 'only "gce" is supported (the iam flavour is not)');
  const role = required(r, 'role', 'gcp');
  const serviceAccount =
    r.problems.string(r.config['service_account'], `${r.path}.service_account`, { nonEmpty: true }) ?? 'default';
  if (!/^[A-Za-z0-9@._-]{1,200}$/.test(serviceAccount))
    r.problems.add(`${r.path}.service_account`, 'must be "default" or a service account email');
  // The Go metadata client's GCE_METADATA_HOST: host or host:port, no scheme.
  const metadataHost = r.env('GCE_METADATA_HOST') ?? 'metadata.google.internal';
  if (!/^[A-Za-z0-9.-]{1,253}(?::\d{1,5})?$/.test(metadataHost))
    r.problems.add('GCE_METADATA_HOST', 'must be a host or host:port such as 169.254.169.254');
  if (role === undefined || flavour !== 'gce') return undefined;
  return { type: 'gcp', role, serviceAccount, metadataHost };
}

function azure(r: Reader): Parsed<AzureAuthSettings> {
  const role = required(r, 'role', 'azure');
  const resource = required(r, 'resource', 'azure');
  const objectId = r.problems.string(r.config['object_id'], `${r.path}.object_id`, { nonEmpty: true });
  const clientId = r.problems.string(r.config['client_id'], `${r.path}.client_id`, { nonEmpty: true });
  if (objectId !== undefined && clientId !== undefined)
    r.problems.add(`${r.path}.client_id`, 'must not be set together with object_id');
  // The Azure Identity SDKs' IMDS override (AAD Pod Identity): an http(s) base URL.
  const imdsUrl = trimTrailing(r.env('AZURE_POD_IDENTITY_AUTHORITY_HOST') ?? 'http://169.254.169.254', '/');
  if (!/^https?:\/\/[^/?#]+$/.test(imdsUrl))
    r.problems.add('AZURE_POD_IDENTITY_AUTHORITY_HOST', 'must be a URL such as http://169.254.169.254');
  if (role === undefined || resource === undefined) return undefined;
  return {
    type: 'azure',
    role,
    resource,
    imdsUrl,
    ...optional('objectId', objectId),
    ...optional('clientId', clientId),
  };
}

const READERS: Readonly<Record<AuthMethodType, (r: Reader) => Parsed<AuthSettings>>> = {
  kubernetes,
  approle,
  jwt,
  token_file: tokenFile,
  cert,
  aws,
  gcp,
  azure,
};

/** The method-specific settings of `type`, or undefined (with problems) when they are not usable. */
export function readMethodConfig(
  type: AuthMethodType,
  config: Json,
  path: string,
  problems: Problems,
  env: EnvLookup,
): Parsed<AuthSettings> {
  problems.knownKeys(config, path, [...METHOD_CONFIG_KEYS[type], ...INJECTOR_AUTH_CONFIG_KEYS]);
  return READERS[type]({ config, path, problems, env });
}
