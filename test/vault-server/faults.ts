// Fault injection: sealing, failing the next N requests with a given status, slowness, mass token
// revocation. Driven from tests through `server.faults`, or over HTTP under /_test/ (control.ts).
import { errors, sealed } from './responses.ts';
import type { VaultResponse } from './http-types.ts';
import type { ServerStatus } from './sys/status.ts';

export interface VaultFaults {
  seal(): void;
  unseal(): void;
  /** The next `count` requests (sys/health excepted) answer `status` (default 500). */
  failNext(count: number, status?: number): void;
  /** Delay before every /v1 answer, in real milliseconds. */
  setLatency(ms: number): void;
  /** Revokes every token except the root token, and with them their leases. */
  revokeAllTokens(): void;
  /** sys/health reports an unsealed standby (429). */
  setStandby(standby: boolean): void;
  /** Unseals, clears pending failures, latency and standby. Tokens and data are kept. */
  reset(): void;
}

export class FaultState implements VaultFaults {
  readonly #status: ServerStatus;
  readonly #revokeAll: () => void;
  #failRemaining = 0;
  #failStatus = 500;
  latencyMs = 0;

  constructor(status: ServerStatus, revokeAll: () => void) {
    this.#status = status;
    this.#revokeAll = revokeAll;
  }

  seal(): void {
    this.#status.sealed = true;
  }

  unseal(): void {
    this.#status.sealed = false;
  }

  failNext(count: number, status = 500): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('failNext: count must be a non-negative integer');
    if (!Number.isInteger(status) || status < 300 || status > 599) throw new RangeError('failNext: status must be 300-599');
    this.#failRemaining = count;
    this.#failStatus = status;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('setLatency: ms must be >= 0');
    this.latencyMs = ms;
  }

  revokeAllTokens(): void {
    this.#revokeAll();
  }

  setStandby(standby: boolean): void {
    this.#status.standby = standby;
  }

  reset(): void {
    this.#status.sealed = false;
    this.#status.standby = false;
    this.#failRemaining = 0;
    this.#failStatus = 500;
    this.latencyMs = 0;
  }

  /** Consumes one pending failure, if any, and returns the answer to give instead. */
  takeFailure(path: string, url: string): VaultResponse | undefined {
    if (this.#failRemaining === 0) return undefined;
    this.#failRemaining -= 1;
    return faultResponse(this.#failStatus, path, url);
  }
}

/** What Vault sends with each status. */
export function faultResponse(status: number, path: string, url: string): VaultResponse {
  switch (status) {
    case 307: return { status, body: '', headers: { location: url } };
    case 412: return errors(412, ['required index state not present']);
    case 429: return errors(429, [`request path ${JSON.stringify(path)}: rate limit quota exceeded`], { 'retry-after': '1' });
    case 500: return errors(500, ['internal error']);
    case 502: return errors(502, ['upstream connection error']);
    case 503: return sealed;
    default: return errors(status, [`injected fault (${status})`]);
  }
}
