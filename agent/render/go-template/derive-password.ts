// Sprig's `derivePassword COUNTER TYPE PASSWORD USER SITE`: the Master Password algorithm
// (scrypt N=32768 r=8 p=2 of the password salted with the user, HMAC-SHA256 of the site and
// counter, then a template of character classes picked by the seed bytes).
import type { GoFunction } from './execute.ts';
import { arity } from './function-error.ts';
import { int, str } from './args.ts';
import { crypto } from '../../lazy-builtins.ts';
import { consulHost } from './consul-misc.ts';

const SEED = 'com.lyndir.masterpassword';

const TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const CHARACTERS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = Object.hasOwn(TEMPLATES, type) ? TEMPLATES[type] : undefined;
  if (templates === undefined) return `cannot find password template ${type}`;
  const c = crypto();
  const userBytes = Buffer.from(user);
  const salt = Buffer.concat([Buffer.from(SEED), uint32(userBytes.length), userBytes]);
  // 128 * N * r bytes = 32 MiB of scrypt memory, as Go's scrypt.Key uses.
  const key = c.scryptSync(Buffer.from(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 64 * 1024 * 1024 });
  const siteBytes = Buffer.from(site);
  const seed = c
    .createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(SEED), uint32(siteBytes.length), siteBytes, uint32(counter)]))
    .digest();
  const template = templates[(seed[0] ?? 0) % templates.length] ?? '';
  return [...template]
    .map((cls, i) => {
      const chars = CHARACTERS[cls] ?? '';
      return chars[(seed[i + 1] ?? 0) % chars.length] ?? '';
    })
    .join('');
}

export const DERIVE_PASSWORD_FUNCTIONS: ReadonlyMap<string, GoFunction> = new Map<string, GoFunction>([
  [
    'derivePassword',
    (a, ctx) => {
      arity(a, 5);
      consulHost(ctx, 'sprig_derivePassword').spend('sprig_derivePassword');
      return derivePassword(int(a[0]), str(a[1]), str(a[2]), str(a[3]), str(a[4]));
    },
  ],
]);
