import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import { commandArgv, runCommand } from './command-runner.ts';

const SENTINEL = 'SENTINEL-cmd-4be2';

/** Alive = /proc entry present and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

describe('commandArgv', () => {
  it.each<[string | string[], string[]]>([
    ['pkill -HUP app', ['/bin/sh', '-c', 'pkill -HUP app']],
    ['  /usr/bin/reload  ', ['/usr/bin/reload']],
    [['kill', '-HUP', '1'], ['kill', '-HUP', '1']],
    [['/bin/echo', 'a b; rm -rf /'], ['/bin/echo', 'a b; rm -rf /']],
    // consul-template's CommandPrep: a one-element list of several words also goes through sh.
    [['kill -HUP $(pidof nginx)'], ['/bin/sh', '-c', 'kill -HUP $(pidof nginx)']],
    [['/usr/bin/reload'], ['/usr/bin/reload']],
  ])('%j → %j', (command, argv) => {
    expect(commandArgv(command)).toEqual(argv);
  });
});

describe('runCommand', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaultlet-cmd-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs vault-k8s style `kill -HUP $(cat pidfile)` commands, as a string or a one-element list', async () => {
    const marker = join(dir, 'hup');
    const pidFile = join(dir, 'app.pid');
    // The "app": appends a line for every SIGHUP it gets.
    const app = spawn('/bin/sh', ['-c', `trap 'echo reloaded >> ${marker}' HUP; echo $$ > ${pidFile}; while :; do sleep 0.05; done`], { stdio: 'ignore' });
    const reloads = (): number => (existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter((l) => l !== '').length : 0);
    try {
      expect(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'))).toBe(true);
      const { log } = createLogSink();
      const command = `kill -HUP $(cat ${pidFile})`;
      expect(await runCommand(command, { timeoutMs: 10_000, log })).toEqual({ ok: true, exitCode: 0, timedOut: false });
      expect(await waitFor(() => reloads() === 1)).toBe(true);
      expect(await runCommand([command], { timeoutMs: 10_000, log })).toEqual({ ok: true, exitCode: 0, timedOut: false });
      expect(await waitFor(() => reloads() === 2)).toBe(true);
    } finally {
      app.kill('SIGKILL');
    }
  });

  it('runs a string with spaces through sh -c (shell syntax works)', async () => {
    const { log } = createLogSink();
    const out = join(dir, 'out');
    expect(await runCommand(`echo changed > ${out} && exit 0`, { timeoutMs: 10_000, log })).toEqual({ ok: true, exitCode: 0, timedOut: false });
    expect(readFileSync(out, 'utf8')).toBe('changed\n');
  });

  it('execs a list directly: no shell splitting or expansion', async () => {
    const { log } = createLogSink();
    expect(await runCommand(['touch', join(dir, 'a b;c')], { timeoutMs: 10_000, log })).toEqual({ ok: true, exitCode: 0, timedOut: false });
    expect(existsSync(join(dir, 'a b;c'))).toBe(true);
  });

  it('reports a non-zero exit code without throwing, and logs it', async () => {
    const sink = createLogSink();
    expect(await runCommand(['/bin/sh', '-c', 'exit 3'], { timeoutMs: 10_000, log: sink.log })).toEqual({ ok: false, exitCode: 3, timedOut: false });
    expect(await runCommand('false', { timeoutMs: 10_000, log: sink.log })).toEqual({ ok: false, exitCode: 1, timedOut: false });
    expect(sink.entries().map((e) => [e['msg'], e['exitCode'], e['program']])).toEqual([
      ['command failed', 3, '/bin/sh'],
      ['command failed', 1, 'false'],
    ]);
  });

  it('reports a program that does not exist', async () => {
    const sink = createLogSink();
    expect(await runCommand(join(dir, 'no-such-program'), { timeoutMs: 10_000, log: sink.log })).toEqual({ ok: false, exitCode: null, timedOut: false });
    expect(sink.entries().map((e) => [e['msg'], e['errorCode']])).toEqual([['command failed', 'ENOENT']]);
  });

  it('passes the given environment', async () => {
    const { log } = createLogSink();
    const out = join(dir, 'env');
    await runCommand(`printf %s "$RELOAD_TARGET" > ${out}`, { timeoutMs: 10_000, log, env: { RELOAD_TARGET: 'app', PATH: '/usr/bin:/bin' } });
    expect(readFileSync(out, 'utf8')).toBe('app');
  });

  it('kills the whole process group on timeout, with SIGKILL when SIGTERM is ignored', async () => {
    const sink = createLogSink();
    const pidFile = join(dir, 'pid');
    const result = await runCommand(`trap '' TERM; sleep 60 & echo $! > ${pidFile}; wait`, { timeoutMs: 300, log: sink.log, killGraceMs: 100 });
    expect(result).toEqual({ ok: false, exitCode: null, timedOut: true });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !alive(grandchild))).toBe(true);
    expect(sink.entries().map((e) => [e['msg'], e['timeoutMs']])).toEqual([['command timed out and was killed', 300]]);
  });

  it('never logs the command line or its output', async () => {
    const sink = createLogSink();
    await runCommand(`echo ${SENTINEL}; echo ${SENTINEL} >&2; exit 4`, { timeoutMs: 10_000, log: sink.log });
    await runCommand(['/bin/echo', SENTINEL], { timeoutMs: 10_000, log: sink.log });
    expect(sink.lines.length).toBe(2);
    expect(sink.lines.join('\n')).not.toContain(SENTINEL);
  });
});
