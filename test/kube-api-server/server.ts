// A local stand-in for kube-apiserver (HTTPS on 127.0.0.1, its own CA) answering the calls vaultlet's auto-TLS makes, the way the
// real one does: Status bodies on errors, 404 / 409 AlreadyExists / 409 Conflict on a stale
// resourceVersion, resourceVersion bumps on every write, bearer-token auth, JSON patch and merge
// patch on PATCH (415 for anything else), and the decoder's checks on MicroTime and base64 fields.
// No watch: vaultlet polls. Used through the real @kubernetes/client-node in tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fastJsonPatch from 'fast-json-patch';
import { createCa, issueCertificate } from '../../shared/tls/certificates.ts';
import { parsePath, RESOURCES, type ResourceType } from './resources.ts';
import * as status from './status.ts';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

export interface Fault {
  readonly method: string;
  readonly resource: string;
  /** HTTP status to answer with instead of handling the request. */
  readonly status: number;
  readonly times?: number;
}

export interface FakeKubeApiServer {
  readonly url: string;
  readonly token: string;
  /** The CA that signed the server's certificate (what a kubeconfig's certificate-authority-data holds). */
  readonly caPem: string;
  readonly requests: RecordedRequest[];
  /** A stored object (a deep copy), or undefined. */
  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Writes an object as another client would (bumps resourceVersion). */
  put(resource: string, obj: KubeObject): KubeObject;
  remove(resource: string, namespace: string | undefined, name: string): void;
  /** Answers the next matching requests with a bare Status of that code. */
  fail(fault: Fault): void;
  /** Runs fn just before the next matching request is handled (e.g. to make it conflict). */
  before(method: string, resource: string, fn: () => void): void;
  close(): Promise<void>;
}

type Result = { readonly code: number; readonly body: unknown };

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const PHRASE: Readonly<Record<number, string>> = { 500: 'InternalError', 503: 'ServiceUnavailable', 429: 'TooManyRequests', 403: 'Forbidden' };

export async function startKubeApiServer(options: { readonly token?: string } = {}): Promise<FakeKubeApiServer> {
  const token = options.token ?? `test-token-${randomUUID()}`;
  const objects = new Map<string, KubeObject>();
  const requests: RecordedRequest[] = [];
  const faults: (Fault & { remaining: number })[] = [];
  const hooks: { method: string; resource: string; fn: () => void }[] = [];
  let revision = 100;

  const key = (resource: string, namespace: string | undefined, name: string): string => `${resource}/${namespace ?? ''}/${name}`;
  const typeOf = (resource: string): ResourceType => {
    const type = RESOURCES.find((r) => r.resource === resource);
    if (type === undefined) throw new Error(`unknown resource ${resource}`);
    return type;
  };

  function store(type: ResourceType, obj: KubeObject, previous: KubeObject | undefined): KubeObject {
    revision += 1;
    const meta = obj.metadata;
    const stored: KubeObject = {
      ...clone(obj),
      apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
      kind: type.kind,
      metadata: {
        ...clone(meta),
        uid: previous?.metadata['uid'] ?? randomUUID(),
        creationTimestamp: previous?.metadata['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        resourceVersion: String(revision),
      },
    };
    const ns = type.namespaced ? String(meta['namespace']) : undefined;
    objects.set(key(type.resource, ns, String(meta['name'])), stored);
    return clone(stored);
  }

  function create(type: ResourceType, namespace: string | undefined, body: unknown): Result {
    if (!isRecord(body) || !isRecord(body['metadata'])) return { code: 400, body: status.badRequest('Object \'Kind\' is missing in request body') };
    const obj = body as KubeObject;
    const name = obj.metadata['name'];
    if (typeof name !== 'string' || name === '') return { code: 422, body: status.invalid(type, '', 'metadata.name: Required value: name or generateName is required') };
    if (obj['kind'] !== undefined && obj['kind'] !== type.kind) return { code: 400, body: status.badRequest(`the API version in the data does not match the expected kind ${type.kind}`) };
    if (type.namespaced) {
      if (obj.metadata['namespace'] !== undefined && obj.metadata['namespace'] !== namespace) {
        return { code: 400, body: status.badRequest('the namespace of the provided object does not match the namespace sent on the request') };
      }
      obj.metadata['namespace'] = namespace;
    }
    if (obj.metadata['resourceVersion'] !== undefined && obj.metadata['resourceVersion'] !== '') {
      return { code: 500, body: { ...status.badRequest('resourceVersion should not be set on objects to be created'), reason: 'InternalError', code: 500 } };
    }
    const decodeError = type.decodeError(obj);
    if (decodeError !== undefined) return { code: 400, body: status.badRequest(decodeError) };
    if (objects.has(key(type.resource, namespace, name))) return { code: 409, body: status.alreadyExists(type, name) };
    return { code: 201, body: store(type, obj, undefined) };
  }

  function update(type: ResourceType, namespace: string | undefined, name: string, body: unknown): Result {
    if (!isRecord(body) || !isRecord(body['metadata'])) return { code: 400, body: status.badRequest('Object \'Kind\' is missing in request body') };
    const obj = body as KubeObject;
    if (obj.metadata['name'] !== name) {
      return { code: 400, body: status.badRequest(`the name of the object (${String(obj.metadata['name'])}) does not match the name on the URL (${name})`) };
    }
    if (type.namespaced) obj.metadata['namespace'] = namespace;
    const decodeError = type.decodeError(obj);
    if (decodeError !== undefined) return { code: 400, body: status.badRequest(decodeError) };
    const previous = objects.get(key(type.resource, namespace, name));
    if (previous === undefined) return { code: 404, body: status.notFound(type, name) };
    const rv = obj.metadata['resourceVersion'];
    if (rv !== undefined && rv !== '' && rv !== previous.metadata['resourceVersion']) return { code: 409, body: status.conflict(type, name) };
    return { code: 200, body: store(type, obj, previous) };
  }

  function patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string, body: unknown): Result {
    const previous = objects.get(key(type.resource, namespace, name));
    if (previous === undefined) return { code: 404, body: status.notFound(type, name) };
    let patched: unknown;
    if (contentType === 'application/json-patch+json') {
      if (!Array.isArray(body)) return { code: 400, body: status.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch') };
      try {
        patched = fastJsonPatch.applyPatch(clone(previous), body as fastJsonPatch.Operation[], true, false).newDocument;
      } catch {
        return { code: 422, body: status.invalid(type, name, 'the server rejected our request due to an error in our request') };
      }
    } else if (contentType === 'application/merge-patch+json') {
      patched = mergePatch(previous, body);
    } else {
      return { code: 415, body: status.unsupportedMediaType(contentType) };
    }
    if (!isRecord(patched) || !isRecord(patched['metadata'])) return { code: 422, body: status.invalid(type, name, 'metadata: Required value') };
    const rv = patched['metadata']['resourceVersion'];
    if (rv !== previous.metadata['resourceVersion']) return { code: 409, body: status.conflict(type, name) };
    const decodeError = type.decodeError(patched);
    if (decodeError !== undefined) return { code: 400, body: status.badRequest(decodeError) };
    return { code: 200, body: store(type, patched as KubeObject, previous) };
  }

  function handle(method: string, path: string, contentType: string, body: unknown): Result {
    const parsed = parsePath(path);
    if (parsed === undefined) return { code: 404, body: { ...status.notFound({ resource: '', group: '' }, ''), message: 'the server could not find the requested resource' } };
    const { type, namespace, name } = parsed;
    const hook = hooks.findIndex((h) => h.method === method && h.resource === type.resource);
    if (hook >= 0) hooks.splice(hook, 1)[0]?.fn();
    const fault = faults.find((f) => f.method === method && f.resource === type.resource && f.remaining > 0);
    if (fault !== undefined) {
      fault.remaining -= 1;
      const reason = PHRASE[fault.status] ?? 'InternalError';
      return { code: fault.status, body: { ...status.badRequest('injected fault'), reason, code: fault.status } };
    }
    if (method === 'POST' && name === undefined) return create(type, namespace, body);
    if (name === undefined) return { code: 405, body: status.methodNotAllowed() };
    if (method === 'GET') {
      const obj = objects.get(key(type.resource, namespace, name));
      return obj === undefined ? { code: 404, body: status.notFound(type, name) } : { code: 200, body: clone(obj) };
    }
    if (method === 'PUT') return update(type, namespace, name, body);
    if (method === 'PATCH') return patch(type, namespace, name, contentType, body);
    return { code: 405, body: status.methodNotAllowed() };
  }

  function respond(res: ServerResponse, result: Result): void {
    res.writeHead(result.code, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    res.end(JSON.stringify(result.body));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    let result: Result;
    try {
      body = text === '' ? undefined : JSON.parse(text);
      result = req.headers.authorization === `Bearer ${token}` ? handle(method, url.pathname, contentType, body) : { code: 401, body: status.unauthorized() };
    } catch {
      result = { code: 400, body: status.badRequest('couldn\'t get version/kind; json parse error') };
    }
    requests.push({ method, path: url.pathname, contentType: req.headers['content-type'], body, status: result.code });
    respond(res, result);
  }

  const ca = await createCa({ commonName: 'fake-kube-apiserver-ca', validityMs: 3_600_000 });
  const leaf = await issueCertificate({ ca, commonName: 'kube-apiserver', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], validityMs: 3_600_000, usages: ['server'] });
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    onRequest(req, res).catch(() => { res.destroy(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    token,
    caPem: ca.certPem,
    requests,
    get: (resource, namespace, name) => {
      const obj = objects.get(key(resource, namespace, name));
      return obj === undefined ? undefined : clone(obj);
    },
    put: (resource, obj) => {
      const type = typeOf(resource);
      const ns = type.namespaced ? String(obj.metadata['namespace']) : undefined;
      return store(type, obj, objects.get(key(resource, ns, String(obj.metadata['name']))));
    },
    remove: (resource, namespace, name) => {
      objects.delete(key(resource, namespace, name));
    },
    fail: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    before: (method, resource, fn) => {
      hooks.push({ method, resource, fn });
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => { if (err === undefined) resolve(); else reject(err); });
    }),
  };
}
