// consul-template's `sockaddr`, which evaluates a go-sockaddr template such as `GetPrivateIP`.
// vaultlet evaluates the helper calls (GetPrivateIP(s), GetPublicIP(s), GetInterfaceIP(s) "NAME")
// and the interface sources piped through include/exclude, limit, offset, attr and join. Private
// means RFC 6890 special-purpose IPv4 space (10/8, 100.64/10, 172.16/12, 192.168/16, ...), as
// go-sockaddr judges it. A list left at the end prints its addresses separated by spaces.
import type { InterfaceAddress } from '../engine.ts';
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { str } from './args.ts';
import { consulHost } from './consul-misc.ts';

const RFC6890_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0000200, 24],
  [0xc0586300, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xc6336400, 24],
  [0xcb007100, 24],
  [0xf0000000, 4],
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function isPrivateV4(address: string): boolean {
  const n = v4Number(address);
  return RFC6890_V4.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
}

/** One word of a go-sockaddr expression: a name, a quoted string or a number. */
function words(stage: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.){0,64})"|([A-Za-z][A-Za-z0-9]*|-?\d{1,6}))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(stage)) !== null) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
    end = re.lastIndex;
  }
  if (stage.slice(end).trim() !== '') throw new Error('sockaddr: cannot read the expression');
  return out;
}

const UNSUPPORTED =
  'sockaddr: vaultlet evaluates GetPrivateIP(s), GetPublicIP(s), GetInterfaceIP(s) "NAME" and Get{All,Default,Private,Public}Interfaces piped through include/exclude ("name", "type", "flag(s)", "rfc"), limit, offset, attr and join';

function matches(a: InterfaceAddress, key: string, value: string): boolean {
  switch (key) {
    case 'name':
      // Interface names are at most 15 bytes (IFNAMSIZ): even a backtracking pattern stays cheap.
      return goLikeRegExp(value).test(a.name.slice(0, 15));
    case 'type':
      return value.toLowerCase() === 'ip' || value.toLowerCase() === a.family.toLowerCase();
    case 'flag':
    case 'flags':
      return value.split('|').every((flag) => {
        if (flag === 'loopback') return a.internal;
        if (flag === 'up') return true;
        if (flag === 'forwardable')
          return !a.internal && !a.address.startsWith('169.254.') && !a.address.toLowerCase().startsWith('fe80:');
        throw new Error(`sockaddr: unknown flag ${JSON.stringify(flag)} (vaultlet knows loopback, up, forwardable)`);
      });
    case 'rfc':
    case 'RFC':
      if (value !== '6890' && value !== '1918') throw new Error('sockaddr: vaultlet knows RFC 1918 and 6890');
      return a.family === 'IPv4' && (value === '6890' ? isPrivateV4(a.address) : isRfc1918(a.address));
    default:
      throw new Error(UNSUPPORTED);
  }
}

function goLikeRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    throw new Error('sockaddr: invalid regular expression');
  }
}

function isRfc1918(address: string): boolean {
  const n = v4Number(address);
  return [
    [0x0a000000, 8],
    [0xac100000, 12],
    [0xc0a80000, 16],
  ].some(([net = 0, bits = 0]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
}

function attr(a: InterfaceAddress | undefined, name: string): string {
  if (a === undefined) return '';
  if (name === 'address' || name === 'Address') return a.address;
  if (name === 'name' || name === 'Name') return a.name;
  if (name === 'type' || name === 'Type') return a.family === 'IPv4' ? 'IPv4' : 'IPv6';
  throw new Error(`sockaddr: unknown attribute ${JSON.stringify(name)} (vaultlet knows address, name, type)`);
}

export function evaluateSockaddr(expression: string, addresses: readonly InterfaceAddress[]): string {
  if (expression.length > 400) throw new Error('sockaddr: expression too long');
  const external = addresses.filter((a) => !a.internal);
  const v4 = external.filter((a) => a.family === 'IPv4');
  const pick = (list: readonly InterfaceAddress[], all: boolean): string =>
    all ? list.map((a) => a.address).join(' ') : (list[0]?.address ?? '');
  const [first = '', ...stages] = expression.split('|').map(words);
  const [fn = '', arg] = first;
  let list: readonly InterfaceAddress[];
  switch (fn) {
    case 'GetPrivateIP':
    case 'GetPrivateIPs':
      if (stages.length > 0) throw new Error(UNSUPPORTED);
      return pick(
        v4.filter((a) => isPrivateV4(a.address)),
        fn.endsWith('s'),
      );
    case 'GetPublicIP':
    case 'GetPublicIPs':
      if (stages.length > 0) throw new Error(UNSUPPORTED);
      return pick(
        v4.filter((a) => !isPrivateV4(a.address)),
        fn.endsWith('s'),
      );
    case 'GetInterfaceIP':
    case 'GetInterfaceIPs': {
      if (arg === undefined) throw new Error(`sockaddr: ${fn} needs an interface name`);
      if (stages.length > 0) throw new Error(UNSUPPORTED);
      const own = addresses.filter((a) => a.name === arg);
      return fn === 'GetInterfaceIPs'
        ? pick(own, true)
        : pick(
            own.filter((a) => a.family === 'IPv4'),
            false,
          );
    }
    case 'GetAllInterfaces':
      list = addresses;
      break;
    case 'GetDefaultInterfaces':
      list = external;
      break;
    case 'GetPrivateInterfaces':
      list = v4.filter((a) => isPrivateV4(a.address));
      break;
    case 'GetPublicInterfaces':
      list = v4.filter((a) => !isPrivateV4(a.address));
      break;
    default:
      throw new Error(UNSUPPORTED);
  }
  if (stages.length === 0) return pick(list, true);
  for (const [i, [op = '', x = '', y = '']] of stages.entries()) {
    const last = i === stages.length - 1;
    switch (op) {
      case 'include':
        list = list.filter((a) => matches(a, x, y));
        break;
      case 'exclude':
        list = list.filter((a) => !matches(a, x, y));
        break;
      case 'limit':
        list = list.slice(0, Math.max(Number(x), 0));
        break;
      case 'offset':
        list = Number(x) >= 0 ? list.slice(Number(x)) : list.slice(Number(x));
        break;
      case 'attr':
        if (!last) throw new Error(UNSUPPORTED);
        return attr(list[0], x);
      case 'join':
        if (!last) throw new Error(UNSUPPORTED);
        return list.map((a) => attr(a, x)).join(y);
      default:
        throw new Error(UNSUPPORTED);
    }
  }
  return pick(list, true);
}

export const sockaddr: GoFunction = (a, ctx) => {
  arity(a, 1, Infinity);
  return evaluateSockaddr(a.map(str).join(' '), consulHost(ctx, 'sockaddr').interfaces());
};
