// (adapter) The serving certificate from files, reloaded without a restart. Kubernetes updates a
// mounted Secret by writing a new timestamped directory and atomically swapping the `..data`
// symlink, so the watch is on the DIRECTORY (a watch on the file would keep following the old
// inode). A slow poll backs the watcher up; contents are compared so only real changes count; a
// half-written or mismatched pair is ignored and the previous one keeps serving.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { watch, type FSWatcher } from 'chokidar';
import { AppError, toError } from '../../shared/errors.ts';
import { systemClock, type Clock, type TimerHandle } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { CertBundle, CertSource } from './cert-source.ts';

export class CertLoadError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('WHK_TLS_LOAD', message, options);
  }
}

export interface FileCertSourceOptions {
  readonly certFile: string;
  readonly keyFile: string;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Safety-net re-read interval. */
  readonly pollMs?: number;
  /** Quiet time after a filesystem event before re-reading (a swap is several events). */
  readonly settleMs?: number;
}

/** Reads and checks a pair; throws CertLoadError naming the file, never quoting its content. */
export async function readCertPair(certFile: string, keyFile: string): Promise<CertBundle> {
  // Both read at once; when both fail, the certificate's error is the one reported, whichever
  // read failed first (Promise.all would report the faster one, varying from run to run).
  const [cert, key] = await Promise.allSettled([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  if (cert.status === 'rejected' || key.status === 'rejected') {
    const err: unknown = cert.status === 'rejected' ? cert.reason : (key as PromiseRejectedResult).reason;
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new CertLoadError(`cannot read the TLS certificate or key file (${code})`, { cause: err });
  }
  const certPem = cert.value;
  const keyPem = key.value;
  try {
    // Parses both and checks that the key belongs to the certificate.
    createSecureContext({ cert: certPem, key: keyPem });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'invalid';
    throw new CertLoadError(`the TLS certificate and key are not a valid matching PEM pair (${code})`, { cause: err });
  }
  return { certPem, keyPem };
}

export function createFileCertSource(options: FileCertSourceOptions): CertSource {
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 5_000;
  const settleMs = options.settleMs ?? 100;
  const log = options.log.child({ component: 'file-cert-source' });
  const listeners: ((bundle: CertBundle) => void)[] = [];
  let current: CertBundle | undefined;
  let watcher: FSWatcher | undefined;
  let pollTimer: TimerHandle | undefined;
  let settleTimer: TimerHandle | undefined;
  let checking = false;
  let checkAgain = false;
  let stopped = false;
  let lastProblem = '';

  async function check(): Promise<void> {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        await checkOnce();
      } while (checkAgain && !stopped);
    } finally {
      checking = false;
    }
  }

  async function checkOnce(): Promise<void> {
    let next: CertBundle;
    try {
      next = await readCertPair(options.certFile, options.keyFile);
    } catch (err) {
      const problem = toError(err).message;
      if (problem !== lastProblem) log.warn({ code: (err as AppError).code, problem }, 'TLS pair not usable; keeping the current one');
      lastProblem = problem;
      return;
    }
    lastProblem = '';
    if (stopped || (current !== undefined && next.certPem === current.certPem && next.keyPem === current.keyPem)) return;
    current = next;
    log.info({ certFile: options.certFile }, 'TLS certificate reloaded');
    for (const listener of listeners) listener(next);
  }

  function scheduleCheck(delayMs: number): void {
    if (stopped) return;
    settleTimer?.cancel();
    settleTimer = clock.setTimer(delayMs, () => {
      void check();
    });
  }

  function schedulePoll(): void {
    if (stopped) return;
    pollTimer = clock.setTimer(pollMs, () => {
      if (stopped) return;
      void check().finally(schedulePoll);
    });
  }

  return {
    async start(): Promise<CertBundle> {
      current = await readCertPair(options.certFile, options.keyFile);
      const dirs = [...new Set([dirname(options.certFile), dirname(options.keyFile)])];
      watcher = watch(dirs, { depth: 0, ignoreInitial: true, followSymlinks: false });
      watcher.on('all', () => {
        scheduleCheck(settleMs);
      });
      watcher.on('error', (err) => {
        log.warn({ err: toError(err) }, 'certificate directory watch failed; polling continues');
      });
      schedulePoll();
      return current;
    },
    onChange(listener): void {
      listeners.push(listener);
    },
    async stop(): Promise<void> {
      stopped = true;
      pollTimer?.cancel();
      settleTimer?.cancel();
      await watcher?.close();
    },
  };
}
