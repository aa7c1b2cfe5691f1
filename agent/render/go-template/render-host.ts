// One render's connection to the agent: the `secret`, `secrets` and `pkiCert` functions look up
// Vault responses through RenderContext.lookup, record every request (dependencies) and the ones
// with no data yet (missing), and turn responses into the Go values consul-template exposes
// (spec/agent.md §4.2). It also collects every secret string it hands out, so error messages can
// be redacted.
import { secretRequestKey, type RenderContext, type SecretRequest, type VaultResponse } from '../engine.ts';
import { newScratch, type ConsulHost } from './consul-misc.ts';
import { GoStruct, JsonNumber, fromJson, isMap, type GoMap } from './values.ts';

function field(m: unknown, key: string): unknown {
  return isMap(m) && Object.hasOwn(m, key) ? m[key] : undefined;
}

function jsonStr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function jsonInt(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (v instanceof JsonNumber) return Math.trunc(Number(v.text));
  return 0;
}

function authStruct(auth: unknown): GoStruct | null {
  if (!isMap(auth)) return null;
  return new GoStruct('dependency.SecretAuth', new Map<string, unknown>([
    ['ClientToken', jsonStr(field(auth, 'client_token'))],
    ['Accessor', jsonStr(field(auth, 'accessor'))],
    ['Policies', fromJson(field(auth, 'policies') ?? [], 'json')],
    ['Metadata', fromJson(field(auth, 'metadata') ?? {}, 'json')],
    ['LeaseDuration', jsonInt(field(auth, 'lease_duration'))],
    ['Renewable', field(auth, 'renewable') === true],
  ]));
}

function wrapInfoStruct(info: unknown): GoStruct | null {
  if (!isMap(info)) return null;
  return new GoStruct('dependency.SecretWrapInfo', new Map<string, unknown>([
    ['Token', jsonStr(field(info, 'token'))],
    ['TTL', jsonInt(field(info, 'ttl'))],
    ['CreationTime', jsonStr(field(info, 'creation_time'))],
    ['WrappedAccessor', jsonStr(field(info, 'wrapped_accessor'))],
  ]));
}

/** consul-template's *dependency.Secret for a Vault response. */
export function secretStruct(response: VaultResponse): GoStruct {
  const data = fromJson(response.data ?? {}, 'json');
  return new GoStruct('dependency.Secret', new Map<string, unknown>([
    ['RequestID', response.request_id ?? ''],
    ['LeaseID', response.lease_id],
    ['LeaseDuration', response.lease_duration],
    ['Renewable', response.renewable],
    ['Data', isMap(data) ? data : {}],
    ['Warnings', [...(response.warnings ?? [])]],
    ['Auth', authStruct(response.auth)],
    ['WrapInfo', wrapInfoStruct(response.wrap_info)],
  ]));
}

function pem(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : '';
  return s === '' ? '' : `${s}\n`;
}

/** pkiCert's value: .Cert .Key .CA .CAChain, also under .Data. */
function pemStruct(response: VaultResponse): GoStruct {
  const d = response.data;
  const chain = field(d, 'ca_chain');
  const fields = new Map<string, unknown>([
    ['Cert', pem(field(d, 'certificate'))],
    ['Key', pem(field(d, 'private_key'))],
    ['CA', pem(field(d, 'issuing_ca'))],
    ['CAChain', Array.isArray(chain) ? chain.map(pem) : []],
  ]);
  const data: GoMap = Object.fromEntries(fields);
  fields.set('Data', data);
  return new GoStruct('dependency.PemEncoded', fields);
}

function parseParams(args: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at < 1) throw new Error('invalid parameter: must be key=value');
    params[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return params;
}

export class RenderHost implements ConsulHost {
  readonly scratch = newScratch();
  readonly dependencies: SecretRequest[] = [];
  readonly missing: SecretRequest[] = [];
  /** Secret strings handed to the template, for redacting error messages. */
  readonly secretValues = new Set<string>();
  private readonly context: RenderContext;
  private readonly seen = new Map<string, unknown>();

  constructor(context: RenderContext) {
    this.context = context;
  }

  env(name: string): string | undefined {
    return this.context.env(name);
  }

  readFile(path: string): string {
    return this.context.readFile(path);
  }

  now(): Date {
    return this.context.now();
  }

  secret(args: readonly string[]): unknown {
    const [path = '', ...rest] = args;
    return this.request('secret', path, parseParams(rest), secretStruct);
  }

  secrets(path: string): unknown {
    const keys = this.request('secrets', path, {}, (r) => {
      const k = field(r.data, 'keys');
      return Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string').sort() : [];
    });
    return keys ?? [];
  }

  pkiCert(args: readonly string[]): unknown {
    const [path = '', ...rest] = args;
    return this.request('pkiCert', path, parseParams(rest), pemStruct);
  }

  private request(kind: SecretRequest['kind'], path: string, params: Record<string, string>, convert: (r: VaultResponse) => unknown): unknown {
    const key = secretRequestKey(kind, path, params);
    if (this.seen.has(key)) return this.seen.get(key);
    const request: SecretRequest = { kind, path: path.replace(/^\/+/, ''), params, key };
    this.dependencies.push(request);
    const response = this.context.lookup(request);
    let value: unknown = null;
    if (response === undefined) this.missing.push(request);
    else {
      value = convert(response);
      this.collectSecrets(response.data);
      this.collectSecrets(response.auth);
      this.collectSecrets(response.wrap_info);
    }
    this.seen.set(key, value);
    return value;
  }

  private collectSecrets(v: unknown): void {
    if (typeof v === 'string') {
      if (v.trim() !== '') this.secretValues.add(v);
    } else if (Array.isArray(v)) v.forEach((e) => this.collectSecrets(e));
    else if (v instanceof JsonNumber) this.secretValues.add(v.text);
    else if (isMap(v)) for (const k of Object.keys(v)) this.collectSecrets(v[k]);
  }

  /** The message with every secret value replaced by `[redacted]` (longest first). */
  redact(message: string): string {
    let out = message;
    for (const s of [...this.secretValues].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return out;
  }
}
