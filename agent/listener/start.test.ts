// The listeners in-process, over real sockets, against a stand-in Vault: the wiring the
// integration tests cannot reach by timing alone (a re-login empties the cache of the old token's
// entries; the quit route calls the agent's stop).
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../shared/clock.ts';
import { agentSettings } from '../../test/fakes/agent-settings.ts';
import { createLogSink } from '../../test/helpers/log-sink.ts';
import type { CurrentToken } from '../auth/token-manager.ts';
import { VaultClient } from '../vault/client.ts';
import { createHttpTransport } from '../vault/http-transport.ts';
import { connect, type Socket } from 'node:net';
import { DEFAULT_LISTENER_MAX_CONNECTIONS, type ListenerSettings } from '../config/listener.ts';
import { startAgentListeners, type AgentListeners, type ListenerTokens } from './start.ts';

const token = (t: string): CurrentToken => ({
  token: t,
  accessor: `acc-${t}`,
  expiresAt: Date.now() + 600_000,
  renewable: true,
  leaseSeconds: 600,
});

/** Issues a new renewable lease per read, records which token each read came with. */
function fakeVault(): Promise<{ server: Server; url: string; reads: string[] }> {
  const reads: string[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/sys/standby') {
        res.writeHead(307, { location: 'http://attacker.invalid:8200/v1/sys/standby' });
        res.end();
        return;
      }
      const body =
        req.url === '/v1/sys/leases/renew'
          ? { lease_id: 'x', renewable: true, lease_duration: 600 }
          : {
              lease_id: `database/creds/app/${++n}`,
              renewable: true,
              lease_duration: 600,
              data: { username: `u${n}` },
            };
      if (req.url === '/v1/database/creds/app') reads.push(String(req.headers['x-vault-token']));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reads });
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(
  vaultUrl: string,
  quit: () => void = () => undefined,
  listener: Partial<ListenerSettings> = {},
): Promise<{ listeners: AgentListeners; base: string; relogin: (t: string) => void }> {
  let current = token('first');
  const subscribers: ((t: CurrentToken, p: CurrentToken | undefined) => void)[] = [];
  const tokens: ListenerTokens = {
    get current() {
      return current;
    },
    token: () => Promise.resolve(current.token),
    onToken: (fn) => {
      subscribers.push(fn);
    },
  };
  const agent = agentSettings({ vault: { address: vaultUrl, skipVerify: false, numRetries: 0, timeoutMs: 5000 } });
  const client = new VaultClient({
    transport: createHttpTransport({ address: vaultUrl }),
    clock: systemClock,
    random: () => 0.5,
  });
  const listeners = await startAgentListeners({
    agent,
    client,
    tokens,
    clock: systemClock,
    random: () => 0.5,
    log: createLogSink().log,
    quit,
    readFile: () => '',
    v8Flags: [],
    settings: {
      listeners: [
        {
          index: 0,
          type: 'tcp',
          address: '127.0.0.1:0',
          requireRequestHeader: false,
          role: 'default',
          enableQuit: true,
          ...listener,
        },
      ],
      useAutoAuthToken: true,
      cache: {},
      telemetry: {
        disableHostname: true,
        prometheusRetentionMs: 0,
        metricsPrefix: 'vault',
        blockedPrefixes: [],
        unusedSinks: [],
      },
    },
  });
  cleanups.push(async () => {
    await listeners.close();
    client.close();
  });
  return {
    listeners,
    base: `http://${listeners.addresses[0] ?? ''}`,
    relogin: (t) => {
      const previous = current;
      current = token(t);
      for (const s of subscribers) s(current, previous);
    },
  };
}

/** Closes a fake Vault (and its open keep-alive connections) when the test ends. */
function closeAfter(server: Server): void {
  cleanups.push(
    () =>
      new Promise((r) => {
        server.close(() => {
          r();
        });
        server.closeAllConnections();
      }),
  );
}

describe('agent listeners (in-process)', () => {
  it('drops the cached entries of a replaced auto-auth token: the next read goes to Vault with the new one', async () => {
    const vault = await fakeVault();
    closeAfter(vault.server);
    const { base, relogin, listeners } = await start(vault.url);
    const read = async (): Promise<string | null> =>
      (await fetch(`${base}/v1/database/creds/app`)).headers.get('x-cache');
    expect([await read(), await read()]).toEqual(['MISS', 'HIT']);
    expect(listeners.cacheEntries()).toBe(1);
    relogin('second');
    // The old token's entry can no longer be asked for (keys hold the token): it is dropped, and
    // its lease is no longer renewed.
    expect(listeners.cacheEntries()).toBe(0);
    expect([await read(), await read()]).toEqual(['MISS', 'HIT']);
    expect(vault.reads).toEqual(['first', 'second']);
    expect(listeners.metrics.count('agent.auth.success')).toBe(1);
  });

  it('passes a redirect back instead of following it with the auto-auth token', async () => {
    const vault = await fakeVault();
    closeAfter(vault.server);
    const { base } = await start(vault.url);
    const r = await fetch(`${base}/v1/sys/standby`, { redirect: 'manual' });
    expect({ status: r.status, location: r.headers.get('location') }).toEqual({
      status: 307,
      location: 'http://attacker.invalid:8200/v1/sys/standby',
    });
  });

  it('calls the agent stop on POST /agent/v1/quit, after answering', async () => {
    const vault = await fakeVault();
    closeAfter(vault.server);
    let quits = 0;
    const { base } = await start(vault.url, () => {
      quits++;
    });
    expect((await fetch(`${base}/agent/v1/quit`, { method: 'POST' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(quits).toBe(1);
  });
});

/** A raw connection to `address` (host:port), once connected. */
function open(address: string): Promise<Socket> {
  const cut = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.slice(0, cut), port: Number(address.slice(cut + 1)) }, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Whether the listener answers a request sent on `socket` (rather than closing it). */
function served(socket: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('data', () => {
      resolve(true);
    });
    socket.once('close', () => {
      resolve(false);
    });
    socket.write('GET /agent/v1/metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

describe('the listener connection cap', () => {
  it('closes connections past max_connections, and accepts again once one is gone', async () => {
    const vault = await fakeVault();
    cleanups.push(() => new Promise((resolve) => vault.server.close(() => resolve())));
    const { listeners } = await start(vault.url, undefined, { maxConnections: 2 });
    const address = listeners.addresses[0] ?? '';
    const [first, second] = [await open(address), await open(address)];
    const third = await open(address);
    expect(await served(third)).toBe(false);
    expect([await served(first), await served(second)]).toEqual([true, true]);
    first.destroy();
    // The listener sees the close a moment later; until then a new connection is still refused.
    let again = false;
    for (let attempt = 0; attempt < 100 && !again; attempt += 1) {
      const next = await open(address);
      again = await served(next);
      next.destroy();
    }
    expect(again).toBe(true);
    second.destroy();
  });

  it(`holds at most ${DEFAULT_LISTENER_MAX_CONNECTIONS} connections by default`, async () => {
    const vault = await fakeVault();
    cleanups.push(() => new Promise((resolve) => vault.server.close(() => resolve())));
    const { listeners } = await start(vault.url);
    const address = listeners.addresses[0] ?? '';
    const held: Socket[] = [];
    for (let i = 0; i < DEFAULT_LISTENER_MAX_CONNECTIONS; i += 1) held.push(await open(address));
    const past = await open(address);
    expect(await served(past)).toBe(false);
    expect(await served(held[0] as Socket)).toBe(true);
    for (const socket of held) socket.destroy();
  });
});
