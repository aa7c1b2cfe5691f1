// Runs the real `node bin/vaultlet.js webhook` on 127.0.0.1 and a free port, and talks to it over
// HTTPS verified against the test CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent, type RequestOptions } from 'node:https';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The Node running the tests: node_modules/.bin/node where npm installed one for this platform,
// else the Node 24 on PATH (README "Quick start").
export const NODE = process.execPath;
export const CLI = join(ROOT, 'bin', 'vaultlet.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface WebhookProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vaultlet <args>` to completion. */
export function runCli(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/** Starts the webhook and resolves once it logs that it is listening. */
export async function startWebhook(env: Record<string, string>): Promise<WebhookProcess> {
  const port = await freePort();
  const child = spawn(NODE, [CLI, 'webhook'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', AGENT_INJECT_LISTEN: `127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        if (line.includes('"webhook listening"')) resolve();
      }
    });
    child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
    void exited.then((code) => {
      reject(new Error(`webhook exited with ${String(code)} before listening: ${stderr.join('')}${stdout.join('\n')}`));
    });
  });
  return {
    child,
    port,
    stdout,
    stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface HttpsResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly peer: PeerCertificate;
}

export interface HttpsCall {
  readonly port: number;
  readonly ca: string;
  readonly method?: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** A keep-alive agent to reuse connections; a fresh connection per call otherwise. */
  readonly agent?: Agent;
}

export function httpsRequest(call: HttpsCall): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      host: '127.0.0.1',
      port: call.port,
      method: call.method ?? (call.body === undefined ? 'GET' : 'POST'),
      path: call.path,
      ca: call.ca,
      headers: { ...(call.body === undefined ? {} : { 'content-type': 'application/json' }), ...call.headers },
      agent: call.agent ?? false,
    };
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          peer,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

export interface RawExchange {
  /** Everything the server sent, as text (TLS decrypted). */
  readonly received: string;
  /** Milliseconds from connect (TCP or TLS) until the server closed the connection. */
  readonly closedAfterMs: number;
  /** The error the socket reported, if any (ECONNRESET, EPIPE, …). */
  readonly error: string | undefined;
}

export interface RawTlsOptions {
  readonly port: number;
  readonly ca: string;
  /** Written right after the handshake. */
  readonly head: string | Buffer;
  /** Further writes: each one [delay after the previous write in ms, data]. */
  readonly then?: readonly (readonly [number, string | Buffer])[];
  /** Destroys the socket after this long if the server has not closed it (bounds the test). */
  readonly giveUpMs: number;
}

/**
 * Speaks HTTP/1.1 by hand over TLS, to send what a well-behaved client never would (a body a byte
 * at a time, more bytes than declared), and reads everything the server sends until it closes.
 */
export function rawTlsExchange(options: RawTlsOptions): Promise<RawExchange> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const socket = tlsConnect({ host: '127.0.0.1', port: options.port, ca: options.ca, servername: 'localhost' });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const giveUp = setTimeout(() => {
      socket.destroy();
    }, options.giveUpMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.once('close', () => {
      clearTimeout(giveUp);
      for (const t of timers) clearTimeout(t);
      resolve({
        received: Buffer.concat(chunks).toString('utf8'),
        closedAfterMs: performance.now() - startedAt,
        error,
      });
    });
    socket.once('secureConnect', () => {
      socket.write(options.head);
      let at = 0;
      for (const [delay, data] of options.then ?? []) {
        at += delay;
        timers.push(
          setTimeout(() => {
            if (!socket.destroyed) socket.write(data);
          }, at),
        );
      }
    });
  });
}

/** The status code and JSON body of a raw HTTP/1.1 answer; status 0 when none arrived. */
export function parseRawAnswer(received: string): { status: number; body: unknown } {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(received);
  if (match === null) return { status: 0, body: undefined };
  const bodyText = received.slice(received.indexOf('\r\n\r\n') + 4);
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = bodyText;
  }
  return { status: Number(match[1]), body };
}
