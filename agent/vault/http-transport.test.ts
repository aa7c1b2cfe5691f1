// The HTTP adapter against real sockets on 127.0.0.1: headers, bodies, TLS with a private CA,
// client certificates, connection errors.
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import https from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpTransport } from './http-transport.ts';
import { createTlsSource } from './tls-files.ts';
import { createCa, issueCertificate } from '../../shared/tls/certificates.ts';
import { VaultError } from '../errors.ts';
import { JsonNumber } from './json-number.ts';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; clientCertCn?: string }

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => { if (server === undefined) resolve(); else server.close(() => { resolve(); }); });
  server = undefined;
});

function handler(seen: Seen[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const peer = (req.socket as Partial<TLSSocket>).getPeerCertificate?.();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, ...(peer?.subject !== undefined ? { clientCertCn: String(peer.subject.CN) } : {}) });
      if (req.url === '/v1/empty') {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(req.url === '/v1/missing' ? 404 : 200, { 'content-type': 'application/json' }).end(req.url === '/v1/missing' ? '{"errors":[]}\n' : '{"data":{"ok":true}}\n');
    });
  };
}

async function listen(s: http.Server): Promise<number> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

describe('createHttpTransport', () => {
  it('keeps numbers exactly as Vault sent them, and the lease fields plain numbers', async () => {
    const body = '{"lease_id":"database/creds/app/x","lease_duration":3600,"renewable":true,"data":{"price":1.50,"big":10000000000000000001,"port":5432}}';
    const port = await listen(http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(body); }));
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}` });
    expect(await t.send({ method: 'GET', path: 'database/creds/app', token: 'tok' })).toEqual({
      status: 200,
      body: { lease_id: 'database/creds/app/x', lease_duration: 3600, renewable: true, data: { price: new JsonNumber('1.50'), big: new JsonNumber('10000000000000000001'), port: 5432 } },
    });
    t.close();
  });

  it('sends Vault headers, the JSON body and a list query; parses JSON and empty bodies', async () => {
    const seen: Seen[] = [];
    const port = await listen(http.createServer(handler(seen)));
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}/` });
    expect(await t.send({ method: 'PUT', path: 'auth/kubernetes/login', body: { jwt: 'j', role: 'r' }, namespace: 'team/' })).toEqual({ status: 200, body: { data: { ok: true } } });
    expect(await t.send({ method: 'GET', path: 'secret/metadata/?list=true', token: 'tok' })).toEqual({ status: 200, body: { data: { ok: true } } });
    expect(await t.send({ method: 'GET', path: 'missing', token: 'tok' })).toEqual({ status: 404, body: { errors: [] } });
    expect(await t.send({ method: 'PUT', path: 'empty', token: 'tok' })).toEqual({ status: 204, body: null });
    t.close();
    expect(seen.map((s) => [s.method, s.url, s.headers['x-vault-token'], s.headers['x-vault-namespace'], s.headers['x-vault-request'], s.body])).toEqual([
      ['PUT', '/v1/auth/kubernetes/login', undefined, 'team/', 'true', '{"jwt":"j","role":"r"}'],
      ['GET', '/v1/secret/metadata/?list=true', 'tok', undefined, 'true', ''],
      ['GET', '/v1/missing', 'tok', undefined, 'true', ''],
      ['PUT', '/v1/empty', 'tok', undefined, 'true', ''],
    ]);
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('rejects with a retryable VaultError(status 0) naming the path, never the token, when nothing answers', async () => {
    const port = await listen(http.createServer(() => undefined));
    await new Promise<void>((resolve) => server?.close(() => { resolve(); }));
    server = undefined;
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}` });
    const err = await t.send({ method: 'GET', path: 'secret/data/app', token: 'hvs.SENTINEL' }).catch((e: unknown) => e);
    t.close();
    expect(err).toBeInstanceOf(VaultError);
    expect(err).toEqual(expect.objectContaining({ status: 0, retryable: true, path: 'secret/data/app', message: 'vault secret/data/app: no response (ECONNREFUSED)' }));
  });

  it('verifies the server against ca_cert, honours tls_server_name, and presents a client certificate', async () => {
    const ca = await createCa({ commonName: 'test-ca', validityMs: 3_600_000 });
    const serverPair = await issueCertificate({ ca, commonName: 'vault', dnsNames: ['vault.example'], validityMs: 3_600_000, usages: ['server'] });
    const clientPair = await issueCertificate({ ca, commonName: 'agent-client', validityMs: 3_600_000, usages: ['client'] });
    const seen: Seen[] = [];
    const port = await listen(https.createServer({ cert: serverPair.certPem, key: serverPair.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, handler(seen)));
    const good = createHttpTransport({ address: `https://127.0.0.1:${port}`, caCertPem: ca.certPem, tlsServerName: 'vault.example', clientCertPem: clientPair.certPem, clientKeyPem: clientPair.keyPem });
    expect((await good.send({ method: 'GET', path: 'x' })).status).toBe(200);
    good.close();
    expect(seen[0]?.clientCertCn).toBe('agent-client');
    const noCa = createHttpTransport({ address: `https://127.0.0.1:${port}`, tlsServerName: 'vault.example' });
    await expect(noCa.send({ method: 'GET', path: 'x' })).rejects.toEqual(expect.objectContaining({ status: 0, message: 'vault x: no response (SELF_SIGNED_CERT_IN_CHAIN)' }));
    noCa.close();
    const skip = createHttpTransport({ address: `https://127.0.0.1:${port}`, skipVerify: true });
    expect((await skip.send({ method: 'GET', path: 'x' })).status).toBe(200);
    skip.close();
  });

  it('fails a request by its deadline even while the body trickles in (1 byte a second)', async () => {
    const port = await listen(http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '30' });
      let sent = 0;
      const drip = setInterval(() => {
        res.write(' ');
        if (++sent === 30) clearInterval(drip);
      }, 1000);
      res.on('close', () => { clearInterval(drip); });
    }));
    const t = createHttpTransport({ address: `http://127.0.0.1:${port}`, timeoutMs: 1500 });
    const started = performance.now();
    const err = await t.send({ method: 'GET', path: 'secret/data/slow', token: 'hvs.SENTINEL' }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    t.close();
    server?.closeAllConnections();
    expect(err).toEqual(expect.objectContaining({ status: 0, retryable: true, message: 'vault secret/data/slow: no response (timeout)' }));
    // An idle timeout never fires here (a byte arrives every second); only a total deadline does.
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(5000);
  }, 15_000);

  it('reads a rotated CA bundle and client certificate from their files for the next request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlet-tls-'));
    try {
      const [ca1, ca2] = [await createCa({ commonName: 'ca-one', validityMs: 3_600_000 }), await createCa({ commonName: 'ca-two', validityMs: 3_600_000 })];
      const server1 = await issueCertificate({ ca: ca1, commonName: 'vault', ipAddresses: ['127.0.0.1'], validityMs: 3_600_000, usages: ['server'] });
      const server2 = await issueCertificate({ ca: ca2, commonName: 'vault', ipAddresses: ['127.0.0.1'], validityMs: 3_600_000, usages: ['server'] });
      const client1 = await issueCertificate({ ca: ca1, commonName: 'client-one', validityMs: 3_600_000, usages: ['client'] });
      const client2 = await issueCertificate({ ca: ca1, commonName: 'client-two', validityMs: 3_600_000, usages: ['client'] });
      const files = { caCertPath: join(dir, 'ca.crt'), clientCertPath: join(dir, 'tls.crt'), clientKeyPath: join(dir, 'tls.key') };
      const put = (ca: string, client: { certPem: string; keyPem: string }): void => {
        writeFileSync(files.caCertPath, ca);
        writeFileSync(files.clientCertPath, client.certPem);
        writeFileSync(files.clientKeyPath, client.keyPem);
      };
      put(ca1.certPem, client1);
      const seen: Seen[] = [];
      const s = https.createServer({ cert: server1.certPem, key: server1.keyPem, ca: ca1.certPem, requestCert: true, rejectUnauthorized: false }, handler(seen));
      const connections: Socket[] = [];
      s.on('secureConnection', (socket: Socket) => { connections.push(socket); });
      s.keepAliveTimeout = 0; // the server never closes an idle connection itself
      const port = await listen(s);
      const t = createHttpTransport({ address: `https://127.0.0.1:${port}`, tls: createTlsSource(files) });
      expect((await t.send({ method: 'GET', path: 'x' })).status).toBe(200);
      // Vault's certificate is re-issued by a new CA, and the CA file and client certificate rotate.
      s.setSecureContext({ cert: server2.certPem, key: server2.keyPem, ca: ca1.certPem });
      put(ca2.certPem, client2);
      expect((await t.send({ method: 'GET', path: 'y' })).status).toBe(200);
      expect(connections).toHaveLength(2);
      // The idle keep-alive connection made with the old certificates is closed, not left open.
      await new Promise<void>((resolve) => { if (connections[0]!.destroyed) resolve(); else connections[0]!.once('close', () => { resolve(); }); });
      t.close();
      expect(seen.map((x) => [x.url, x.clientCertCn])).toEqual([['/v1/x', 'client-one'], ['/v1/y', 'client-two']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a request with a retryable VaultError naming the error code when a TLS file is gone', async () => {
    const t = createHttpTransport({ address: 'https://127.0.0.1:1', tls: createTlsSource({ caCertPath: '/nonexistent/ca.crt' }) });
    await expect(t.send({ method: 'GET', path: 'x' })).rejects.toEqual(expect.objectContaining({ status: 0, retryable: true, message: 'vault x: no response (cannot read the TLS files (ENOENT))' }));
    t.close();
  });

  it('goes through HTTPS_PROXY: an http:// Vault address is requested in absolute form from the proxy', async () => {
    const seen: Seen[] = [];
    const port = await listen(http.createServer(handler(seen)));
    const t = createHttpTransport({ address: 'http://vault.invalid:8200', proxyUrl: `http://127.0.0.1:${port}` });
    expect((await t.send({ method: 'GET', path: 'sys/health', token: 'tok' })).status).toBe(200);
    t.close();
    expect(seen.map((s) => [s.method, s.url, s.headers['x-vault-token']])).toEqual([['GET', 'http://vault.invalid:8200/v1/sys/health', 'tok']]);
  });

  it('tunnels an https:// Vault address through HTTPS_PROXY with CONNECT and still verifies Vault', async () => {
    const ca = await createCa({ commonName: 'test-ca', validityMs: 3_600_000 });
    const pair = await issueCertificate({ ca, commonName: 'vault', ipAddresses: ['127.0.0.1'], validityMs: 3_600_000, usages: ['server'] });
    const seen: Seen[] = [];
    const vaultPort = await listen(https.createServer({ cert: pair.certPem, key: pair.keyPem }, handler(seen)));
    const vaultServer = server;
    const connects: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: Socket) => {
      connects.push(req.url ?? '');
      const upstream = connect(vaultPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const t = createHttpTransport({ address: `https://127.0.0.1:${vaultPort}`, caCertPem: ca.certPem, proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    expect((await t.send({ method: 'GET', path: 'sys/health' })).status).toBe(200);
    t.close();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => { resolve(); }));
    vaultServer?.closeAllConnections();
    expect(connects).toEqual([`127.0.0.1:${vaultPort}`]);
    expect(seen.map((x) => x.url)).toEqual(['/v1/sys/health']);
  });
});
