// Runs a template's `command` after its file changed, as consul-template's CommandPrep does: a
// single string (or a one-element list) with more than one word runs through `sh -c`, so shell
// syntax such as `kill -HUP $(pidof nginx)` works (the agent image ships a static /bin/sh for
// this); a single word or a longer list is exec'd directly (no shell).
// A timeout kills the whole process group. Failures are logged and returned, never thrown: a
// failing reload command must not stop the agent. Output is discarded, never logged: commands
// may print the secrets they just received.
import { childProcess } from '../lazy-builtins.ts';
import type { Logger } from '../../shared/logger.ts';

export interface CommandOptions {
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Environment of the child; default: the agent's own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Grace between SIGTERM and SIGKILL after a timeout (default 2 s). */
  readonly killGraceMs?: number;
}

export interface CommandResult {
  readonly ok: boolean;
  /** Exit status; null when the command could not start or was killed by a signal. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
}

const SHELL = '/bin/sh';

/** argv to exec: `sh -c` for one string of several words, the word itself, or the list. */
export function commandArgv(command: string | readonly string[]): readonly string[] {
  const list = typeof command === 'string' ? [command] : command;
  if (list.length !== 1) return list;
  const trimmed = (list[0] ?? '').trim();
  return /\s/.test(trimmed) ? [SHELL, '-c', trimmed] : [trimmed];
}


export function runCommand(command: string | readonly string[], options: CommandOptions): Promise<CommandResult> {
  const argv = commandArgv(command);
  const program = argv[0] ?? '';
  // The program name is logged (not its arguments, which may carry secrets).
  const log = options.log.child({ component: 'command', program: (typeof command === 'string' || command.length === 1) && argv.length === 3 ? 'sh -c' : program });
  const started = performance.now();
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const child = childProcess().spawn(program, argv.slice(1), {
      stdio: 'ignore',
      detached: true, // own process group, so a timeout kills the command's children too
      ...(options.env === undefined ? {} : { env: { ...options.env } }),
    });
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => { killGroup('SIGKILL'); }, options.killGraceMs ?? 2000);
    }, options.timeoutMs);
    const finish = (exitCode: number | null, signal: string | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (timedOut) killGroup('SIGKILL'); // leftovers of the group
      const durationMs = Math.round(performance.now() - started);
      const ok = exitCode === 0 && !timedOut;
      if (ok) log.debug({ exitCode, durationMs }, 'command succeeded');
      else if (timedOut) log.warn({ timeoutMs: options.timeoutMs, durationMs }, 'command timed out and was killed');
      else log.warn({ exitCode, signal, durationMs, ...(spawnError === undefined ? {} : { errorCode: spawnError }) }, 'command failed');
      resolve({ ok, exitCode, timedOut });
    };
    child.once('error', (err: NodeJS.ErrnoException) => { finish(null, null, err.code ?? 'spawn failed'); });
    child.once('exit', (code, signal) => { finish(code, signal); });
  });
}
