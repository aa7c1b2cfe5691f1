// Tells the app to reload after its file changed, without shareProcessNamespace: an empty POST
// to a URL on the pod's loopback (template `reload_url`). The app may be busy or restarting, so
// failures are retried with jittered backoff; the result is logged and returned, never thrown.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import { backoffDelay, type BackoffPolicy, type Random } from '../../shared/backoff.ts';
import { sleep, type Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';

export interface ReloadOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  /** Retries after the first try (default 4). */
  readonly retries?: number;
  /** Deadline per try, for the whole exchange: connect, headers and body (default 5 s). */
  readonly timeoutMs?: number;
  readonly backoff?: BackoffPolicy;
}

export const RELOAD_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 500, maxMs: 10_000, multiplier: 2, jitter: 0.2, mode: 'spread' });

// require(), not import: an ESM import of node:http loads Node's bundled undici (~35 ms start-up).
const { request } = createRequire(import.meta.url)('node:http') as typeof Http;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

type TryResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly status?: number; readonly errorCode?: string };

/** POSTs to `url` until a 2xx answer or the retries run out; resolves whether it succeeded. */
export async function notifyReload(url: string, options: ReloadOptions): Promise<boolean> {
  const target = parseLoopbackUrl(url);
  const log = options.log.child({ component: 'reload', url: target === undefined ? '[invalid]' : `${target.origin}${target.pathname}` });
  if (target === undefined) {
    log.warn('reload url is not an http URL on the loopback; not called');
    return false;
  }
  const retries = options.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    const result = await postOnce(target, options.timeoutMs ?? 5000);
    if (result.ok) {
      log.info({ status: result.status, attempt }, 'app reload requested');
      return true;
    }
    const { status, errorCode } = result;
    if (attempt >= retries) {
      log.warn({ status, errorCode, attempts: attempt + 1 }, 'app reload failed; giving up');
      return false;
    }
    const delayMs = backoffDelay(options.backoff ?? RELOAD_BACKOFF, attempt, options.random);
    log.debug({ status, errorCode, attempt, delayMs }, 'app reload failed; retrying');
    await sleep(options.clock, delayMs);
  }
}

function parseLoopbackUrl(url: string): URL | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && LOOPBACK.test(u.hostname) && u.username === '' && u.password === '' ? u : undefined;
  } catch {
    return undefined;
  }
}

// A deadline on the whole try, not a socket idle timeout: an app answering one byte a second
// would otherwise hold the try (and the agent's shutdown) open indefinitely.
function postOnce(url: URL, timeoutMs: number): Promise<TryResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: TryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const req = request(url, { method: 'POST', headers: { 'content-length': '0' }, agent: false }, (res) => {
      res.resume(); // the body is not needed (and may be anything)
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        settle(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status });
      });
      res.once('error', () => { settle({ ok: false, errorCode: 'ERESPONSE' }); });
    });
    const deadline = setTimeout(() => {
      settle({ ok: false, errorCode: 'ETIMEDOUT' });
      req.destroy();
    }, timeoutMs);
    req.once('error', (err: NodeJS.ErrnoException) => { settle({ ok: false, errorCode: err.code ?? 'EREQUEST' }); });
    req.end();
  });
}
