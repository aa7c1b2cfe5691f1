// Sprig's `urlParse` and `urlJoin`: Go's net/url Parse into a dict (scheme, host, hostname, path,
// query, opaque, fragment, userinfo) and URL.String from one. Escaping follows net/url's modes.
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { map, str, text } from './args.ts';
import { mapGet, type GoMap } from './values.ts';

type Mode = 'path' | 'host' | 'user' | 'fragment';

/** net/url shouldEscape for the modes urlJoin needs. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (/^[A-Za-z0-9\-_.~]$/.test(c)) return false;
  if (mode === 'host') return !`!$&'()*+,;=:[]<>"`.includes(c);
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'user') return '@/?:'.includes(c);
    return false;
  }
  if (mode === 'fragment') return !'!()*'.includes(c);
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const byte of Buffer.from(s)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function unescape(s: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) throw new Error('invalid URL escape');
  return Buffer.from(
    s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

interface ParsedUrl {
  scheme: string;
  opaque: string;
  user: string | undefined;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

/** Go's url.Parse (absolute or relative references). */
function parseUrl(raw: string): ParsedUrl {
  const u: ParsedUrl = { scheme: '', opaque: '', user: undefined, host: '', path: '', rawQuery: '', fragment: '' };
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    u.fragment = unescape(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(':')) throw new Error('missing protocol scheme');
  if (scheme !== null) {
    u.scheme = (scheme[1] ?? '').toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    u.rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/') && u.scheme !== '') {
    u.opaque = rest;
    return u;
  }
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) u.user = authority.slice(0, at);
    u.host = unescape(at >= 0 ? authority.slice(at + 1) : authority);
  }
  u.path = unescape(rest);
  return u;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host.slice(1) : host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** Userinfo.String: user and password escaped, joined by `:`. */
function userinfoText(raw: string): string {
  const colon = raw.indexOf(':');
  const name = unescape(colon < 0 ? raw : raw.slice(0, colon));
  const password = colon < 0 ? undefined : unescape(raw.slice(colon + 1));
  return escape(name, 'user') + (password === undefined ? '' : `:${escape(password, 'user')}`);
}

function urlParse(raw: string): GoMap {
  let u: ParsedUrl;
  try {
    u = parseUrl(raw);
  } catch (err) {
    throw new Error(`unable to parse url: ${(err as Error).message}`);
  }
  return {
    scheme: u.scheme,
    host: u.host,
    hostname: hostname(u.host),
    path: u.path,
    query: u.rawQuery,
    opaque: u.opaque,
    fragment: u.fragment,
    userinfo: u.user === undefined ? '' : userinfoText(u.user),
  };
}

/** Go's URL.String for the dict's parts. */
function urlJoin(d: GoMap): string {
  const part = (k: string): string => {
    const v = mapGet(d, k);
    return v === undefined || v === null ? '' : text(v);
  };
  const [scheme, host, path, query, opaque, fragment, userinfo] = [
    'scheme',
    'host',
    'path',
    'query',
    'opaque',
    'fragment',
    'userinfo',
  ].map(part);
  let user: string | undefined;
  if (userinfo !== undefined && userinfo !== '') user = userinfoText(userinfo);
  let out = '';
  if (scheme !== '') out += `${scheme}:`;
  if (opaque !== '') out += opaque;
  else {
    if (scheme !== '' || host !== '' || user !== undefined) {
      if (host !== '' || path !== '' || user !== undefined) out += '//';
      if (user !== undefined) out += `${user}@`;
      if (host !== '') out += escape(host ?? '', 'host');
    }
    const escapedPath = escape(path ?? '', 'path');
    if (escapedPath !== '' && !escapedPath.startsWith('/') && host !== '') out += '/';
    if (out === '') {
      const colon = escapedPath.indexOf(':');
      const slash = escapedPath.indexOf('/');
      if (colon >= 0 && (slash < 0 || colon < slash)) out += './';
    }
    out += escapedPath;
  }
  if (query !== '') out += `?${query}`;
  if (fragment !== '') out += `#${escape(fragment ?? '', 'fragment')}`;
  return out;
}

export const SPRIG_URL_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  ['urlParse', (a) => (arity(a, 1), urlParse(str(a[0])))],
  ['urlJoin', (a) => (arity(a, 1), urlJoin(map(a[0])))],
]);
