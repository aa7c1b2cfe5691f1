// A credential read from a file that may be deleted after reading (Vault Agent's
// remove_*_after_reading) or rotated: the newest non-empty content wins, and the last one read is
// remembered for the logins after the file is gone.
import type { Logger } from '../../../shared/logger.ts';
import { toError } from '../../../shared/errors.ts';
import type { CredentialFiles } from '../credential-files.ts';

export class RememberedFile {
  readonly path: string;
  readonly #files: CredentialFiles;
  readonly #remove: boolean;
  readonly #log: Logger;
  #value = '';

  constructor(init: { path: string; files: CredentialFiles; removeAfterReading: boolean; log: Logger }) {
    this.path = init.path;
    this.#files = init.files;
    this.#remove = init.removeAfterReading;
    this.#log = init.log;
  }

  /** The file's trimmed content when it has some, else what it held last; '' when never read. */
  read(): string {
    const text = this.#files.read(this.path)?.trim();
    if (text === undefined || text === '') return this.#value;
    this.#value = text;
    if (this.#remove) {
      try {
        this.#files.remove(this.path);
      } catch (err) {
        // Vault Agent logs this and goes on: the credential was read, the login can proceed.
        this.#log.error(
          { event: 'credential-remove-failed', path: this.path, err: { message: toError(err).message } },
          'could not remove a credential file after reading it',
        );
      }
    }
    return text;
  }
}
