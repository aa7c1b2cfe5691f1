// SIGTERM while the webhook waits for its first serving certificate (auto-TLS against an API
// server that accepts connections and never answers, as a hung control plane does): the process
// must stop promptly with exit code 0, not hang until the kubelet kills it.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, NODE, ROOT } from '../helpers/webhook-process.ts';

interface HungApi {
  readonly port: number;
  readonly connected: Promise<void>;
  close(): Promise<void>;
}

async function hungApiServer(): Promise<HungApi> {
  const sockets: Socket[] = [];
  let onConnect: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => { onConnect = resolve; });
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    connected,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => { resolve(); });
    }),
  };
}

function kubeconfig(port: number): string {
  return [
    'apiVersion: v1', 'kind: Config', 'current-context: hung',
    'clusters:', '- name: hung', '  cluster:', `    server: https://127.0.0.1:${port}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: u', '  user:', '    token: not-a-real-token',
    'contexts:', '- name: hung', '  context:', '    cluster: hung', '    user: u',
    '',
  ].join('\n');
}

describe('webhook start-up', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('exits 0 on SIGTERM while waiting for its first auto-TLS certificate', async () => {
    const api = await hungApiServer();
    cleanups.push(() => api.close());
    const dir = await mkdtemp(join(tmpdir(), 'vaultlet-startup-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'kubeconfig'), kubeconfig(api.port));
    const child = spawn(NODE, [CLI, 'webhook'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        KUBECONFIG: join(dir, 'kubeconfig'),
        AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
        AGENT_INJECT_LISTEN: '127.0.0.1:0',
        AGENT_INJECT_TLS_AUTO: 'vaultlet-agent-injector-cfg',
        AGENT_INJECT_TLS_AUTO_HOSTS: 'vaultlet.vault.svc',
        AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
        NAMESPACE: 'vault',
        POD_NAME: 'injector-0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
    cleanups.push(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await exited; });

    await api.connected; // the webhook is now waiting on the API server for its certificate
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"stopped before a serving certificate was available"');
    expect(stdout).not.toContain('"webhook listening"');
  }, 20_000);
});
