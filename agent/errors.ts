// Agent error catalogue (AGT_*). Messages name the Vault path, the status and Vault's own error
// text; they never carry a token, a JWT, a secret value or rendered content.
import { AppError } from '../shared/errors.ts';

/** A Vault call that failed: HTTP status (0 = no response), the path, whether retrying can help. */
export class VaultError extends AppError {
  readonly status: number;
  readonly path: string;
  readonly retryable: boolean;
  /** Vault's `errors` strings (server messages, e.g. "permission denied"); bounded in size. */
  readonly vaultErrors: readonly string[];
  constructor(init: { status: number; path: string; retryable: boolean; vaultErrors?: readonly string[]; detail?: string }, options?: ErrorOptions) {
    const errs = (init.vaultErrors ?? []).map((e) => e.replace(/\s+/g, ' ').trim().slice(0, 200)).slice(0, 5);
    const what = init.status === 0 ? `no response (${init.detail ?? 'connection failed'})` : `status ${init.status}`;
    const tail = errs.length > 0 ? `: ${errs.join('; ')}` : init.detail !== undefined && init.status !== 0 ? `: ${init.detail}` : '';
    super('AGT_VAULT', `vault ${init.path}: ${what}${tail}`, options);
    this.status = init.status;
    this.path = init.path;
    this.retryable = init.retryable;
    this.vaultErrors = Object.freeze(errs);
  }

  /** 403 carrying "invalid token": the token is revoked or expired; log in again (self-healing). */
  get invalidToken(): boolean {
    return this.status === 403 && this.vaultErrors.some((e) => e.includes('invalid token'));
  }
}

/** Login failed (bad role, SA not bound, unreadable JWT file, ...). */
export class AuthError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('AGT_AUTH', message, options);
  }
}

/** A template could not be rendered or fetched within the retry budget. */
export class FetchFailedError extends AppError {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super('AGT_FETCH', message, options);
    this.path = path;
  }
}

/** The response from Vault did not have the shape the agent needs. */
export class VaultShapeError extends AppError {
  constructor(path: string, detail: string) {
    super('AGT_VAULT_SHAPE', `vault ${path}: unexpected response (${detail})`);
  }
}
