// token_file: a Vault token from a file, validated with lookup-self. Vault Agent reads the file
// once and keeps the token; vaultlet also picks up a new token written to the file later, so a
// replaced token does not need an agent restart. The file is never deleted.
import type { Logger } from '../../../shared/logger.ts';
import type { TokenFileAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import type { CredentialFiles } from '../credential-files.ts';
import { loginFrom, type LoginMethod } from '../login-method.ts';
import { RememberedFile } from './remembered-file.ts';

export function tokenFileMethod(settings: TokenFileAuthSettings, files: CredentialFiles, log: Logger): LoginMethod {
  const file = new RememberedFile({ path: settings.tokenFilePath, files, removeAfterReading: false, log });
  return {
    label: `token_file ${settings.tokenFilePath}`,
    login: () =>
      loginFrom(() => {
        const token = file.read();
        if (token === '') throw new AuthError(`no token: ${settings.tokenFilePath} is missing or empty`);
        return { kind: 'token', token };
      }),
  };
}
