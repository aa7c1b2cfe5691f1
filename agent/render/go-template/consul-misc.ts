// consul-template's environment, file, time, collection and scratch functions. The ones that need
// the outside world reach it through the ConsulHost the engine passes as CallContext.host.
import type { FileWrite, InterfaceAddress } from '../engine.ts';
import { TemplateFileError } from '../template-files.ts';
import type { CallContext, GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { list, map, str } from './args.ts';
import { formatGoTime, RFC3339 } from './go-time.ts';
import { GoFloat, GoStruct, JsonNumber, isMap, mapGet, sortedKeys, type GoMap, type Method } from './values.ts';

/** What consul-template functions need from the agent, per render. */
export interface ConsulHost {
  env(name: string): string | undefined;
  readFile(path: string): string;
  now(): Date;
  readonly scratch: GoStruct;
  secret(args: readonly string[]): unknown;
  secrets(path: string): unknown;
  pkiCert(args: readonly string[]): unknown;
  /** Records a `writeToFile` call; the renderer writes it after a complete render. */
  writeToFile(write: FileWrite): void;
  interfaces(): readonly InterfaceAddress[];
  /** Uniform in [0, 1), for Sprig's randInt and shuffle. */
  random(): number;
  /** Counts a costly call (key generation, bcrypt, scrypt); throws past the per-render budget. */
  spend(name: string): void;
}

function isConsulHost(v: unknown): v is ConsulHost {
  return typeof v === 'object' && v !== null && 'secret' in v && 'scratch' in v;
}

export function consulHost(ctx: CallContext, name: string): ConsulHost {
  if (!isConsulHost(ctx.host)) throw new Error(`${name} is not available in this context`);
  return ctx.host;
}

function loopBound(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat && Number.isInteger(v.value)) return v.value;
  if (typeof v === 'string' || v instanceof JsonNumber) {
    const t = typeof v === 'string' ? v : v.text;
    if (/^[+-]?\d+$/.test(t)) return Number(t);
  }
  throw new Error('loop: bad argument type');
}

function loop(args: readonly unknown[]): number[] {
  arity(args, 1, 2);
  const [start, stop] = args.length === 1 ? [0, loopBound(args[0])] : [loopBound(args[0]), loopBound(args[1])];
  const out: number[] = [];
  for (let i = start; i < stop; i++) out.push(i);
  return out;
}

export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, deepCopy(v[k])]));
  return v;
}

/** mergo.Map: fills keys dst lacks from src (recursively into nested maps); override replaces values. */
export function merge(dst: GoMap, src: GoMap, override: boolean): GoMap {
  const out = deepCopy(dst) as GoMap;
  for (const k of Object.keys(src)) {
    const d = mapGet(out, k);
    const s = src[k];
    if (isMap(d) && isMap(s)) out[k] = merge(d, s, override);
    else if (d === undefined || d === null || (override && s !== null && s !== undefined)) out[k] = deepCopy(s);
  }
  return out;
}

/** explodeMap: keys with `/` become nested maps (`a/b: 1` -> `a: {b: 1}`). */
function explodeMap(m: GoMap): GoMap {
  const out: GoMap = {};
  for (const k of sortedKeys(m)) {
    const parts = k.split('/').filter((p) => p !== '');
    let node = out;
    parts.slice(0, -1).forEach((p) => {
      const next = mapGet(node, p);
      if (!isMap(next)) node[p] = {};
      node = node[p] as GoMap;
    });
    const last = parts[parts.length - 1];
    if (last !== undefined) node[last] = m[k];
  }
  return out;
}

/** explode over a list of key/value pairs (maps or structs with Key and Value). */
function explode(pairs: readonly unknown[]): GoMap {
  const flat: GoMap = {};
  for (const p of pairs) {
    const get = (f: string): unknown => (p instanceof GoStruct ? p.fields.get(f) : isMap(p) ? mapGet(p, f) : undefined);
    flat[str(get('Key'))] = get('Value') ?? '';
  }
  return explodeMap(flat);
}

/** consul-template's Scratch: a per-template key/value store for building values across actions. */
export function newScratch(): GoStruct {
  const values = new Map<string, unknown>();
  const mapSet = (overwrite: boolean): Method => (a) => {
    arity(a, 3);
    const k = str(a[0]);
    const existing = values.get(k);
    const m: GoMap = isMap(existing) ? existing : {};
    values.set(k, m);
    const mk = str(a[1]);
    if (overwrite || !Object.hasOwn(m, mk)) m[mk] = a[2];
    return '';
  };
  const methods = new Map<string, Method>([
    ['Key', (a) => (arity(a, 1), values.has(str(a[0])))],
    ['Get', (a) => (arity(a, 1), values.get(str(a[0])) ?? null)],
    ['Set', (a) => (arity(a, 2), values.set(str(a[0]), a[1]), '')],
    ['SetX', (a) => {
      arity(a, 2);
      if (!values.has(str(a[0]))) values.set(str(a[0]), a[1]);
      return '';
    }],
    ['MapSet', mapSet(true)],
    ['MapSetX', mapSet(false)],
    ['MapValues', (a) => {
      arity(a, 1);
      const m = values.get(str(a[0]));
      return isMap(m) ? sortedKeys(m).map((k) => m[k]) : [];
    }],
  ]);
  return new GoStruct('Scratch', new Map(), methods);
}

export const CONSUL_MISC_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['env', (a, ctx) => (arity(a, 1), consulHost(ctx, 'env').env(str(a[0])) ?? '')],
  ['mustEnv', (a, ctx) => {
    arity(a, 1);
    const v = consulHost(ctx, 'mustEnv').env(str(a[0]));
    if (v === undefined) throw new Error(`required environment variable ${str(a[0])} is empty`);
    return v;
  }],
  ['envOrDefault', (a, ctx) => (arity(a, 2), consulHost(ctx, 'envOrDefault').env(str(a[0])) ?? str(a[1]))],
  ['file', (a, ctx) => {
    arity(a, 1);
    try {
      return consulHost(ctx, 'file').readFile(str(a[0]));
    } catch (err) {
      // The sandbox's refusals name the path as the template wrote it; other errors could say more.
      if (err instanceof TemplateFileError) throw new Error(err.message, { cause: err });
      throw new Error('file: cannot read the file', { cause: err });
    }
  }],
  ['timestamp', (a, ctx) => {
    arity(a, 0, 1);
    const now = consulHost(ctx, 'timestamp').now();
    if (a.length === 0) return formatGoTime(now, RFC3339);
    const layout = str(a[0]);
    return layout === 'unix' ? String(Math.floor(now.getTime() / 1000)) : formatGoTime(now, layout);
  }],
  ['loop', loop],
  ['scratch', (a, ctx) => (arity(a, 0), consulHost(ctx, 'scratch').scratch)],
  ['executeTemplate', (a, ctx) => (arity(a, 1, 2), ctx.executeTemplate(str(a[0]), a.length > 1 ? a[1] : null))],
  ['explode', (a) => (arity(a, 1), explode(list(a[0])))],
  ['explodeMap', (a) => (arity(a, 1), explodeMap(map(a[0])))],
  ['mergeMap', (a) => (arity(a, 2), merge(map(a[0]), map(a[1]), false))],
  ['mergeMapWithOverride', (a) => (arity(a, 2), merge(map(a[0]), map(a[1]), true))],
  ['secret', (a, ctx) => (arity(a, 1, Infinity), consulHost(ctx, 'secret').secret(a.map(str)))],
  ['secrets', (a, ctx) => (arity(a, 1), consulHost(ctx, 'secrets').secrets(str(a[0])))],
  ['pkiCert', (a, ctx) => (arity(a, 1, Infinity), consulHost(ctx, 'pkiCert').pkiCert(a.map(str)))],
]);
