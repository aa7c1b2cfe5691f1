// consul-template's `sockaddr`, which evaluates a go-sockaddr template such as `GetPrivateIP`.
// vaultlet evaluates the single-call forms (no pipelines): GetPrivateIP(s), GetPublicIP(s),
// GetInterfaceIP(s) "NAME", GetAllInterfaces' addresses. Private means RFC 6890 special-purpose
// IPv4 space (10/8, 100.64/10, 172.16/12, 192.168/16, 169.254/16, ...), as go-sockaddr judges it.
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

const CALL = /^\s*(GetPrivateIPs?|GetPublicIPs?|GetInterfaceIPs?|GetAllInterfaces)(?:\s+"([^"\\]{1,64})")?\s*$/;

export function evaluateSockaddr(expression: string, addresses: readonly InterfaceAddress[]): string {
  const m = expression.length <= 200 ? CALL.exec(expression) : null;
  if (m === null) {
    throw new Error(
      'sockaddr: vaultlet evaluates only GetPrivateIP(s), GetPublicIP(s), GetInterfaceIP(s) "NAME" and GetAllInterfaces, without pipelines',
    );
  }
  const [, fn = '', name] = m;
  const external = addresses.filter((a) => !a.internal);
  const v4 = external.filter((a) => a.family === 'IPv4');
  const pick = (list: readonly InterfaceAddress[], all: boolean): string =>
    all ? list.map((a) => a.address).join(' ') : (list[0]?.address ?? '');
  switch (fn) {
    case 'GetPrivateIP':
    case 'GetPrivateIPs':
      return pick(
        v4.filter((a) => isPrivateV4(a.address)),
        fn.endsWith('s'),
      );
    case 'GetPublicIP':
    case 'GetPublicIPs':
      return pick(
        v4.filter((a) => !isPrivateV4(a.address)),
        fn.endsWith('s'),
      );
    case 'GetAllInterfaces':
      return pick(addresses, true);
    default: {
      if (name === undefined) throw new Error(`sockaddr: ${fn} needs an interface name`);
      const own = addresses.filter((a) => a.name === name);
      return fn === 'GetInterfaceIPs'
        ? pick(own, true)
        : pick(
            own.filter((a) => a.family === 'IPv4'),
            false,
          );
    }
  }
}

export const sockaddr: GoFunction = (a, ctx) => {
  arity(a, 1, Infinity);
  return evaluateSockaddr(a.map(str).join(' '), consulHost(ctx, 'sockaddr').interfaces());
};
