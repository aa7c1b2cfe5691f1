// The reviewed helper set of the Handlebars engine. Vault helpers (`secret`, `secrets`, `pkiCert`)
// find their data through the render context and record what they asked for; the others are the
// consul-template functions people use most, with the same argument order (subject last).
// Helper errors carry the helper name and the problem, never the value that caused it.
import type { HelperDelegate, HelperOptions } from 'handlebars';
import { stringify as yamlStringify } from 'yaml';
import { secretRequestKey, type RenderContext, type SecretRequest, type VaultResponse } from '../engine.ts';
import { isPlaceholder, listingView, pkiCertView, placeholder, secretView } from './secret-view.ts';
import { JsonNumber } from '../../vault/json-number.ts';

/** Per-render state, handed to helpers through Handlebars' `@data`. */
export interface RenderState {
  readonly context: RenderContext;
  readonly errorOnMissingKey: boolean;
  readonly dependencies: Map<string, SecretRequest>;
  readonly missing: Map<string, SecretRequest>;
}

export const STATE_KEY = 'vaultletRender';

/** A helper was used wrongly; the message is safe to show (no values). */
export class HelperError extends Error {
  readonly line?: number;
  readonly column?: number;
  constructor(helper: string, detail: string, options: HelperOptions | undefined) {
    super(`${helper}: ${detail}`);
    const loc = (options as { loc?: { start?: { line?: number; column?: number } } } | undefined)?.loc?.start;
    if (loc?.line !== undefined) this.line = loc.line;
    if (loc?.column !== undefined) this.column = loc.column + 1;
  }
}

type Args = readonly unknown[];

/** Handlebars passes its options object last; split it off. */
function split(args: Args): { params: Args; options: HelperOptions } {
  return { params: args.slice(0, -1), options: args[args.length - 1] as HelperOptions };
}

function stateOf(name: string, options: HelperOptions): RenderState {
  const state = (options.data as Record<string, unknown> | undefined)?.[STATE_KEY];
  if (state === undefined) throw new HelperError(name, 'called outside a vaultlet render', options);
  return state as RenderState;
}

/** Text of a value for string helpers: strings, numbers and booleans; data not fetched yet is "". */
function text(name: string, value: unknown, options: HelperOptions): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof JsonNumber) return String(value);
  if (value === undefined || value === null || isPlaceholder(value)) return '';
  throw new HelperError(name, 'expects a string argument', options);
}

function arity(name: string, params: Args, n: number, options: HelperOptions): void {
  if (params.length !== n) throw new HelperError(name, `expects ${n} argument${n === 1 ? '' : 's'}, got ${params.length}`, options);
}

/** `secret "path" ["k=v" ...] ["Data.field.path"]`, hash arguments also become parameters. */
function parseVaultArgs(name: string, params: Args, options: HelperOptions): { path: string; params: Record<string, string>; field?: string } {
  const [path, ...rest] = params;
  if (typeof path !== 'string' || path.trim() === '') throw new HelperError(name, 'expects a Vault path as first argument', options);
  const kv: Record<string, string> = {};
  let field: string | undefined;
  rest.forEach((arg, i) => {
    if (typeof arg !== 'string') throw new HelperError(name, 'arguments after the path must be strings', options);
    const eq = arg.indexOf('=');
    if (eq > 0) kv[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (i === rest.length - 1 && eq < 0) field = arg;
    else throw new HelperError(name, 'arguments after the path must be "key=value" (a field path may come last)', options);
  });
  for (const [k, v] of Object.entries(options.hash as Record<string, unknown>)) kv[k] = String(v);
  return { path: path.replace(/^\/+/, ''), params: kv, ...(field === undefined ? {} : { field }) };
}

function fetchFor(state: RenderState, kind: SecretRequest['kind'], path: string, params: Readonly<Record<string, string>>): VaultResponse | undefined {
  const request: SecretRequest = { kind, path, params, key: secretRequestKey(kind, path, params) };
  state.dependencies.set(request.key, request);
  const response = state.context.lookup(request);
  if (response === undefined) state.missing.set(request.key, request);
  return response;
}

function pickField(name: string, view: unknown, field: string, state: RenderState, options: HelperOptions): unknown {
  let current: unknown = view;
  for (const part of field.split('.')) {
    if (isPlaceholder(current)) return current;
    const owner = typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : undefined;
    if (owner === undefined || !Object.hasOwn(owner, part)) {
      if (state.errorOnMissingKey) throw new HelperError(name, `missing key "${field}"`, options);
      return '';
    }
    current = owner[part];
  }
  return current;
}

function vaultHelper(kind: 'secret' | 'pkiCert', present: (r: VaultResponse) => unknown): HelperDelegate {
  return function (this: unknown, ...args: unknown[]): unknown {
    const { params, options } = split(args);
    const state = stateOf(kind, options);
    const parsed = parseVaultArgs(kind, params, options);
    const response = fetchFor(state, kind, parsed.path, parsed.params);
    const view = response === undefined ? placeholder() : present(response);
    const value = parsed.field === undefined ? view : pickField(kind, view, parsed.field, state, options);
    return typeof options.fn === 'function' ? options.fn(value) : value;
  };
}

function secretsHelper(this: unknown, ...args: unknown[]): unknown {
  const { params, options } = split(args);
  const state = stateOf('secrets', options);
  arity('secrets', params, 1, options);
  const path = params[0];
  if (typeof path !== 'string' || path.trim() === '') throw new HelperError('secrets', 'expects a Vault path', options);
  const response = fetchFor(state, 'secrets', path.replace(/^\/+/, ''), {});
  const keys = response === undefined ? [] : listingView(response);
  return typeof options.fn === 'function' ? keys.map((k) => options.fn(k)).join('') : keys;
}

/**
 * Go's json.Marshal output: map keys sorted, `<`, `>`, `&`, U+2028/9 escaped, no trailing newline.
 * Vault's numbers are written as Vault sent them (JsonNumber serializes raw).
 */
export function goJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(sortKeys(value, 'exact'), null, indent) ?? 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Keys sorted, placeholders as empty maps. `numbers: 'float'` turns Vault's exact numbers into
 * numbers, as consul-template's toYAML (yaml.v2) does with a json.Number (`1.50` → `1.5`).
 */
function sortKeys(value: unknown, numbers: 'exact' | 'float'): unknown {
  if (isPlaceholder(value)) return {};
  if (value instanceof JsonNumber) return numbers === 'exact' ? value : value.toInt64OrFloat();
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, numbers));
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k], numbers)]));
  }
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function simple(name: string, n: number, fn: (params: Args, options: HelperOptions) => unknown): HelperDelegate {
  return function (this: unknown, ...args: unknown[]): unknown {
    const { params, options } = split(args);
    arity(name, params, n, options);
    return fn(params, options);
  };
}

export const HELPERS: Readonly<Record<string, HelperDelegate>> = Object.freeze({
  secret: vaultHelper('secret', secretView),
  pkiCert: vaultHelper('pkiCert', pkiCertView),
  secrets: secretsHelper,
  env: simple('env', 1, ([name], o) => stateOf('env', o).context.env(text('env', name, o)) ?? ''),
  base64Encode: simple('base64Encode', 1, ([s], o) => Buffer.from(text('base64Encode', s, o), 'utf8').toString('base64')),
  base64Decode: simple('base64Decode', 1, ([s], o) => {
    const input = text('base64Decode', s, o);
    if (!BASE64.test(input)) throw new HelperError('base64Decode', 'input is not valid base64', o);
    return Buffer.from(input, 'base64').toString('utf8');
  }),
  toJSON: simple('toJSON', 1, ([v]) => goJson(v)),
  toJSONPretty: simple('toJSONPretty', 1, ([v]) => goJson(v, 2)),
  toYAML: simple('toYAML', 1, ([v]) => yamlStringify(sortKeys(v, 'float') ?? null).trim()),
  trimSpace: simple('trimSpace', 1, ([s], o) => text('trimSpace', s, o).trim()),
  indent: simple('indent', 2, ([n, s], o) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1000) throw new HelperError('indent', 'expects a number of spaces (0-1000) first', o);
    const pad = ' '.repeat(n);
    return text('indent', s, o).split('\n').map((line) => (line === '' ? line : pad + line)).join('\n');
  }),
  join: simple('join', 2, ([sep, list], o) => {
    if (isPlaceholder(list) || list === undefined || list === null) return '';
    if (!Array.isArray(list)) throw new HelperError('join', 'expects a list as second argument', o);
    return list.map((item) => text('join', item, o)).join(text('join', sep, o));
  }),
  split: simple('split', 2, ([sep, s], o) => {
    const subject = text('split', s, o).trim();
    return subject === '' ? [] : subject.split(text('split', sep, o));
  }),
  default: simple('default', 2, ([value, fallback]) =>
    value === undefined || value === null || value === '' || isPlaceholder(value) ? fallback : value),
});

/**
 * The helper, failing with `NAME: function is disabled` when the template's function_denylist
 * names it (as Vault Agent fails a denied Go-template function).
 */
export function denyable(name: string, helper: HelperDelegate): HelperDelegate {
  return function (this: unknown, ...args: unknown[]): unknown {
    const options = args[args.length - 1] as HelperOptions;
    const state = (options.data as Record<string, unknown> | undefined)?.[STATE_KEY] as RenderState | undefined;
    if (state?.context.functionDenylist?.includes(name) === true) throw new HelperError(name, 'function is disabled', options);
    return (helper as (this: unknown, ...a: unknown[]) => unknown).apply(this, args);
  };
}
