// One render's connection to the agent: the `secret`, `secrets` and `pkiCert` functions look up
// Vault responses through RenderContext.lookup, record every request (dependencies) and the ones
// with no data yet (missing), and turn responses into the Go values consul-template exposes
// It also collects every secret string it hands out, so error messages can
// be redacted.
import { secretRequestKey, type FileWrite, type InterfaceAddress, type RenderContext, type SecretRequest, type VaultResponse } from '../engine.ts';
import { newScratch, type ConsulHost } from './consul-misc.ts';
import { GoNilPointer, GoStruct, JsonNumber, fromJson, isMap, type GoMap } from './values.ts';

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

function authStruct(auth: unknown): GoStruct | GoNilPointer {
  if (!isMap(auth)) return new GoNilPointer('dependency.SecretAuth');
  return new GoStruct('dependency.SecretAuth', new Map<string, unknown>([
    ['ClientToken', jsonStr(field(auth, 'client_token'))],
    ['Accessor', jsonStr(field(auth, 'accessor'))],
    ['Policies', fromJson(field(auth, 'policies') ?? [], 'json')],
    ['Metadata', fromJson(field(auth, 'metadata') ?? {}, 'json')],
    ['LeaseDuration', jsonInt(field(auth, 'lease_duration'))],
    ['Renewable', field(auth, 'renewable') === true],
  ]));
}

function wrapInfoStruct(info: unknown): GoStruct | GoNilPointer {
  if (!isMap(info)) return new GoNilPointer('dependency.SecretWrapInfo');
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

/** `secrets`: the LIST response's key names, sorted. */
function listing(response: VaultResponse): string[] {
  const k = field(response.data, 'keys');
  return Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string').sort() : [];
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

/**
 * Shorter values are not redacted: error details are built without argument values already, and
 * replacing every "a" or "1" would garble the message without protecting anything real.
 */
const MIN_REDACTED_LENGTH = 4;

type Converter = (r: VaultResponse) => unknown;
interface Converted {
  readonly convert: Converter;
  /** What the conversion was made from: a response updated in place (renewal) is converted again. */
  readonly data: unknown;
  readonly lease: string;
  readonly value: unknown;
  readonly secrets: readonly string[];
}

/**
 * Conversions cached per response object, so re-renders with unchanged data do not rebuild the Go
 * values. As in consul-template (whose brain shares one *Secret between templates), a template that
 * changes a map in place (sprig_set) changes it for later renders of the same response too.
 */
const CONVERSIONS = new WeakMap<VaultResponse, Converted>();

function converted_(response: VaultResponse, convert: Converter): Converted {
  const cached = CONVERSIONS.get(response);
  const lease = `${response.lease_id}|${response.lease_duration}|${response.renewable}`;
  if (cached !== undefined && cached.convert === convert && cached.data === response.data && cached.lease === lease) return cached;
  const secrets: string[] = [];
  collectSecrets(response.data, secrets);
  collectSecrets(response.auth, secrets);
  collectSecrets(response.wrap_info, secrets);
  const fresh: Converted = { convert, data: response.data, lease, value: convert(response), secrets };
  CONVERSIONS.set(response, fresh);
  return fresh;
}

function collectSecrets(v: unknown, out: string[]): void {
  if (typeof v === 'string') {
    if (v.length >= MIN_REDACTED_LENGTH) out.push(v);
  } else if (v instanceof JsonNumber) {
    if (v.text.length >= MIN_REDACTED_LENGTH) out.push(v.text);
  } else if (Array.isArray(v)) v.forEach((e) => collectSecrets(e, out));
  else if (isMap(v)) for (const k of Object.keys(v)) collectSecrets(v[k], out);
}

/**
 * Key generation, bcrypt and scrypt cost tens to hundreds of milliseconds each: a template looping
 * over them could hold the agent's CPU for minutes. No real template needs more than a few.
 */
const MAX_COSTLY_CALLS = 16;

export class RenderHost implements ConsulHost {
  private scratchStore: GoStruct | undefined;
  private costlyCalls = 0;
  readonly dependencies: SecretRequest[] = [];
  readonly missing: SecretRequest[] = [];
  readonly fileWrites: FileWrite[] = [];
  /** Secret strings handed to the template, for redacting error messages. */
  readonly secretValues = new Set<string>();
  private readonly context: RenderContext;
  private readonly seen = new Map<string, unknown>();

  constructor(context: RenderContext) {
    this.context = context;
  }

  /** Created on first use: most templates never touch it. */
  get scratch(): GoStruct {
    this.scratchStore ??= newScratch();
    return this.scratchStore;
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

  writeToFile(write: FileWrite): void {
    this.fileWrites.push(write);
  }

  interfaces(): readonly InterfaceAddress[] {
    return this.context.interfaces?.() ?? [];
  }

  random(): number {
    return (this.context.random ?? Math.random)();
  }

  spend(name: string): void {
    this.costlyCalls++;
    if (this.costlyCalls > MAX_COSTLY_CALLS) {
      throw new Error(`${name}: more than ${MAX_COSTLY_CALLS} key generations, bcrypt or scrypt calls in one render`);
    }
  }

  secret(args: readonly string[]): unknown {
    const [path = '', ...rest] = args;
    return this.request('secret', path, parseParams(rest), secretStruct);
  }

  secrets(path: string): unknown {
    return this.request('secrets', path, {}, listing) ?? [];
  }

  pkiCert(args: readonly string[]): unknown {
    const [path = '', ...rest] = args;
    return this.request('pkiCert', path, parseParams(rest), pemStruct);
  }

  private request(kind: SecretRequest['kind'], path: string, params: Record<string, string>, convert: Converter): unknown {
    const key = secretRequestKey(kind, path, params);
    if (this.seen.has(key)) return this.seen.get(key);
    const request: SecretRequest = { kind, path: path.replace(/^\/+/, ''), params, key };
    this.dependencies.push(request);
    const response = this.context.lookup(request);
    let value: unknown = null;
    if (response === undefined) this.missing.push(request);
    else {
      const converted = converted_(response, convert);
      value = converted.value;
      for (const s of converted.secrets) this.secretValues.add(s);
    }
    this.seen.set(key, value);
    return value;
  }

  /** The message with every secret value replaced by `[redacted]` (longest first). */
  redact(message: string): string {
    let out = message;
    for (const s of [...this.secretValues].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return out;
  }
}
