// AppRole auth: role ID and secret ID from files (the vault-k8s AppRole example). The role ID is
// re-read on every login; the secret ID file is deleted once read (remove_secret_id_file_after_reading,
// default true) and the ID kept in memory. With secret_id_response_wrapping_path the file holds a
// response-wrapping token: its creation path is checked with sys/wrapping/lookup before it is
// unwrapped, so a token wrapping something else (a man in the middle's secret ID) is refused.
import type { Logger } from '../../../shared/logger.ts';
import type { AppRoleAuthSettings } from '../../config/settings.ts';
import { AuthError } from '../../errors.ts';
import type { VaultClient } from '../../vault/client.ts';
import { isRecord } from '../../vault/client.ts';
import type { CredentialFiles } from '../credential-files.ts';
import type { LoginMethod } from '../login-method.ts';
import { RememberedFile } from './remembered-file.ts';

export interface AppRoleDeps {
  readonly files: CredentialFiles;
  readonly client: VaultClient;
  readonly log: Logger;
}

export function appRoleMethod(settings: AppRoleAuthSettings, deps: AppRoleDeps): LoginMethod {
  const roleIdFile = new RememberedFile({
    path: settings.roleIdFilePath,
    files: deps.files,
    removeAfterReading: false,
    log: deps.log,
  });
  let secretId = '';
  return {
    label: settings.mountPath,
    async login() {
      const roleId = roleIdFile.read();
      if (roleId === '')
        throw new AuthError(
          `no role ID: ${settings.roleIdFilePath} is missing or empty and no role ID was read from it before`,
        );
      const path = settings.secretIdFilePath;
      if (path !== undefined) {
        const text = deps.files.read(path)?.trim();
        if (text !== undefined && text !== '') {
          secretId =
            settings.secretIdResponseWrappingPath === undefined
              ? text
              : await unwrapSecretId(deps.client, text, settings.secretIdResponseWrappingPath);
          if (settings.removeSecretIdFileAfterReading) removeQuietly(deps, path);
        }
        if (secretId === '')
          throw new AuthError(`no secret ID: ${path} is missing or empty and no secret ID was read from it before`);
      }
      return { kind: 'login', path: `${settings.mountPath}/login`, body: { role_id: roleId, secret_id: secretId } };
    },
  };
}

async function unwrapSecretId(client: VaultClient, wrappingToken: string, expectedPath: string): Promise<string> {
  const { creationPath } = await client.wrappingLookup(wrappingToken);
  if (creationPath.replace(/^\/+|\/+$/g, '') !== expectedPath) {
    throw new AuthError(
      `the wrapped secret ID was created at ${JSON.stringify(creationPath.slice(0, 200))}, not at secret_id_response_wrapping_path ${JSON.stringify(expectedPath)}`,
    );
  }
  const unwrapped = await client.write(wrappingToken, 'sys/wrapping/unwrap', {});
  const secretId = isRecord(unwrapped.data) ? unwrapped.data['secret_id'] : undefined;
  if (typeof secretId !== 'string' || secretId === '')
    throw new AuthError('the unwrapped response has no data.secret_id');
  return secretId;
}

function removeQuietly(deps: AppRoleDeps, path: string): void {
  try {
    deps.files.remove(path);
  } catch (err) {
    // As Vault Agent: the secret ID was read; failing to delete the file does not stop the login.
    deps.log.error(
      { event: 'credential-remove-failed', path, err: { message: (err as Error).message } },
      'could not remove a credential file after reading it',
    );
  }
}
