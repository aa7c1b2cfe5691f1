// Which LoginMethod serves each `auto_auth.method.type`. The table is typed over every supported
// type, so a type the config accepts cannot lack a login implementation.
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuthMethodType, AuthSettings } from '../config/settings.ts';
import type { VaultClient } from '../vault/client.ts';
import type { CloudHttp } from './cloud-http.ts';
import type { CredentialFiles } from './credential-files.ts';
import type { LoginMethod } from './login-method.ts';
import { appRoleMethod } from './methods/approle.ts';
import { awsIamMethod } from './methods/aws-iam.ts';
import { azureMethod } from './methods/azure.ts';
import { certMethod } from './methods/cert.ts';
import { gcpGceMethod } from './methods/gcp-gce.ts';
import { jwtMethod } from './methods/jwt.ts';
import { kubernetesMethod } from './methods/kubernetes.ts';
import { tokenFileMethod } from './methods/token-file.ts';

export interface LoginMethodDeps {
  readonly files: CredentialFiles;
  /** The agent's Vault client (AppRole unwraps a wrapped secret ID with it). */
  readonly client: VaultClient;
  readonly cloud: CloudHttp;
  readonly clock: Clock;
  readonly log: Logger;
}

type Factories = {
  readonly [K in AuthMethodType]: (settings: Extract<AuthSettings, { type: K }>, deps: LoginMethodDeps) => LoginMethod;
};

export const LOGIN_METHODS: Factories = {
  kubernetes: (s, d) => kubernetesMethod(s, d.files),
  approle: (s, d) => appRoleMethod(s, d),
  jwt: (s, d) => jwtMethod(s, d.files, d.log),
  token_file: (s, d) => tokenFileMethod(s, d.files, d.log),
  cert: (s) => certMethod(s),
  aws: (s, d) => awsIamMethod(s, { http: d.cloud, files: d.files, clock: d.clock }),
  gcp: (s, d) => gcpGceMethod(s, d.cloud),
  azure: (s, d) => azureMethod(s, d.cloud),
};

export function createLoginMethod(settings: AuthSettings, deps: LoginMethodDeps): LoginMethod {
  const factory = LOGIN_METHODS[settings.type] as (s: AuthSettings, d: LoginMethodDeps) => LoginMethod;
  return factory(settings, deps);
}
