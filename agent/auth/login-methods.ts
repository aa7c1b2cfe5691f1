// Which LoginMethod serves each `auto_auth.method.type`. The table is typed over every supported
// type, so a type the config accepts cannot lack a login implementation. Only Kubernetes (the
// injector's default) is loaded at start; the others load on their first login, so an agent does
// not pay at start-up for methods it does not use (all of them together: ~8 ms).
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuthMethodType, AuthSettings } from '../config/settings.ts';
import type { VaultClient } from '../vault/client.ts';
import type { CloudHttp } from './cloud-http.ts';
import type { CredentialFiles } from './credential-files.ts';
import type { LoginMethod } from './login-method.ts';
import { kubernetesMethod } from './methods/kubernetes.ts';

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

/** A method whose module is imported on its first login; its label is known once loaded. */
function deferred(fallbackLabel: string, load: () => Promise<LoginMethod>): LoginMethod {
  let loaded: LoginMethod | undefined;
  return {
    get label() {
      return loaded?.label ?? fallbackLabel;
    },
    async login() {
      loaded ??= await load();
      return loaded.login();
    },
  };
}

export const LOGIN_METHODS: Factories = {
  kubernetes: (s, d) => kubernetesMethod(s, d.files),
  approle: (s, d) => deferred(s.mountPath, async () => (await import('./methods/approle.ts')).appRoleMethod(s, d)),
  jwt: (s, d) => deferred(s.mountPath, async () => (await import('./methods/jwt.ts')).jwtMethod(s, d.files, d.log)),
  token_file: (s, d) =>
    deferred(s.mountPath, async () => (await import('./methods/token-file.ts')).tokenFileMethod(s, d.files, d.log)),
  cert: (s) => deferred(s.mountPath, async () => (await import('./methods/cert.ts')).certMethod(s)),
  aws: (s, d) =>
    deferred(s.mountPath, async () =>
      (await import('./methods/aws-iam.ts')).awsIamMethod(s, { http: d.cloud, files: d.files, clock: d.clock }),
    ),
  gcp: (s, d) => deferred(s.mountPath, async () => (await import('./methods/gcp-gce.ts')).gcpGceMethod(s, d.cloud)),
  azure: (s, d) => deferred(s.mountPath, async () => (await import('./methods/azure.ts')).azureMethod(s, d.cloud)),
};

export function createLoginMethod(settings: AuthSettings, deps: LoginMethodDeps): LoginMethod {
  const factory = LOGIN_METHODS[settings.type] as (s: AuthSettings, d: LoginMethodDeps) => LoginMethod;
  return factory(settings, deps);
}
