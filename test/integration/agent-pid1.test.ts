// The agent image's process 1. Node only waits for the processes it spawned itself, so a template
// command that leaves a background child behind (the child outlives its `sh`, is re-parented to
// PID 1 and exits) would stay a zombie for the life of the pod if Node were PID 1. The image
// starts tini first (Dockerfile.agent ENTRYPOINT), which reaps them. Here the ENTRYPOINT, read
// from the Dockerfile, runs as PID 1 of a new PID namespace (`unshare`, needs root or user
// namespaces), with the agent rendering a template whose command orphans children; then the
// namespace is inspected for zombies. Node alone as PID 1 is run too, to show what tini prevents.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultSeed } from '../vault-server/seed.ts';
import { CLI, NODE, ROOT, waitFor, workDirKubernetesAuth } from '../fakes/agent-process.ts';
import { setUpAgentTestEnv } from '../fakes/agent-test-env.ts';

const SEED: VaultSeed = {
  secrets: { secret: { type: 'kv', version: 2, data: { 'app/config': { password: 'p' } } } },
  auth: { kubernetes: workDirKubernetesAuth({ token_ttl: 60, token_max_ttl: 600 }) },
};

/** The local tini-static (Debian package `tini`), standing in for the image's /usr/bin/tini. */
const TINI = ['/usr/bin/tini-static', '/usr/local/bin/tini-static'].find((p) => existsSync(p));
const UNSHARE = ['--pid', '--fork', '--kill-child', '--mount-proc'];
const unshareWorks = spawnSync('unshare', [...UNSHARE, 'true'], { stdio: 'ignore' }).status === 0;
const noUnshare = unshareWorks ? undefined : 'unshare --pid is not permitted here (needs root or user namespaces)';
const noTini = TINI === undefined ? 'tini-static is not installed (apt-get install tini)' : undefined;
for (const reason of [noUnshare, noTini])
  if (reason !== undefined) process.stderr.write(`agent-pid1.test.ts: skipping, ${reason}\n`);

/** Dockerfile.agent's ENTRYPOINT with the image paths mapped to this checkout. */
function imageEntrypoint(): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile.agent'), 'utf8'))?.[1];
  const argv = JSON.parse(line ?? '[]') as string[];
  const local: Record<string, string> = {
    '/usr/bin/tini': TINI ?? 'tini',
    '/usr/local/bin/node': NODE,
    '/usr/local/bin/vaultlet': CLI,
  };
  return argv.map((a) => local[a] ?? a);
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), state: fields[0] ?? '', ppid: Number(fields[1]) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Every process below `root` (host PIDs). */
function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

const env = setUpAgentTestEnv(SEED);

describe.each<[string, boolean, () => string[]]>([
  ['the image ENTRYPOINT (tini, then node)', true, imageEntrypoint],
  ['node alone', false, () => [NODE, CLI]],
])('agent in a PID namespace, PID 1 = %s', (_name, reaps, command) => {
  const run = noUnshare === undefined && (!reaps || noTini === undefined) ? it : it.skip;
  run(
    reaps
      ? 'leaves no zombie behind after a command orphans its children'
      : 'keeps the orphans of a command as zombies (what tini is there for)',
    async () => {
      const dir = join(env.work.dir, reaps ? 'tini' : 'node');
      const log = join(dir, 'commands');
      const ready = join(dir, 'ready');
      const config = env.work.config(
        env.vault.url,
        [
          {
            destination: join(dir, 'secrets', 'kv'),
            contents: '{{ with secret "secret/app/config" }}{{ .Data.data.password }}{{ end }}',
            // Three background children outlive their shell and exit 0.2 s later, re-parented to PID 1.
            command: `sleep 0.2 & sleep 0.2 & sleep 0.2 & echo ran >> ${log}`,
          },
        ],
        { vaultlet: { ready_file: ready } },
      );
      const configPath = env.work.writeConfig(`pid1-${reaps ? 'tini' : 'node'}.json`, config);
      const child: ChildProcess = spawn('unshare', [...UNSHARE, ...command(), 'agent', `-config=${configPath}`], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '' },
        stdio: 'ignore',
      });
      try {
        await waitFor('the command to run', () => existsSync(log) && existsSync(ready), 15_000);
        const unsharePid = child.pid ?? 0;
        // The background sleeps have ended; what is left of them below PID 1 is zombies or nothing.
        await new Promise((r) => setTimeout(r, 1500));
        const tree = descendants(unsharePid);
        const zombies = tree.filter((p) => p.state === 'Z');
        const init = tree.filter((p) => p.ppid === unsharePid);
        expect(init).toHaveLength(1); // PID 1 of the namespace
        if (!reaps) {
          expect(zombies.length).toBe(3);
          return;
        }
        expect(zombies).toEqual([]);
        // tini passes SIGTERM on to the agent, which stops cleanly; unshare exits with its status.
        const closed = new Promise<number | null>((r) =>
          child.once('close', (code) => {
            r(code);
          }),
        );
        process.kill(init[0]!.pid, 'SIGTERM');
        expect(await closed).toBe(0);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          const closed = new Promise((r) => child.once('close', r));
          child.kill('SIGKILL'); // --kill-child takes the namespace down with unshare
          await closed;
        }
      }
    },
    30_000,
  );
});
