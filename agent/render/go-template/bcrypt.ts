// bcrypt as golang.org/x/crypto/bcrypt computes it (version 2a, the password with a trailing NUL,
// at most 72 bytes), for Sprig's `bcrypt` and `htpasswd`. Blowfish's initial state is the
// fractional hexadecimal digits of pi; they are computed once, on first use, rather than shipped
// as a 4 KB table.

const WORDS = 18 + 4 * 256;
let piWords: Uint32Array | undefined;

/** The first 1042 32-bit words of pi's fractional part in hexadecimal (Machin's formula on bigints). */
function blowfishInit(): Uint32Array {
  if (piWords !== undefined) return piWords;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  const atanInv = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let k = 1n; term !== 0n; k += 2n) {
      sum += (k & 2n) === 0n ? term / k : -(term / k);
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const frac = pi - ((pi >> bits) << bits);
  const out = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) out[i] = Number((frac >> (bits - BigInt((i + 1) * 32))) & 0xffffffffn);
  piWords = out;
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    const init = blowfishInit();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (
      ((((s[x >>> 24] ?? 0) + (s[256 + ((x >>> 16) & 0xff)] ?? 0)) ^ (s[512 + ((x >>> 8) & 0xff)] ?? 0)) +
        (s[768 + (x & 0xff)] ?? 0)) >>>
      0
    );
  }

  encrypt(lr: Uint32Array, off: number): void {
    const p = this.p;
    let l = lr[off] ?? 0;
    let r = lr[off + 1] ?? 0;
    l = (l ^ (p[0] ?? 0)) >>> 0;
    for (let i = 1; i <= 16; i += 2) {
      r = (r ^ this.f(l) ^ (p[i] ?? 0)) >>> 0;
      l = (l ^ this.f(r) ^ (p[i + 1] ?? 0)) >>> 0;
    }
    lr[off] = (r ^ (p[17] ?? 0)) >>> 0;
    lr[off + 1] = l;
  }

  /** Blowfish's key schedule, with the salt mixed in when given (bcrypt's ExpandKey). */
  expand(key: Uint8Array, salt: Uint8Array | undefined): void {
    const word = (data: Uint8Array, at: { j: number }): number => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | (data[at.j] ?? 0)) >>> 0;
        at.j = (at.j + 1) % data.length;
      }
      return w;
    };
    const k = { j: 0 };
    for (let i = 0; i < 18; i++) this.p[i] = ((this.p[i] ?? 0) ^ word(key, k)) >>> 0;
    const sj = { j: 0 };
    const lr = new Uint32Array(2);
    const fill = (target: Uint32Array, n: number): void => {
      for (let i = 0; i < n; i += 2) {
        if (salt !== undefined) {
          lr[0] = ((lr[0] ?? 0) ^ word(salt, sj)) >>> 0;
          lr[1] = ((lr[1] ?? 0) ^ word(salt, sj)) >>> 0;
        }
        this.encrypt(lr, 0);
        target[i] = lr[0] ?? 0;
        target[i + 1] = lr[1] ?? 0;
      }
    };
    fill(this.p, 18);
    fill(this.s, 1024);
  }
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's own base64 (its alphabet, no padding). */
export function bcryptBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    out += (ALPHABET[b0 >> 2] ?? '') + (ALPHABET[((b0 & 3) << 4) | (b1 >> 4)] ?? '');
    if (i + 1 < bytes.length) out += ALPHABET[((b1 & 15) << 2) | (b2 >> 6)] ?? '';
    if (i + 2 < bytes.length) out += ALPHABET[b2 & 63] ?? '';
  }
  return out;
}

export class BcryptError extends Error {}

/** The `$2a$COST$SALTHASH` string for a password and a 16-byte salt. */
export function bcryptHash(password: Uint8Array, salt: Uint8Array, cost: number): string {
  if (password.length > 72) throw new BcryptError('bcrypt: password length exceeds 72 bytes');
  if (salt.length !== 16 || cost < 4 || cost > 31) throw new BcryptError('bcrypt: bad salt or cost');
  const key = new Uint8Array(password.length + 1);
  key.set(password);
  const bf = new Blowfish();
  bf.expand(key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    bf.expand(key, undefined);
    bf.expand(salt, undefined);
  }
  const text = Buffer.from('OrpheanBeholderScryDoubt');
  const cdata = new Uint32Array(6);
  for (let i = 0; i < 6; i++) cdata[i] = text.readUInt32BE(i * 4);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) bf.encrypt(cdata, j);
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(cdata[i] ?? 0, i * 4);
  return `$2a$${String(cost).padStart(2, '0')}$${bcryptBase64(salt)}${bcryptBase64(out.subarray(0, 23))}`;
}
