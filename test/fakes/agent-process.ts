// Runs the real agent (`node bin/vaultlet.js agent -config=...`) in a temp dir against the Vault
// test server, for the agent integration tests and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentConfig, TemplateStanza } from '../../shared/agent-config.ts';
import { makeServiceAccountJwt } from '../vault-server/jwt.ts';
import type { DurationValue, KubernetesAuthSeed } from '../vault-server/seed.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The Node running the tests: node_modules/.bin/node where npm installed one for this platform,
// else the Node 24 on PATH (README "Quick start").
export const NODE = process.execPath;
export const CLI = join(ROOT, 'bin', 'vaultlet.js');

export interface AgentWorkDir {
  readonly dir: string;
  readonly secretsDir: string;
  readonly stateDir: string;
  readonly tokenPath: string;
  /** A config for the `app` role of test/fixtures/vault-seed.yaml, with the given templates. */
  config(vaultUrl: string, templates: TemplateStanza[], extra?: Partial<AgentConfig>): AgentConfig;
  writeConfig(name: string, config: AgentConfig): string;
  remove(): void;
}

/** The service account a work dir's token names; its config logs in as the role of the same name. */
const WORK_DIR_NAMESPACE = 'default';
const WORK_DIR_ACCOUNT = 'app';

/**
 * The Kubernetes auth mount a work dir's config logs in to: role `app`, bound to the service
 * account of the work dir's token, with the test's own token TTLs.
 */
export function workDirKubernetesAuth(ttls: { token_ttl: DurationValue; token_max_ttl?: DurationValue }): KubernetesAuthSeed {
  const role = { bound_service_account_names: [WORK_DIR_ACCOUNT], bound_service_account_namespaces: [WORK_DIR_NAMESPACE], ...ttls };
  return { type: 'kubernetes', roles: { [WORK_DIR_ACCOUNT]: role } };
}

/** A temp dir (under `base`, default the OS temp dir; pods use a memory-backed emptyDir). */
export function makeWorkDir(base: string = tmpdir()): AgentWorkDir {
  const dir = mkdtempSync(join(base, 'vaultlet-agent-'));
  const tokenPath = join(dir, 'sa-token');
  writeFileSync(tokenPath, `${makeServiceAccountJwt({ namespace: WORK_DIR_NAMESPACE, serviceAccount: WORK_DIR_ACCOUNT })}\n`);
  const secretsDir = join(dir, 'secrets');
  const stateDir = join(dir, 'state');
  return {
    dir, secretsDir, stateDir, tokenPath,
    config: (vaultUrl, templates, extra = {}) => ({
      auto_auth: {
        method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: WORK_DIR_ACCOUNT, token_path: tokenPath }, min_backoff: '100ms', max_backoff: '1s' },
        sink: [{ type: 'file', config: { path: join(dir, '.vault-token') } }],
      },
      vault: { address: vaultUrl, retry: { num_retries: 3 } },
      template: templates,
      template_config: { exit_on_retry_failure: true, static_secret_render_interval: '1s' },
      ...extra,
    }),
    writeConfig(name, config) {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(config));
      return path;
    },
    remove: () => { rmSync(dir, { recursive: true, force: true }); },
  };
}

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly started: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (and when it came, ms since the epoch). */
  readonly exited: Promise<{ code: number | null; at: number }>;
  logText(): string;
  /** SIGTERM; resolves with the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

const running = new Set<ChildProcess>();

/** Kills every agent this process started that is still running (afterAll, after a failed test). */
export function killAgents(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

export function spawnAgent(args: readonly string[], env: Record<string, string> = {}, nodeArgs: readonly string[] = []): AgentProcess {
  const started = Date.now();
  const child = spawn(NODE, [...nodeArgs, CLI, 'agent', ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'pipe' });
  running.add(child);
  child.once('close', () => running.delete(child));
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (d: Buffer) => { stdout.push(d.toString()); });
  child.stderr.on('data', (d: Buffer) => { stderr.push(d.toString()); });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
    child.once('close', (code) => { resolve({ code, at: Date.now() }); });
  });
  return {
    child, started, stdout, stderr, exited,
    logText: () => stdout.join('') + stderr.join(''),
    async stop() {
      const t0 = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const { code, at } = await exited;
      return { code, ms: at - t0 };
    },
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

