// TLS certificate auth: the login request carries only the role `name`; the proof is the client
// certificate on the TLS connection, which the login client (built by the entry point from the
// method's client_cert/client_key, else the vault stanza's) presents.
import type { CertAuthSettings } from '../../config/settings.ts';
import { loginFrom, type LoginMethod } from '../login-method.ts';

export function certMethod(settings: CertAuthSettings): LoginMethod {
  return {
    label: settings.name === undefined ? settings.mountPath : `${settings.mountPath} as role "${settings.name}"`,
    login: () =>
      loginFrom(() => {
        return { kind: 'login', path: `${settings.mountPath}/login`, body: { name: settings.name ?? '' } };
      }),
  };
}
