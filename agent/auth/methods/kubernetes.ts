// Kubernetes auth: the service-account JWT, read and trimmed on every login
// because projected tokens rotate, sent with the role.
import type { KubernetesAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import type { CredentialFiles } from '../credential-files.ts';
import { loginFrom, type LoginMethod } from '../login-method.ts';

export function kubernetesMethod(settings: KubernetesAuthSettings, files: CredentialFiles): LoginMethod {
  return {
    label: `${settings.mountPath} as role "${settings.role}"`,
    login: () =>
      loginFrom(() => {
        const text = files.read(settings.tokenPath);
        if (text === undefined)
          throw new AuthError(`cannot read the service-account token file ${settings.tokenPath} (it does not exist)`);
        const jwt = text.trim();
        if (jwt === '') throw new AuthError(`the service-account token file ${settings.tokenPath} is empty`);
        return { kind: 'login', path: `${settings.mountPath}/login`, body: { jwt, role: settings.role } };
      }),
  };
}
