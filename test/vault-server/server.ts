// A standalone HTTP server that answers like HashiCorp Vault for what an injected agent uses
// with fault injection for tests. Listens on 127.0.0.1 by default.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { VaultCore } from './core.ts';
import { FaultState, type VaultFaults } from './faults.ts';
import { handleControl } from './control.ts';
import { parseRawListRequest, type RawRequest } from './list-method.ts';
import { DEFAULT_SEED, type VaultSeed } from './seed.ts';
import { errors, notFound } from './responses.ts';
import type { VaultRequest, VaultResponse } from './http-types.ts';

export type { VaultFaults } from './faults.ts';
export type { VaultSeed } from './seed.ts';

/** One request as received: never its body or token. */
export interface RecordedRequest {
  readonly method: string;
  /** URL path without the query, e.g. /v1/auth/kubernetes/login. */
  readonly path: string;
  /** now() when the request arrived, in ms. */
  readonly time: number;
  readonly status: number;
}

export interface LeaseInfo {
  readonly id: string;
  readonly path: string;
  readonly expiresAt: number;
  /** Revoked explicitly, or with the token that created it. */
  readonly revoked: boolean;
}

export interface TokenInfo {
  readonly accessor: string;
  /** ms since the epoch; Infinity for the root token. */
  readonly expiresAt: number;
  readonly revoked: boolean;
  /** Leases this token created (including revoked ones). */
  readonly leaseCount: number;
}

export interface VaultTestServer {
  readonly url: string;
  readonly rootToken: string;
  readonly faults: VaultFaults;
  readonly requests: readonly RecordedRequest[];
  writeKv(mount: string, path: string, data: Record<string, unknown>): void;
  leases(): readonly LeaseInfo[];
  tokens(): readonly TokenInfo[];
  close(): Promise<void>;
}

export interface VaultServerOptions {
  readonly seed?: VaultSeed;
  /** 0 (default): any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Clock for token and lease expiry (ms since the epoch). */
  readonly now?: () => number;
  /** Serve HTTPS with this certificate, asking clients for a certificate (for cert auth). */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
}

const BASE_HEADERS = { 'cache-control': 'no-store' } as const;
/** A long-running dev-vault keeps only the most recent requests. */
const MAX_RECORDED = 100_000;

function tokenOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const direct = headers['x-vault-token'];
  if (typeof direct === 'string' && direct !== '') return direct;
  const authz = headers['authorization'];
  if (typeof authz === 'string' && authz.startsWith('Bearer ')) return authz.slice('Bearer '.length).trim();
  return undefined;
}

function parseBody(text: string): Readonly<Record<string, unknown>> | undefined {
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function responseHeaders(res: VaultResponse): Record<string, string> {
  const headers: Record<string, string> = { ...BASE_HEADERS };
  if (res.body !== '') headers['content-type'] = 'application/json';
  return { ...headers, ...res.headers, 'content-length': String(Buffer.byteLength(res.body)) };
}

class Server implements VaultTestServer {
  readonly core: VaultCore;
  readonly faultState: FaultState;
  readonly #now: () => number;
  readonly #requests: RecordedRequest[] = [];
  readonly #http: ReturnType<typeof createServer>;
  readonly #scheme: 'http' | 'https';
  url = '';

  constructor(core: VaultCore, now: () => number, tls?: VaultServerOptions['tls']) {
    this.core = core;
    this.#now = now;
    const serve = (req: IncomingMessage, res: ServerResponse): void => { void this.#serveNode(req, res); };
    // Client certificates are asked for but not required: only cert logins need one.
    this.#http = tls === undefined ? createServer(serve) : createTlsServer({ cert: tls.certPem, key: tls.keyPem, requestCert: true, rejectUnauthorized: false }, serve);
    this.#scheme = tls === undefined ? 'http' : 'https';
    this.faultState = new FaultState(core.status, () => { core.revokeAllTokens(); });
    this.#http.on('clientError', (err: Error & { rawPacket?: Buffer }, socket: Socket) => { void this.#serveRawList(err, socket); });
  }

  get rootToken(): string {
    return this.core.rootToken;
  }

  get faults(): VaultFaults {
    return this.faultState;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.#requests];
  }

  writeKv(mount: string, path: string, data: Record<string, unknown>): void {
    this.core.writeKv(mount, path, data);
  }

  leases(): readonly LeaseInfo[] {
    return this.core.leases.all().map((l) => ({ id: l.id, path: l.path, expiresAt: l.expireMs, revoked: this.core.leases.isRevoked(l) }));
  }

  tokens(): readonly TokenInfo[] {
    const all = this.core.leases.all();
    return this.core.tokens.all().map((t) => ({
      accessor: t.accessor, expiresAt: t.expireMs ?? Number.POSITIVE_INFINITY, revoked: t.revoked,
      leaseCount: all.filter((l) => l.token === t).length,
    }));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => {
        const addr = this.#http.address();
        const p = typeof addr === 'object' && addr !== null ? addr.port : port;
        this.url = `${this.#scheme}://${host.includes(':') ? `[${host}]` : host}:${p}`;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#http.close(() => { resolve(); });
      this.#http.closeAllConnections();
    });
  }

  async #serveNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: VaultResponse;
    try {
      const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string> };
      const peer = this.#scheme === 'https' ? (req.socket as TLSSocket).getPeerX509Certificate() : undefined;
      answer = await this.#answer(raw, await readBody(req), peer);
    } catch {
      answer = errors(500, ['internal error']);
    }
    res.writeHead(answer.status, responseHeaders(answer));
    res.end(answer.body);
  }

  async #serveRawList(err: Error & { rawPacket?: Buffer }, socket: Socket): Promise<void> {
    const raw = parseRawListRequest(err.rawPacket);
    if (raw === undefined || !socket.writable) {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
      return;
    }
    let answer: VaultResponse;
    try {
      answer = await this.#answer(raw, '');
    } catch {
      answer = errors(500, ['internal error']);
    }
    const head = Object.entries({ ...responseHeaders(answer), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${head}\r\n${answer.body}`);
  }

  async #answer(raw: RawRequest, bodyText: string, clientCertificate?: X509Certificate): Promise<VaultResponse> {
    const url = new URL(raw.url, 'http://vault.invalid');
    const token = tokenOf(raw.headers);
    if (url.pathname.startsWith('/_test/')) {
      return handleControl({ server: this, method: raw.method, name: url.pathname.slice('/_test/'.length), token, body: parseBody(bodyText) });
    }
    if (!url.pathname.startsWith('/v1/')) return notFound;
    const time = this.#now();
    const answer = await this.#answerVault(raw, url, token, bodyText, clientCertificate);
    this.#requests.push({ method: raw.method, path: url.pathname, time, status: answer.status });
    if (this.#requests.length > MAX_RECORDED) this.#requests.splice(0, this.#requests.length - MAX_RECORDED);
    return answer;
  }

  async #answerVault(raw: RawRequest, url: URL, token: string | undefined, bodyText: string, clientCertificate: X509Certificate | undefined): Promise<VaultResponse> {
    await delay(this.faultState.latencyMs);
    const path = decodePath(url.pathname.slice('/v1/'.length)).replace(/^\/+|\/+$/g, '');
    if (path !== 'sys/health') {
      const failure = this.faultState.takeFailure(path, this.url + url.pathname + url.search);
      if (failure !== undefined) return failure;
    }
    const body = parseBody(bodyText);
    if (body === undefined) return errors(400, ['failed to parse JSON input: request body is not a JSON object']);
    const list = raw.method === 'LIST' || (raw.method === 'GET' && url.searchParams.get('list') === 'true');
    const wrapTtl = raw.headers['x-vault-wrap-ttl'];
    const request: VaultRequest = {
      method: list ? 'LIST' : raw.method.toUpperCase(), path, query: url.searchParams, token, body,
      ...(clientCertificate !== undefined ? { clientCertificate } : {}),
      ...(typeof wrapTtl === 'string' && wrapTtl !== '' ? { wrapTtl } : {}),
    };
    return this.core.handle(request);
  }
}

export async function startVaultServer(options: VaultServerOptions = {}): Promise<VaultTestServer> {
  const now = options.now ?? Date.now;
  const core = await VaultCore.create(options.seed ?? DEFAULT_SEED, now);
  const server = new Server(core, now, options.tls);
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return server;
}
