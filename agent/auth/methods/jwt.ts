// JWT/OIDC auth: a JWT from a file (a projected token, a CI identity token), read on every login,
// deleted after reading unless remove_jwt_after_reading is false; the last one read is kept for
// the logins after it is gone.
import type { Logger } from '../../../shared/logger.ts';
import type { JwtAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import type { CredentialFiles } from '../credential-files.ts';
import { loginFrom, type LoginMethod } from '../login-method.ts';
import { RememberedFile } from './remembered-file.ts';

export function jwtMethod(settings: JwtAuthSettings, files: CredentialFiles, log: Logger): LoginMethod {
  const file = new RememberedFile({
    path: settings.path,
    files,
    removeAfterReading: settings.removeJwtAfterReading,
    log,
  });
  return {
    label: `${settings.mountPath} as role "${settings.role}"`,
    login: () =>
      loginFrom(() => {
        const jwt = file.read();
        if (jwt === '')
          throw new AuthError(`no JWT: ${settings.path} is missing or empty and no JWT was read from it before`);
        return { kind: 'login', path: `${settings.mountPath}/login`, body: { jwt, role: settings.role } };
      }),
  };
}
